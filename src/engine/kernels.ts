// The kernel contract: every kernel's name and typed arguments, in one table. Backends run
// kernels by name with these arguments; nothing else crosses the JS/WASM/native boundary.
//
// Conventions (the C signature is exactly this, plus `int tid, int nth` appended):
// - Ptr arguments are byte offsets into the Arena; tensors are row-major float32, ids int32.
// - Arguments: outputs, then inputs, then sizes. Gradient buffers start with `d` and accumulate.
// - `tid, nth`: a kernel called on nth threads computes its own slice (static schedule), so the
//   backend never has to know how an op splits. Reference kernels run whole (tid 0, nth 1).
// Shape letters: M rows, K reduction, N columns, C channels, B batch, T/Tq/Tk time, H heads,
// Hkv key/value heads, D head size, V vocabulary.
import type { Ptr } from './arena.ts';

export type KernelArgs = {
  /** out (M,N) = op(a)·op(b) (+ out if accumulate). a: (M,K), or (K,M) when transA; b: (K,N), or (N,K) when transB. */
  matmul: [out: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, transA: number, transB: number, accumulate: number];
  /** up to three forward linears of one input in one call (a decode's q/k/v, gate/up):
   *  out_i (M,N_i) = x (M,K) · w_iᵀ for the w_i (N_i,K) with N_i > 0; every element is the bits
   *  matmul (transB) gives it. Split as one range of N0+N1+N2 rows, so it is one hand-off. */
  matmul3: [out0: Ptr, out1: Ptr, out2: Ptr, x: Ptr, w0: Ptr, w1: Ptr, w2: Ptr, M: number, K: number, N0: number, N1: number, N2: number];
  /** out (M,C) = x / sqrt(mean(x²) + eps) * w; w (C) */
  rmsnorm: [out: Ptr, x: Ptr, w: Ptr, M: number, C: number, eps: number];
  /** in place on x (M, H*D): row m is at position pos0 + (m % T); pairs (2i, 2i+1) rotate by pos·theta^(-2i/D) */
  rope: [x: Ptr, M: number, T: number, H: number, D: number, pos0: number, theta: number];
  /** causal attention. out (B,Tq,H*D); q (B,Tq,H*D); k, v (B,Tk,Hkv*D); query t sits at position Tk-Tq+t
   *  and sees keys 0..Tk-Tq+t. lse (B,H,Tq) receives each row's log-sum-exp when non-zero (for backward). */
  attention: [out: Ptr, lse: Ptr, q: Ptr, k: Ptr, v: Ptr, B: number, Tq: number, Tk: number, H: number, Hkv: number, D: number];
  /** out (n) = silu(gate) * up */
  swiglu: [out: Ptr, gate: Ptr, up: Ptr, n: number];
  /** out (n) = a + b; out may alias a */
  add: [out: Ptr, a: Ptr, b: Ptr, n: number];
  /** out (M,C) = table[ids[m]]; ids (M) int32, table (V,C) */
  embedding: [out: Ptr, table: Ptr, ids: Ptr, M: number, C: number];
  /** out (M,N) = softmax over each row of x; out may alias x */
  softmax: [out: Ptr, x: Ptr, M: number, N: number];
  /** idx (M) int32 = argmax of each row of x (M,N); first index wins ties */
  argmax: [idx: Ptr, x: Ptr, M: number, N: number];
  /** out (M,N) = x (M,K) · wᵀ; w (N, K/32) ggml Q8_0 blocks (34 bytes: f16 d, int8 q[32]; w = q·d). K % 32 == 0 */
  matmul_q8_0: [out: Ptr, x: Ptr, w: Ptr, M: number, K: number, N: number];
  /** out (M,N) = x (M,K) · wᵀ; w (N, K/32) ggml Q4_0 blocks (18 bytes: f16 d, u8 qs[16]; low nibbles values 0..15,
   *  high nibbles 16..31, w = (nibble - 8)·d). K % 32 == 0 */
  matmul_q4_0: [out: Ptr, x: Ptr, w: Ptr, M: number, K: number, N: number];

  // ---- training: backward kernels (gradients accumulate into d* buffers) and optimiser ----
  /** dx (M,C) += ∂loss/∂x, dw (C) += ∂loss/∂w of out = rmsnorm(x, w); dout (M,C) */
  rmsnorm_backward: [dx: Ptr, dw: Ptr, dout: Ptr, x: Ptr, w: Ptr, M: number, C: number, eps: number];
  /** in place on dx (M, H*D): the inverse rotation of `rope` (rotate by -angle), same positions */
  rope_backward: [dx: Ptr, M: number, T: number, H: number, D: number, pos0: number, theta: number];
  /** causal self-attention backward, Tq = Tk = T. dq (B,T,H*D), dk, dv (B,T,Hkv*D) accumulate;
   *  dout, out, q (B,T,H*D); k, v (B,T,Hkv*D); lse (B,H,T) from the forward. No T×T buffer. */
  attention_backward: [dq: Ptr, dk: Ptr, dv: Ptr, dout: Ptr, out: Ptr, lse: Ptr, q: Ptr, k: Ptr, v: Ptr,
    B: number, T: number, H: number, Hkv: number, D: number];
  /** dgate (n) += dout·up·silu'(gate), dup (n) += dout·silu(gate) */
  swiglu_backward: [dgate: Ptr, dup: Ptr, dout: Ptr, gate: Ptr, up: Ptr, n: number];
  /** dtable (V,C) += dout (M,C) scattered by ids (M) int32 */
  embedding_backward: [dtable: Ptr, dout: Ptr, ids: Ptr, M: number, C: number];
  /** fused softmax + cross-entropy, forward and backward: losses (M) = -log softmax(logits)[target];
   *  dlogits (M,V) = (softmax - onehot(target)) * gradScale, and may alias logits. A row whose
   *  target is negative is ignored (loss 0, gradient 0). targets (M) int32. */
  softmax_cross_entropy: [losses: Ptr, dlogits: Ptr, logits: Ptr, targets: Ptr, M: number, V: number, gradScale: number];
  /** AdamW over n floats: g = grad·gradScale; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
   *  param -= lr·(m/bc1 / (sqrt(v/bc2) + eps) + wd·decay[i]·param). decay (n) float: 1 decays, 0 does not. */
  adamw: [param: Ptr, grad: Ptr, m: Ptr, v: Ptr, decay: Ptr, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, bc1: number, bc2: number, gradScale: number];
  /** partials (MAX_THREADS) float: thread tid writes Σ x² over its slice of x (n) into partials[tid];
   *  slots of threads not run stay as they were (the caller zeroes them and sums all) */
  sumsq: [partials: Ptr, x: Ptr, n: number];
  /** out (n) = (accumulate ? out : 0) + (keep(i) ? x·scale : 0); element i is kept when the 31-bit hash
   *  of (seed, i) is ≥ threshold (round(p·2³¹)); scale = fround(1/(1-p)). The same seed replays the
   *  mask, so the backward is this kernel on the gradients with accumulate = 1. out may alias x
   *  when accumulate is 0. */
  dropout: [out: Ptr, x: Ptr, n: number, threshold: number, scale: number, seed: number, accumulate: number];
  /** x (n) = 0 */
  zero: [x: Ptr, n: number];
};

export type KernelName = keyof KernelArgs;

export const KERNEL_NAMES = [
  'matmul', 'matmul3', 'rmsnorm', 'rope', 'attention', 'swiglu', 'add', 'embedding', 'softmax', 'argmax', 'matmul_q8_0', 'matmul_q4_0',
  'rmsnorm_backward', 'rope_backward', 'attention_backward', 'swiglu_backward', 'embedding_backward',
  'softmax_cross_entropy', 'adamw', 'sumsq', 'dropout', 'zero',
] as const satisfies readonly KernelName[];
