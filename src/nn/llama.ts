// The Llama-style decoder for inference: token embedding, then per layer RMSNorm → grouped-query
// attention with rotary embeddings → residual, RMSNorm → SwiGLU MLP → residual; a final RMSNorm
// and the classifier (tied to the embedding or not). Rotary pairs are interleaved (2i, 2i+1) as in
// Meta's and llama2.c's weights; the HF exporter permutes wq/wk to HF's rotate-half order.
//
// The weights are read-only and shared; each sequence keeps its own KvCache. `forwardBatch` runs
// several sequences' new tokens at once (a continuous-batching server's step: one token from each
// decoding request, a prompt chunk from another): the matmuls run over all rows together, rotary
// embeddings and attention per sequence. Up to MAX_BATCH_ROWS rows, the engine computes every row
// exactly as it would alone (see matmul.c), so batching never changes a request's tokens.
// `forward` is the single-sequence use (the CLI, evaluation) on the model's own cache.
//
// Shape letters: R rows in this call, C hidden, F intermediate, H heads, Hkv kv heads,
// D head size, V vocab, S context length (cache rows), L layers.
import type { Backend } from '../engine/backend.ts';
import type { Ptr } from '../engine/arena.ts';
import { WrenError } from '../errors.ts';
import { headSize, type LlamaConfig } from './config.ts';
import { KvCache } from './kv-cache.ts';
import { ParameterBlock, parameterTable, type ParamName } from './weights.ts';
import type { QuantizedWeights } from './quantized-weights.ts';

/** Rows a batched forward may hold and still give each row its lone result (WREN_BATCH_INVARIANT_ROWS in wren.h). */
export const MAX_BATCH_ROWS = 64;

/** New tokens of one sequence for a batched forward; `logits`: return the last token's logits. */
export type Segment = { cache: KvCache; tokens: ArrayLike<number>; logits: boolean };

type Activations = {
  rows: number;     // rows every buffer holds
  ids: Ptr;         // (R) int32
  x: Ptr;           // (R, C) residual stream
  xb: Ptr;          // (R, C) normed input of a sublayer
  q: Ptr;           // (R, H*D)
  k: Ptr;           // (R, Hkv*D) this call's keys, before they go into each cache
  v: Ptr;           // (R, Hkv*D)
  att: Ptr;         // (R, H*D) attention output
  xb2: Ptr;         // (R, C) sublayer output
  hb: Ptr;          // (R, F) gate
  hb2: Ptr;         // (R, F) up
  logits: Ptr;      // (R, V) for the rows that asked
};

export class LlamaModel {
  readonly params: ParameterBlock;
  /** Rows one forward call holds: a longer prefill runs in chunks of this many. */
  readonly maxRows: number;
  private act?: Activations;   // allocated on first use: exporting or converting needs none
  private own?: KvCache;       // the cache behind forward()/reset()/pos
  private readonly fused: boolean; // the backend runs a layer's linears of one input as one matmul3

  /** `quantized`: matrices held as Q8_0/Q4_0 blocks (quantized-weights.ts); the float block lacks them. */
  constructor(readonly config: LlamaConfig, readonly backend: Backend, maxRows = MAX_BATCH_ROWS, readonly quantized?: QuantizedWeights) {
    const table = parameterTable(config);
    this.params = new ParameterBlock(backend.arena, quantized ? quantized.floatTable(table) : table);
    this.maxRows = Math.max(1, Math.min(maxRows, config.max_position_embeddings));
    this.fused = backend.supports('matmul3');
  }

  get contextLength(): number {
    return this.config.max_position_embeddings;
  }

  /** A fresh cache for one more concurrent sequence (memory: 2·L·S·Hkv·D floats). */
  newCache(): KvCache {
    return new KvCache(this.config, this.backend);
  }

  /** Tokens currently in the model's own cache. */
  get pos(): number {
    return this.own?.pos ?? 0;
  }

  reset(): void {
    this.own?.reset();
  }

