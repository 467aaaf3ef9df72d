// Differentiable ops for training: each runs its forward kernel through the tape and records the
// backward kernels beside it, so this file is the one place that pairs a kernel with its gradient.
// Gradients accumulate (d* += …); an input whose `grad` is 0 gets none.
//
// Shape letters: M rows (= B·T), K in, N out, C channels, B batch, T time, H heads, Hkv kv heads,
// D head size, V vocabulary.
import type { Ptr } from '../engine/arena.ts';
import type { Tape, Tensor } from '../engine/tape.ts';

/** out (M,N) = x (M,K) · wᵀ, w (N,K) as nn.Linear stores it. `gradInPlace`: out's gradient is
 *  written over its values (for logits, which the fused cross-entropy replaces by dlogits). */
export function linear(tape: Tape, x: Tensor, w: Tensor, M: number, K: number, N: number, gradInPlace = false): Tensor {
  const out = tape.tensor(M * N, !gradInPlace);
  if (gradInPlace) out.grad = out.ptr;
  tape.run('matmul', out.ptr, x.ptr, w.ptr, M, K, N, 0, 1, 0);
  tape.record(() => {
    if (x.grad) tape.run('matmul', x.grad, out.grad, w.ptr, M, N, K, 0, 0, 1);   // dx (M,K) += dout·w
    if (w.grad) tape.run('matmul', w.grad, out.grad, x.ptr, N, M, K, 1, 0, 1);   // dw (N,K) += doutᵀ·x
  });
  return out;
}

/** out (M,C) = rmsnorm(x (M,C)) * w (C) */
export function rmsnorm(tape: Tape, x: Tensor, w: Tensor, M: number, C: number, eps: number): Tensor {
  const out = tape.tensor(M * C);
  tape.run('rmsnorm', out.ptr, x.ptr, w.ptr, M, C, eps);
  tape.record(() => tape.run('rmsnorm_backward', x.grad, w.grad, out.grad, x.ptr, w.ptr, M, C, eps));
  return out;
}

/** Rotary embedding in place on x (M, H*D); row m sits at position m % T. */
export function ropeInPlace(tape: Tape, x: Tensor, M: number, T: number, H: number, D: number, theta: number): Tensor {
  tape.run('rope', x.ptr, M, T, H, D, 0, theta);
  tape.record(() => tape.run('rope_backward', x.grad, M, T, H, D, 0, theta));
  return x;
}

/** Causal self-attention: out (B,T,H*D) from q (B,T,H*D), k and v (B,T,Hkv*D). */
export function attention(tape: Tape, q: Tensor, k: Tensor, v: Tensor, B: number, T: number, H: number, Hkv: number, D: number): Tensor {
  const out = tape.tensor(B * T * H * D);
  const lse = tape.tensor(B * H * T, false); // (B,H,T) log-sum-exp of each score row, for backward
  tape.run('attention', out.ptr, lse.ptr, q.ptr, k.ptr, v.ptr, B, T, T, H, Hkv, D);
  tape.record(() => tape.run('attention_backward', q.grad, k.grad, v.grad, out.grad, out.ptr, lse.ptr, q.ptr, k.ptr, v.ptr, B, T, H, Hkv, D));
  return out;
}

/** out (n) = silu(gate) * up */
export function swiglu(tape: Tape, gate: Tensor, up: Tensor, n: number): Tensor {
  const out = tape.tensor(n);
  tape.run('swiglu', out.ptr, gate.ptr, up.ptr, n);
  tape.record(() => tape.run('swiglu_backward', gate.grad, up.grad, out.grad, gate.ptr, up.ptr, n));
  return out;
}

/** out (n) = a + b (the residual connection) */
export function add(tape: Tape, a: Tensor, b: Tensor, n: number): Tensor {
  const out = tape.tensor(n);
  tape.run('add', out.ptr, a.ptr, b.ptr, n);
  tape.record(() => {
    if (a.grad) tape.run('add', a.grad, a.grad, out.grad, n);
    if (b.grad) tape.run('add', b.grad, b.grad, out.grad, n);
  });
  return out;
}

/** out (n) = x with each element zeroed with probability p and the rest scaled by 1/(1-p); the mask
 *  is a hash of (seed, index), so the backward replays it from the seed. p = 0 is x itself. */
export function dropout(tape: Tape, x: Tensor, n: number, p: number, seed: number): Tensor {
  if (p <= 0) return x;
  const out = tape.tensor(n), threshold = Math.round(p * 2 ** 31), scale = Math.fround(1 / (1 - p));
  tape.run('dropout', out.ptr, x.ptr, n, threshold, scale, seed, 0);
  tape.record(() => { if (x.grad) tape.run('dropout', x.grad, out.grad, n, threshold, scale, seed, 1); });
  return out;
}

/** out (M,C) = table (V,C) rows picked by ids (M) int32 */
export function embedding(tape: Tape, table: Tensor, ids: Ptr, M: number, C: number): Tensor {
  const out = tape.tensor(M * C);
  tape.run('embedding', out.ptr, table.ptr, ids, M, C);
  tape.record(() => tape.run('embedding_backward', table.grad, out.grad, ids, M, C));
  return out;
}

/** Per-row loss (M) of logits (M,V) against targets (M) int32. The gradient is computed here, in the
 *  forward, and written over the logits (which must come from `linear(…, gradInPlace)`), scaled by
 *  `gradScale` (1/number of tokens, for a mean). */
export function crossEntropy(tape: Tape, logits: Tensor, targets: Ptr, M: number, V: number, gradScale: number): Tensor {
  if (logits.grad !== logits.ptr) throw new Error('crossEntropy: logits must carry their gradient in place');
  const losses = tape.tensor(M, false);
  tape.run('softmax_cross_entropy', losses.ptr, logits.grad, logits.ptr, targets, M, V, gradScale);
  return losses;
}

/** crossEntropy over B blocks of T rows, block b's gradient scaled by scales[b] (DPO weighs each
 *  sequence by how far its pair's preference is from learned); losses (B·T) in one tensor. */
export function crossEntropyRows(tape: Tape, logits: Tensor, targets: Ptr, B: number, T: number, V: number, scales: ArrayLike<number>): Tensor {
  if (logits.grad !== logits.ptr) throw new Error('crossEntropyRows: logits must carry their gradient in place');
  const losses = tape.tensor(B * T, false);
  for (let b = 0; b < B; b++) {
    const at = b * T;
    tape.run('softmax_cross_entropy', (losses.ptr + 4 * at) as Ptr, (logits.grad + 4 * at * V) as Ptr, (logits.ptr + 4 * at * V) as Ptr, (targets + 4 * at) as Ptr, T, V, scales[b]);
  }
  return losses;
}

/** out (B,C) = P (B,M) · x (M,C): each output row a weighted sum of x's rows (sequence pooling:
 *  a one-hot row of P picks the last token, a row of 1/len averages). P carries no gradient. */
export function poolRows(tape: Tape, P: Ptr, x: Tensor, B: number, M: number, C: number): Tensor {
  const out = tape.tensor(B * C);
  tape.run('matmul', out.ptr, P, x.ptr, B, M, C, 0, 0, 0);
  tape.record(() => {
    if (x.grad) tape.run('matmul', x.grad, P, out.grad, M, B, C, 1, 0, 1);     // dx (M,C) += Pᵀ·dout
  });
  return out;
}
