// The Llama decoder trunk on the tape — the one taped block loop: token embedding and L blocks
// (RMSNorm → GQA attention with RoPE → residual, RMSNorm → SwiGLU MLP → residual), stopping before
// the final norm. Every head trains on it (heads/causal-lm.ts, heads/sequence-classifier.ts);
// llama.ts is the separate KV-cache inference pass. Parameters come from the one ParameterBlock
// table (weights.ts).
//
// Shape letters: B batch, T time, M = B·T rows, C hidden, F intermediate, H heads, Hkv kv heads,
// D head size.
import type { Ptr } from '../engine/arena.ts';
import type { Tape, Tensor } from '../engine/tape.ts';
import { headSize, type LlamaConfig } from './config.ts';
import { add, attention, dropout, embedding, linear, rmsnorm, ropeInPlace, swiglu } from './ops.ts';
import type { ParamName } from './weights.ts';

/** A parameter as a tape tensor (values and gradient pointers), by name and layer. */
export type ParamTensor = (name: ParamName, layer?: number) => Tensor;

/** Training noise: dropout with probability p on the embeddings and on each block's two residual
 *  branches (GPT-2's places), masks drawn from `seed` (one per site). */
export type TrunkDropout = { p: number; seed: number };

/** Hidden states x (M, C) after the last block (before the final norm) of ids (B,T) int32. */
export function llamaTrunk(t: Tape, c: LlamaConfig, p: ParamTensor, ids: Ptr, B: number, T: number, drop?: TrunkDropout): Tensor {
  const M = B * T, C = c.hidden_size, F = c.intermediate_size, H = c.num_attention_heads, Hkv = c.num_key_value_heads;
  const D = headSize(c), eps = c.rms_norm_eps, theta = c.rope_theta;
  let site = 0;
  const noise = (y: Tensor): Tensor => (drop ? dropout(t, y, M * C, drop.p, (drop.seed + 0x2545f491 * ++site) & 0x7fffffff) : y);
  let x = noise(embedding(t, p('embed'), ids, M, C));                     // x (M, C)
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const xb = rmsnorm(t, x, p('attnNorm', l), M, C, eps);                 // xb (M, C)
    const q = ropeInPlace(t, linear(t, xb, p('wq', l), M, C, H * D), M, T, H, D, theta);     // q (M, H*D)
    const k = ropeInPlace(t, linear(t, xb, p('wk', l), M, C, Hkv * D), M, T, Hkv, D, theta); // k (M, Hkv*D)
    const v = linear(t, xb, p('wv', l), M, C, Hkv * D);                    // v (M, Hkv*D)
    const att = attention(t, q, k, v, B, T, H, Hkv, D);                    // att (M, H*D)
    x = add(t, x, noise(linear(t, att, p('wo', l), M, H * D, C)), M * C);  // residual

    const xf = rmsnorm(t, x, p('ffnNorm', l), M, C, eps);                  // xf (M, C)
    const gate = linear(t, xf, p('w1', l), M, C, F);                       // gate (M, F)
    const up = linear(t, xf, p('w3', l), M, C, F);                         // up (M, F)
    const h = swiglu(t, gate, up, M * F);                                  // silu(gate)·up (M, F)
    x = add(t, x, noise(linear(t, h, p('w2', l), M, F, C)), M * C);        // residual
  }
  return x;
}
