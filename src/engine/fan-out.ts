// When to split a kernel across threads. Handing a job to spinning threads and waiting for the
// last chunk costs ~1–2 µs on the native pool and ~3 µs on the WASM one (~20 µs when they have
// gone to sleep), so a call is split only when its estimated single-thread time is well above
// that. On a machine whose other cores are busy a split can wait for a thread that has no core
// (as run.c's OpenMP and llama.cpp's barriers do): there, one thread is the faster choice.
import type { KernelArgs, KernelName } from './kernels.ts';

/** Estimated single-thread time above which the WASM backend splits a kernel across threads (measured: bench/kernels.ts). */
export const FAN_OUT_NS = 30_000;

/** The native backend's threshold: its pool hands a job off in ~1–2 µs when its workers spin, so
 *  it splits every layer matvec of a 15M model (288×288 from cache: 1.4–2×; 288×768: 1.7–2×;
 *  AVX2, idle 2-core EPYC) and decode attention from ~55 keys there, but not stories260K's
 *  64×512 classifier (~3 µs from cache), whose split gained 0–30% in a tight loop and nothing
 *  in a decode. */
export const NATIVE_FAN_OUT_NS = 16_000;

/** Chunks per thread when a call is split: enough to rebalance around a slow thread, few enough
 *  to stay cheap. At most 16 chunks in all (MAX_THREADS): some kernels index per-thread slots. */
export const CHUNKS_PER_THREAD = 4;

/**
 * How many chunks per thread a split call is cut into (both pools claim them one at a time).
 * One a thread for:
 * - the weight gradient (matmul with transA and rows): K is the batch's tokens, and every chunk
 *   packs its own K-deep copy of the operand the rows share, so four a thread pack it four times
 *   over (15M shape, M768×K8192×N288 at 2 threads, AVX2: 81–129 → 160–183 GFLOP/s;
 *   M288×K8192×N288: 85–91 → 148–165);
 * - a decode's matrix-vector products (M = 1) and attention rows (Tq < 8): microseconds each,
 *   where every chunk's claim and call is overhead, most of all on WASM (15M decode at 2 threads,
 *   AVX2 Zen 5, interleaved with run.c, the matvecs: WASM / native 0.71 → 0.81 with vocab 4096,
 *   0.79 → 0.91 with vocab 32000, native the same; then attention, alternating runs: WASM
 *   1,272–1,598 → 1,090–1,715 tokens/s, native 1,672–2,053 → 1,761–2,384).
 */
export function chunksPerThread<K extends KernelName>(kernel: K, args: KernelArgs[K]): number {
  const a: readonly number[] = args;
  if (kernel === 'matmul') return a[3] === 1 || a[6] === 1 ? 1 : CHUNKS_PER_THREAD;
  if (kernel === 'matmul3') return a[7] === 1 ? 1 : CHUNKS_PER_THREAD;
  if (kernel === 'attention') return a[6] < 8 ? 1 : CHUNKS_PER_THREAD;
  return CHUNKS_PER_THREAD;
}

function matmulNs(M: number, K: number, N: number): number {
  return M === 1 ? K * N * 0.4 : (M * K * N) / 10;
}

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
    case 'matmul': return matmulNs(a[3], a[4], a[5]);
    case 'matmul3': return matmulNs(a[7], a[8], a[9] + a[10] + a[11]);
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
    case 'zero': return a[1] / 8;
    case 'embedding': return a[3] < 2 ? 0 : (a[3] * a[4]) / 2;
    default: return Infinity;
  }
}
