// The Llama-style decoder for inference: token embedding, then per layer RMSNorm → grouped-query
// attention with rotary embeddings → residual, RMSNorm → SwiGLU MLP → residual; a final RMSNorm
// and the classifier (tied to the embedding or not). Prefill runs T tokens at once; decoding is
// T = 1 against the KV cache. Rotary pairs are interleaved (2i, 2i+1) as in Meta's and llama2.c's
// weights; the HF exporter permutes wq/wk to HF's rotate-half order.
//
// Shape letters: T tokens in this call, C hidden, F intermediate, H heads, Hkv kv heads,
// D head size, V vocab, S context length (cache rows), L layers.
import type { Backend } from '../engine/backend.ts';
import type { Ptr } from '../engine/arena.ts';
import { WrenError } from '../errors.ts';
import { headSize, type LlamaConfig } from './config.ts';
import { ParameterBlock, parameterTable } from './weights.ts';

export type RunState = {
  maxT: number;     // rows the activation buffers hold: a longer prefill runs in chunks
  ids: Ptr;         // (maxT) int32
  x: Ptr;           // (maxT, C) residual stream
  xb: Ptr;          // (maxT, C) normed input of a sublayer
  q: Ptr;           // (maxT, H*D)
  att: Ptr;         // (maxT, H*D) attention output
  xb2: Ptr;         // (maxT, C) sublayer output
  hb: Ptr;          // (maxT, F) gate
  hb2: Ptr;         // (maxT, F) up
  logits: Ptr;      // (V) for the last token
  keyCache: Ptr;    // (L, S, Hkv*D)
  valueCache: Ptr;  // (L, S, Hkv*D)
};

export class LlamaModel {
  readonly params: ParameterBlock;
  readonly state: RunState;
  /** Tokens currently in the KV cache. */
  pos = 0;

  constructor(readonly config: LlamaConfig, readonly backend: Backend, maxT = 64) {
    this.params = new ParameterBlock(backend.arena, parameterTable(config));
    this.state = allocRunState(config, backend, Math.min(maxT, config.max_position_embeddings));
  }

  get contextLength(): number {
    return this.config.max_position_embeddings;
  }

  reset(): void {
    this.pos = 0;
  }

  /** Run `tokens` through the model after the cached ones; returns the last token's logits (V) as a pointer. */
  forward(tokens: ArrayLike<number>): Ptr {
    if (tokens.length === 0) throw new WrenError('forward: no tokens');
    if (this.pos + tokens.length > this.contextLength) {
      throw new WrenError(`sequence of ${this.pos + tokens.length} tokens exceeds the model's context length ${this.contextLength}`);
    }
    const V = this.config.vocab_size;
    for (let i = 0; i < tokens.length; i++) {
      if (!Number.isInteger(tokens[i]) || tokens[i] < 0 || tokens[i] >= V) throw new WrenError(`token id ${tokens[i]} is outside the vocabulary [0, ${V})`);
    }
    for (let start = 0; start < tokens.length; start += this.state.maxT) {
      const chunk = Array.prototype.slice.call(tokens, start, start + this.state.maxT) as number[];
      this.forwardChunk(chunk, start + chunk.length === tokens.length);
    }
    return this.state.logits;
  }

  private forwardChunk(tokens: number[], wantLogits: boolean): void {
    const c = this.config, s = this.state, p = this.params, k = this.backend;
    const T = tokens.length, C = c.hidden_size, F = c.intermediate_size, H = c.num_attention_heads;
    const Hkv = c.num_key_value_heads, D = headSize(c), kvDim = Hkv * D, S = c.max_position_embeddings;
    const pos0 = this.pos, eps = c.rms_norm_eps, theta = c.rope_theta;
    this.backend.arena.i32At(s.ids, T).set(tokens);

    k.run('embedding', s.x, p.ptr('embed'), s.ids, T, C);                     // x (T, C)
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const kRows = s.keyCache + (l * S + pos0) * kvDim * 4;                    // this call's rows of the cache
      const vRows = s.valueCache + (l * S + pos0) * kvDim * 4;
      k.run('rmsnorm', s.xb, s.x, p.ptr('attnNorm', l), T, C, eps);            // xb (T, C)
      k.run('matmul', s.q, s.xb, p.ptr('wq', l), T, C, H * D, 0, 1, 0);        // q (T, H*D)
      k.run('matmul', kRows, s.xb, p.ptr('wk', l), T, C, kvDim, 0, 1, 0);      // k (T, Hkv*D) into the cache
      k.run('matmul', vRows, s.xb, p.ptr('wv', l), T, C, kvDim, 0, 1, 0);      // v (T, Hkv*D) into the cache
      k.run('rope', s.q, T, T, H, D, pos0, theta);
      k.run('rope', kRows, T, T, Hkv, D, pos0, theta);
      const layerK = s.keyCache + l * S * kvDim * 4, layerV = s.valueCache + l * S * kvDim * 4;
      k.run('attention', s.att, 0, s.q, layerK, layerV, 1, T, pos0 + T, H, Hkv, D); // att (T, H*D)
      k.run('matmul', s.xb2, s.att, p.ptr('wo', l), T, H * D, C, 0, 1, 0);      // xb2 (T, C)
      k.run('add', s.x, s.x, s.xb2, T * C);                                     // residual

      k.run('rmsnorm', s.xb, s.x, p.ptr('ffnNorm', l), T, C, eps);             // xb (T, C)
      k.run('matmul', s.hb, s.xb, p.ptr('w1', l), T, C, F, 0, 1, 0);           // gate (T, F)
      k.run('matmul', s.hb2, s.xb, p.ptr('w3', l), T, C, F, 0, 1, 0);          // up (T, F)
      k.run('swiglu', s.hb, s.hb, s.hb2, T * F);                               // silu(gate) * up
      k.run('matmul', s.xb2, s.hb, p.ptr('w2', l), T, F, C, 0, 1, 0);          // xb2 (T, C)
      k.run('add', s.x, s.x, s.xb2, T * C);                                     // residual
    }
    this.pos += T;
    if (!wantLogits) return;
    const last = s.x + (T - 1) * C * 4;
    k.run('rmsnorm', s.xb, last, p.ptr('finalNorm'), 1, C, eps);               // xb (1, C)
    const head = p.has('lmHead') ? p.ptr('lmHead') : p.ptr('embed');
    k.run('matmul', s.logits, s.xb, head, 1, C, c.vocab_size, 0, 1, 0);        // logits (V)
  }

  /** A float32 view of the logits of the last forward (valid until the next forward). */
  logitsView(): Float32Array {
    return this.backend.arena.f32At(this.state.logits, this.config.vocab_size);
  }
}

function allocRunState(c: LlamaConfig, backend: Backend, maxT: number): RunState {
  const a = backend.arena;
  const C = c.hidden_size, F = c.intermediate_size, qDim = c.num_attention_heads * headSize(c);
  const kvDim = c.num_key_value_heads * headSize(c), cache = c.num_hidden_layers * c.max_position_embeddings * kvDim;
  return {
    maxT,
    ids: a.alloc(maxT * 4),
    x: a.allocF32(maxT * C),
    xb: a.allocF32(maxT * C),
    q: a.allocF32(maxT * qDim),
    att: a.allocF32(maxT * qDim),
    xb2: a.allocF32(maxT * C),
    hb: a.allocF32(maxT * F),
    hb2: a.allocF32(maxT * F),
    logits: a.allocF32(c.vocab_size),
    keyCache: a.allocF32(cache),
    valueCache: a.allocF32(cache),
  };
}
