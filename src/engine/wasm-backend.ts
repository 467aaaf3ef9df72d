// The WASM backend: the C kernels (src/kernels) compiled to WebAssembly, instantiated on the
// arena's shared memory by the calling thread (tid 0) and by a persistent pool of kernel threads.
// `run()` is synchronous. Small kernels run on the caller alone (nth = 1): a hand-off costs a few
// µs (more when the threads have gone to sleep), so only work above FAN_OUT_NS is split.
// Where the kernels come from and how threads start is the host's business (wasm-host.ts): Node
// or a browser; with one thread no pool (and no SharedArrayBuffer constructor) is needed.
import { STACK_BYTES_PER_THREAD, MAX_THREADS, type Arena } from './arena.ts';
import type { Backend } from './backend.ts';
import type { KernelArgs, KernelName } from './kernels.ts';
import { KernelPool, SPIN_ITERATIONS } from './wasm-pool.ts';
import { chunksPerThread, estimateNs, FAN_OUT_NS } from './fan-out.ts';
import { isNodeRuntime, type KernelHost, type SimdLevel } from './wasm-host.ts';

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
              instance: WebAssembly.Instance, private readonly pool: KernelPool | null, readonly names: string[],
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
    if (!this.pool || estimateNs(kernel, args) < this.fanOutNs) {
      fn(...nums, 0, 1);
      return;
    }
    this.pool.run(this.ops.get(kernel) ?? -1, nums, (c, chunks) => fn(...nums, c, chunks), chunksPerThread(kernel, args));
  }

  dispose(): void {
    void this.pool?.dispose();
  }
}

export type WasmBackendOptions = {
  /** relaxed-simd (default; falls back to simd128 where the runtime lacks it) or simd128 */
  simd?: SimdLevel;
  /** split kernels estimated above this many ns (tests pass 0 to split everything) */
  fanOutNs?: number;
  /** where kernels load from and threads start (default: Node's, or the browser's outside Node) */
  host?: KernelHost;
};

async function defaultHost(): Promise<KernelHost> {
  if (isNodeRuntime()) return (await import('./wasm-node.ts')).nodeKernelHost;
  return (await import('./wasm-host-browser.ts')).createBrowserKernelHost();
}

export async function createWasmBackend(arena: Arena, threads: number, opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  if (threads > MAX_THREADS) throw new RangeError(`wasm backend: at most ${MAX_THREADS} threads`);
  const host = opts.host ?? (await defaultHost());
  if (threads > host.maxThreads) throw new RangeError(`wasm backend: ${threads} threads asked, but ${host.threadLimitReason ?? `this host runs at most ${host.maxThreads}`}`);
  const { module, simd } = await host.loadKernelModule(opts.simd ?? 'relaxed-simd');
  const memory = arena.memory;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const sp = instance.exports.__stack_pointer;
  if (!(sp instanceof WebAssembly.Global)) throw new Error('kernel module does not export __stack_pointer');
  sp.value = stackTop(0);
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const pool = threads > 1 ? new KernelPool() : null;
  await pool?.start(threads - 1, (tid, control) => ({ module, memory, control, tid, stackTop: stackTop(tid), names, spin: SPIN_ITERATIONS }),
    (init) => host.startKernelThread(init));
  return new WasmBackend(arena, threads, simd, instance, pool, names, opts.fanOutNs);
}
