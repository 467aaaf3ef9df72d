// Reader for llama2.c model checkpoints (karpathy/llama2.c export.py).
//
// Legacy (version 0), no magic:
//   int32 dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len
//   (vocab_size < 0 means the classifier is NOT shared with the embedding)
//   float32 token_embedding (V,C), rms_att (L,C), wq (L,C,C), wk (L,kv,C), wv (L,kv,C), wo (L,C,C),
//           rms_ffn (L,C), w1 (L,F,C), w2 (L,C,F), w3 (L,F,C), rms_final (C),
//           freq_cis_real (S,D/2), freq_cis_imag (S,D/2) [unused], wcls (V,C) if not shared
// Version 1 and 2: a 256-byte header
//   uint32 magic 0x616b3432 ("ak42"), int32 version, int32 × 7 as above (vocab_size positive),
//   uint8 shared_classifier, [v2: int32 group_size], zero padding to 256 bytes
//   v1 float32: rms_att (L,C), rms_ffn (L,C), rms_final (C), token_embedding, wq, wk, wv, wo, w1, w2, w3, [wcls]
//   v2 (Q8_0): the three norms as float32, then each matrix (per layer for stacked ones) as int8 values
//      followed by float32 scales, one per group_size values: w = q * scale.
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { checkConsistent, DEFAULTS, type LlamaConfig } from '../nn/config.ts';
import type { ParamName } from '../nn/weights.ts';

const MAGIC = 0x616b3432;
const HEADER_V1 = 256;

export type Llama2cCheckpoint = { config: LlamaConfig; version: number; tensors: Map<ParamName, Float32Array> };

export function readLlama2cCheckpoint(path: string): Llama2cCheckpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new WrenError(`${path}: cannot read checkpoint (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseLlama2cCheckpoint(bytes, path);
}

/** A llama2.c checkpoint from its bytes (a fetched or opened file); `path` names it in errors. */
export function parseLlama2cCheckpoint(bytes: Uint8Array, path = 'checkpoint.bin'): Llama2cCheckpoint {
  if (bytes.length < 28) throw new WrenError(`${path}: too short to be a llama2.c checkpoint (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, true);
  const version = magic === MAGIC ? dv.getInt32(4, true) : 0;
  if (magic === MAGIC && version !== 1 && version !== 2) {
    throw new WrenError(`${path}: llama2.c checkpoint version ${version} is not supported (expected 0, 1 or 2)`);
  }
  const h = version === 0 ? 0 : 8;
  const ints = Array.from({ length: 7 }, (_, i) => dv.getInt32(h + 4 * i, true));
  const [dim, hidden, layers, heads, kvHeads, vocabRaw, seqLen] = ints;
  const shared = version === 0 ? vocabRaw > 0 : bytes[h + 28] !== 0;
  const vocab = Math.abs(vocabRaw);
  const sane = ints.every((v, i) => (i === 5 ? v !== 0 : v > 0) && Math.abs(v) < 1 << 24);
  if (!sane) throw new WrenError(`${path}: header sizes ${JSON.stringify(ints)} are not those of a llama2.c checkpoint`);
  const config: LlamaConfig = {
    hidden_size: dim, intermediate_size: hidden, num_hidden_layers: layers, num_attention_heads: heads,
    num_key_value_heads: kvHeads, vocab_size: vocab, max_position_embeddings: seqLen,
    rope_theta: DEFAULTS.rope_theta, rms_norm_eps: DEFAULTS.rms_norm_eps, tie_word_embeddings: shared,
    bos_token_id: 1, eos_token_id: 2,
  };
  checkConsistent(config, path);
  const reader = new TensorReader(bytes, version === 0 ? 28 : HEADER_V1, path);
  const tensors = version === 2 ? readQ8(reader, config, dv.getInt32(h + 29, true)) : readF32(reader, config, version);
  reader.expectEnd();
  return { config, version, tensors };
}

function shapes(c: LlamaConfig) {
  const C = c.hidden_size, F = c.intermediate_size, L = c.num_hidden_layers, V = c.vocab_size;
  const kv = (c.hidden_size / c.num_attention_heads) * c.num_key_value_heads;
  return { C, F, L, V, kv };
}

function readF32(r: TensorReader, c: LlamaConfig, version: number): Map<ParamName, Float32Array> {
  const { C, F, L, V, kv } = shapes(c);
  const t = new Map<ParamName, Float32Array>();
  if (version === 0) {
    t.set('embed', r.f32(V * C)); t.set('attnNorm', r.f32(L * C));
  } else {
    t.set('attnNorm', r.f32(L * C)); t.set('ffnNorm', r.f32(L * C)); t.set('finalNorm', r.f32(C)); t.set('embed', r.f32(V * C));
  }
  t.set('wq', r.f32(L * C * C)); t.set('wk', r.f32(L * kv * C)); t.set('wv', r.f32(L * kv * C)); t.set('wo', r.f32(L * C * C));
  if (version === 0) t.set('ffnNorm', r.f32(L * C));
  t.set('w1', r.f32(L * F * C)); t.set('w2', r.f32(L * C * F)); t.set('w3', r.f32(L * F * C));
  if (version === 0) {
    t.set('finalNorm', r.f32(C));
    r.skip(c.max_position_embeddings * (C / c.num_attention_heads) * 4); // freq_cis_real + freq_cis_imag
  }
  if (!c.tie_word_embeddings) t.set('lmHead', r.f32(V * C));
  return t;
}

