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
};

export type KernelName = keyof KernelArgs;

export const KERNEL_NAMES = [
  'matmul', 'rmsnorm', 'rope', 'attention', 'swiglu', 'add', 'embedding', 'softmax', 'argmax',
] as const satisfies readonly KernelName[];
