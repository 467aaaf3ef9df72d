// The WASM backend: the C kernels (src/kernels) compiled to WebAssembly, instantiated on the
// arena's shared memory by the calling thread (tid 0) and by a persistent pool of kernel threads.
// `run()` is synchronous. Small kernels run on the caller alone (nth = 1): waking a thread costs
// about as much as a 288×768 matrix-vector product, so only work above FAN_OUT_NS is split.
import { STACK_BYTES_PER_THREAD, MAX_THREADS, type Arena } from './arena.ts';
import type { Backend } from './backend.ts';
import type { KernelArgs, KernelName } from './kernels.ts';
import { KernelPool, SPIN_ITERATIONS } from './wasm-pool.ts';
import { loadKernelModule, startKernelThread, type SimdLevel } from './wasm-node.ts';


/** Estimated single-thread time above which a kernel is split across threads (measured: bench/kernels.ts). */
export const FAN_OUT_NS = 30_000;

/**
 * Rough single-thread nanoseconds for a call, from its sizes; only compared with FAN_OUT_NS.
 * Zero when the kernel's split would leave threads idle (a row-split kernel with one row).
 */
export function estimateNs<K extends KernelName>(kernel: K, args: KernelArgs[K]): number {
  const a: readonly number[] = args;
  switch (kernel) {
    case 'matmul': return (a[3] * a[4] * a[5]) / 10;                 // M·K·N multiply-adds at ~10/ns
    case 'attention': return (a[5] * a[6] * a[7] * a[8] * a[10]) / 4; // B·Tq·Tk·H·D
    case 'rmsnorm': return a[3] < 2 ? 0 : (a[3] * a[4]) / 2;
    case 'rope': return a[1] < 2 ? 0 : a[1] * (a[3] * a[4] / 2 + a[4] * 10);
    case 'softmax': case 'argmax': return a[2] < 2 ? 0 : a[2] * a[3];
    case 'swiglu': return a[3] * 2;
    case 'add': return a[3] / 2;
    case 'embedding': return a[3] < 2 ? 0 : (a[3] * a[4]) / 2;
    default: return Infinity;
  }
}

/** Stack top of thread `tid`: stacks sit at the bottom of the arena and grow down. */
function stackTop(tid: number): number {
  return (tid + 1) * STACK_BYTES_PER_THREAD;
}

function kernelFunctions(instance: WebAssembly.Instance): Map<string, Function> {
  const fns = new Map<string, Function>();
  for (const [name, value] of Object.entries(instance.exports)) if (typeof value === 'function') fns.set(name, value);
  return fns;
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly description: string;
  private readonly fns: Map<string, Function>;
  private readonly ops: Map<string, number>;

  constructor(readonly arena: Arena, readonly threads: number, readonly simd: SimdLevel,
              instance: WebAssembly.Instance, private readonly pool: KernelPool, readonly names: string[],
              private readonly fanOutNs = FAN_OUT_NS) {
    this.fns = kernelFunctions(instance);
    this.ops = new Map(names.map((n, i) => [n, i]));
    this.description = `wasm ${simd}, ${threads} thread${threads > 1 ? 's' : ''}`;
  }

  supports(kernel: KernelName): boolean {
    return this.fns.has(kernel);
  }

  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    const fn = this.fns.get(kernel);
    if (!fn) throw new Error(`wasm backend: kernel '${kernel}' is not in the module`);
    const nums: readonly number[] = args;
    if (this.threads === 1 || estimateNs(kernel, args) < this.fanOutNs) {
      fn(...nums, 0, 1);
      return;
    }
    const nth = this.threads;
    this.pool.run(this.ops.get(kernel) ?? -1, nums, () => fn(...nums, 0, nth));
  }

  dispose(): void {
    void this.pool.dispose();
  }
}

export type WasmBackendOptions = {
  /** relaxed-simd (default; falls back to simd128 where the runtime lacks it) or simd128 */
  simd?: SimdLevel;
  /** split kernels estimated above this many ns (tests pass 0 to split everything) */
  fanOutNs?: number;
};

export async function createWasmBackend(arena: Arena, threads: number, opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  if (threads > MAX_THREADS) throw new RangeError(`wasm backend: at most ${MAX_THREADS} threads`);
  const { module, simd } = loadKernelModule(opts.simd ?? 'relaxed-simd');
  const memory = arena.memory;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const sp = instance.exports.__stack_pointer;
  if (!(sp instanceof WebAssembly.Global)) throw new Error('kernel module does not export __stack_pointer');
  sp.value = stackTop(0);
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const pool = new KernelPool();
  await pool.start(threads - 1, (tid, control) => ({ module, memory, control, tid, stackTop: stackTop(tid), names, spin: SPIN_ITERATIONS }),
    startKernelThread);
  return new WasmBackend(arena, threads, simd, instance, pool, names, opts.fanOutNs);
}
