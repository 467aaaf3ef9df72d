// When to split a kernel across threads. Waking a thread and waiting for it costs ~5 µs when it
// is spinning and ~20 µs when asleep, about a whole 288×768 matrix-vector product, so a call is
// split only when its estimated single-thread time is well above that. Shared by the WASM and
// native backends (the native kernels are faster, but so is their hand-off).
import type { KernelArgs, KernelName } from './kernels.ts';

/** Estimated single-thread time above which the WASM backend splits a kernel across threads (measured: bench/kernels.ts). */
export const FAN_OUT_NS = 30_000;

/** The native backend's threshold: its pool hands a job off in ~1 µs when its workers spin, so it
 *  splits from a 64×512 matrix-vector product (~3 µs from cache, 1.3× faster split) and every
 *  layer matvec of a 15M model (288×288: 1.6×; 288×768: 2.0×; AVX2, idle 2-core EPYC). */
export const NATIVE_FAN_OUT_NS = 8_000;

/**
 * Rough single-thread nanoseconds for a call, from its sizes; only compared with FAN_OUT_NS.
 * Zero when the kernel's split would leave threads idle (a row-split kernel with one row).
 */
export function estimateNs<K extends KernelName>(kernel: K, args: KernelArgs[K]): number {
  const a: readonly number[] = args;
  switch (kernel) {
    // M·K·N multiply-adds at ~10/ns. A matrix-vector product (M = 1, decoding) is memory-bound
    // instead: its K·N weights stream from memory at ~10 GB/s per core (0.4 ns a float32 weight,
    // measured on a 288×288 product: 37 µs), and two cores stream twice as fast.
    case 'matmul': return a[3] === 1 ? a[4] * a[5] * 0.4 : (a[3] * a[4] * a[5]) / 10;
    // The quantized matmuls dequantize as they go (~8 weights/ns), decoding included.
    case 'matmul_q8_0': case 'matmul_q4_0': return (a[3] * a[4] * a[5]) / 8;
    // B·Tq·Tk·H·D; a few query rows (decoding) read the whole key/value cache from memory for them:
    // ~1 ns a unit there (15M shape, 128 keys: ~50 µs), against ~0.25 in the tiled prefill path.
    case 'attention': return (a[5] * a[6] * a[7] * a[8] * a[10]) / (a[6] < 8 ? 1 : 4);
    case 'rmsnorm': return a[3] < 2 ? 0 : (a[3] * a[4]) / 2;
    case 'rope': return a[1] < 2 ? 0 : a[1] * (a[3] * a[4] / 2 + a[4] * 10);
    case 'softmax': case 'argmax': return a[2] < 2 ? 0 : a[2] * a[3];
    case 'swiglu': return a[3] * 2;
    case 'add': return a[3] / 2;
    case 'dropout': return a[2];
    case 'embedding': return a[3] < 2 ? 0 : (a[3] * a[4]) / 2;
    default: return Infinity;
  }
}