function readQ8(r: TensorReader, c: LlamaConfig, groupSize: number): Map<ParamName, Float32Array> {
  const { C, F, L, V, kv } = shapes(c);
  if (!(groupSize > 0) || C % groupSize !== 0) throw new WrenError(`${r.path}: bad Q8_0 group size ${groupSize}`);
  const t = new Map<ParamName, Float32Array>();
  t.set('attnNorm', r.f32(L * C)); t.set('ffnNorm', r.f32(L * C)); t.set('finalNorm', r.f32(C));
  const q8 = (layers: number, per: number) => {
    const out = new Float32Array(layers * per);
    for (let l = 0; l < layers; l++) out.set(r.q8(per, groupSize), l * per);
    return out;
  };
  t.set('embed', q8(1, V * C));
  t.set('wq', q8(L, C * C)); t.set('wk', q8(L, kv * C)); t.set('wv', q8(L, kv * C)); t.set('wo', q8(L, C * C));
  t.set('w1', q8(L, F * C)); t.set('w2', q8(L, C * F)); t.set('w3', q8(L, F * C));
  if (!c.tie_word_embeddings) t.set('lmHead', q8(1, V * C));
  return t;
}

class TensorReader {
  constructor(private bytes: Uint8Array, private at: number, readonly path: string) {}

  private need(n: number, what: string) {
    if (this.at + n > this.bytes.length) {
      throw new WrenError(`${this.path}: truncated checkpoint: ${what} needs ${n} bytes at offset ${this.at}, file has ${this.bytes.length}`);
    }
  }

  f32(count: number): Float32Array {
    this.need(count * 4, `${count} float32 values`);
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(this.bytes.subarray(this.at, this.at + count * 4));
    this.at += count * 4;
    for (let i = 0; i < count; i++) {
      if (!Number.isFinite(out[i])) throw new WrenError(`${this.path}: corrupt checkpoint: non-finite weight at offset ${this.at - count * 4 + i * 4}`);
    }
    return out;
  }

  q8(count: number, groupSize: number): Float32Array {
    this.need(count, `${count} int8 values`);
    const q = new Int8Array(this.bytes.buffer, this.bytes.byteOffset + this.at, count);
    this.at += count;
    const scales = this.f32(count / groupSize);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = q[i] * scales[Math.floor(i / groupSize)];
    return out;
  }

  skip(n: number) {
    this.need(n, 'the rotary tables');
    this.at += n;
  }

  expectEnd() {
    if (this.at !== this.bytes.length) {
      throw new WrenError(`${this.path}: ${this.bytes.length - this.at} unexpected bytes after the last tensor (header and file size disagree)`);
    }
  }
}

/** Write a llama2.c checkpoint: version 0 (legacy, what run.c reads) or 1 (256-byte header, fp32). */
export function encodeLlama2cCheckpoint(config: LlamaConfig, tensor: (name: ParamName) => Float32Array, version: 0 | 1 = 0): Uint8Array {
  const { C, L } = shapes(config);
  const D = C / config.num_attention_heads;
  const shared = config.tie_word_embeddings;
  const params = [C, config.intermediate_size, L, config.num_attention_heads, config.num_key_value_heads, config.vocab_size, config.max_position_embeddings];
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(version === 0 ? 28 : HEADER_V1));
  let at = 0;
  if (version === 1) { header.setUint32(0, MAGIC, true); header.setInt32(4, 1, true); at = 8; }
  params.forEach((v, i) => header.setInt32(at + 4 * i, i === 5 && version === 0 && !shared ? -v : v, true));
  if (version === 1) header.setUint8(at + 28, shared ? 1 : 0);
  parts.push(new Uint8Array(header.buffer));
  const f32 = (a: Float32Array) => parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const order: ParamName[] = version === 0
    ? ['embed', 'attnNorm', 'wq', 'wk', 'wv', 'wo', 'ffnNorm', 'w1', 'w2', 'w3', 'finalNorm']
    : ['attnNorm', 'ffnNorm', 'finalNorm', 'embed', 'wq', 'wk', 'wv', 'wo', 'w1', 'w2', 'w3'];
  for (const name of order) f32(tensor(name));
  if (version === 0) {
    // freq_cis_real / freq_cis_imag: unused by readers that compute RoPE, but part of the layout
    const re = new Float32Array(config.max_position_embeddings * D / 2), im = new Float32Array(re.length);
    for (let p = 0; p < config.max_position_embeddings; p++) {
      for (let i = 0; i < D / 2; i++) {
        const a = p / Math.pow(config.rope_theta, (2 * i) / D);
        re[p * D / 2 + i] = Math.cos(a);
        im[p * D / 2 + i] = Math.sin(a);
      }
    }
    f32(re); f32(im);
  }
  if (!shared) f32(tensor('lmHead'));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