  /** Run `tokens` after the cached ones on the model's own cache; returns the last token's logits (V). */
  forward(tokens: ArrayLike<number>): Ptr {
    if (tokens.length === 0) throw new WrenError('forward: no tokens');
    const cache = (this.own ??= this.newCache());
    this.checkSegment(cache, tokens);
    if (tokens.length <= this.maxRows) return this.forwardBatch([{ cache, tokens, logits: true }]);
    let logits = 0;
    for (let start = 0; start < tokens.length; start += this.maxRows) {
      const chunk = Array.prototype.slice.call(tokens, start, start + this.maxRows) as number[];
      logits = this.forwardBatch([{ cache, tokens: chunk, logits: start + chunk.length === tokens.length }]);
    }
    return logits;
  }

  /**
   * One forward over several sequences' new tokens (at most maxRows in all). Returns the logits
   * (one row of V per segment that asked, in segment order); each cache advances by its tokens.
   */
  forwardBatch(segments: Segment[]): Ptr {
    let R = 0;
    for (const seg of segments) {
      if (seg.tokens.length === 0) throw new WrenError('forward: a segment has no tokens');
      this.checkSegment(seg.cache, seg.tokens);
      R += seg.tokens.length;
    }
    if (R > this.maxRows) throw new WrenError(`forward: ${R} rows exceed the ${this.maxRows} this model holds per call`);
    for (let i = 1; i < segments.length; i++) {
      for (let j = 0; j < i; j++) if (segments[i].cache === segments[j].cache) throw new WrenError('forward: a cache appears twice in one batch');
    }
    // No views or tuples are made per layer below (each run() still gathers its arguments): at
    // stories260K's size a token's JavaScript was a tenth to a quarter of its time (native, 1
    // thread), much of it views, tuples and the garbage collection they cost.
    const c = this.config, s = (this.act ??= allocActivations(c, this.backend, this.maxRows)), p = this.params, k = this.backend;
    const C = c.hidden_size, F = c.intermediate_size, H = c.num_attention_heads, V = c.vocab_size;
    const Hkv = c.num_key_value_heads, D = headSize(c), kvDim = Hkv * D, S = c.max_position_embeddings;
    const eps = c.rms_norm_eps, theta = c.rope_theta, arena = this.backend.arena;
    const ids = arena.i32;
    let r0 = 0;
    for (const seg of segments) { ids.set(seg.tokens, (s.ids >>> 2) + r0); r0 += seg.tokens.length; }

    k.run('embedding', s.x, p.ptr('embed'), s.ids, R, C);                      // x (R, C)
    for (let l = 0; l < c.num_hidden_layers; l++) {
      k.run('rmsnorm', s.xb, s.x, p.ptr('attnNorm', l), R, C, eps);             // xb (R, C)
      this.linears(s.xb, l, R, C, s.q, 'wq', H * D, s.k, 'wk', kvDim, s.v, 'wv', kvDim); // q (R, H*D), k, v (R, Hkv*D)
      let row = 0;
      for (const seg of segments) {                                              // per sequence: its positions, its cache
        const T = seg.tokens.length, pos0 = seg.cache.pos;
        const layerK = seg.cache.keys + l * S * kvDim * 4, layerV = seg.cache.values + l * S * kvDim * 4;
        k.run('rope', s.q + row * H * D * 4, T, T, H, D, pos0, theta);
        k.run('rope', s.k + row * kvDim * 4, T, T, Hkv, D, pos0, theta);
        arena.copyF32(layerK + pos0 * kvDim * 4, s.k + row * kvDim * 4, T * kvDim);
        arena.copyF32(layerV + pos0 * kvDim * 4, s.v + row * kvDim * 4, T * kvDim);
        k.run('attention', s.att + row * H * D * 4, 0, s.q + row * H * D * 4, layerK, layerV, 1, T, pos0 + T, H, Hkv, D);
        row += T;
      }
      this.linear(s.xb2, s.att, 'wo', l, R, H * D, C);                           // xb2 (R, C)
      k.run('add', s.x, s.x, s.xb2, R * C);                                      // residual

      k.run('rmsnorm', s.xb, s.x, p.ptr('ffnNorm', l), R, C, eps);              // xb (R, C)
      this.linears(s.xb, l, R, C, s.hb, 'w1', F, s.hb2, 'w3', F);               // gate, up (R, F)
      k.run('swiglu', s.hb, s.hb, s.hb2, R * F);                                // silu(gate) * up
      this.linear(s.xb2, s.hb, 'w2', l, R, F, C);                                // xb2 (R, C)
      k.run('add', s.x, s.x, s.xb2, R * C);                                      // residual
    }
    // Final norm and classifier only for the rows that asked: the last token of each such segment.
    let out = 0;
    r0 = 0;
    for (const seg of segments) {
      const T = seg.tokens.length;
      if (seg.logits) k.run('rmsnorm', s.xb + out++ * C * 4, s.x + (r0 + T - 1) * C * 4, p.ptr('finalNorm'), 1, C, eps);
      seg.cache.pos += T;
      r0 += T;
    }
    if (out > 0) this.linear(s.logits, s.xb, p.has('lmHead') ? 'lmHead' : 'embed', undefined, out, C, V); // logits (out, V)
    return s.logits;
  }

  /** out (R, N) = x (R, K) · Wᵀ for the weight `name` (of `layer`), W stored (N, K). */
  private linear(out: Ptr, x: Ptr, name: ParamName, layer: number | undefined, R: number, K: number, N: number): void {
    const q = this.quantized?.get(name);
    if (q) this.backend.run(q.kernel, out, x, q.ptr + (layer ?? 0) * q.layerBytes, R, K, N);
    else this.backend.run('matmul', out, x, this.params.ptr(name, layer), R, K, N, 0, 1, 0);
  }

  /** Two or three linears of one input x (R, K) in `layer`, out_i (R, n_i) = x · w_iᵀ: float
   *  weights in one matmul3 call (one hand-off to the threads instead of one each; the same bits),
   *  quantized ones one at a time. */
  private linears(x: Ptr, layer: number, R: number, K: number, o0: Ptr, w0: ParamName, n0: number,
                  o1: Ptr, w1: ParamName, n1: number, o2: Ptr = 0, w2: ParamName = w0, n2 = 0): void {
    const q = this.quantized;
    if (!this.fused || (q && (q.get(w0) || q.get(w1) || (n2 > 0 && q.get(w2))))) {
      this.linear(o0, x, w0, layer, R, K, n0);
      this.linear(o1, x, w1, layer, R, K, n1);
      if (n2 > 0) this.linear(o2, x, w2, layer, R, K, n2);
      return;
    }
    const p = this.params;
    this.backend.run('matmul3', o0, o1, o2, x, p.ptr(w0, layer), p.ptr(w1, layer), n2 > 0 ? p.ptr(w2, layer) : 0, R, K, n0, n1, n2);
  }

  /** A float32 view of the first logits row of the last forward (valid until the next forward). */
  logitsView(): Float32Array {
    return this.backend.arena.f32At(this.act?.logits ?? 0, this.config.vocab_size);
  }

  private checkSegment(cache: KvCache, tokens: ArrayLike<number>): void {
    if (cache.pos + tokens.length > this.contextLength) {
      throw new WrenError(`sequence of ${cache.pos + tokens.length} tokens exceeds the model's context length ${this.contextLength}`);
    }
    const V = this.config.vocab_size;
    for (let i = 0; i < tokens.length; i++) {
      if (!Number.isInteger(tokens[i]) || tokens[i] < 0 || tokens[i] >= V) throw new WrenError(`token id ${tokens[i]} is outside the vocabulary [0, ${V})`);
    }
  }
}

function allocActivations(c: LlamaConfig, backend: Backend, rows: number): Activations {
  const a = backend.arena;
  const C = c.hidden_size, F = c.intermediate_size, qDim = c.num_attention_heads * headSize(c);
  const kvDim = c.num_key_value_heads * headSize(c);
  return {
    rows,
    ids: a.alloc(rows * 4),
    x: a.allocF32(rows * C),
    xb: a.allocF32(rows * C),
    q: a.allocF32(rows * qDim),
    k: a.allocF32(rows * kvDim),
    v: a.allocF32(rows * kvDim),
    att: a.allocF32(rows * qDim),
    xb2: a.allocF32(rows * C),
    hb: a.allocF32(rows * F),
    hb2: a.allocF32(rows * F),
    logits: a.allocF32(rows * c.vocab_size),
  };
}
