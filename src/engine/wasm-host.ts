// The host seam of the WASM backend: what differs between Node and a browser is only how the
// kernel module's bytes are found and compiled and how a kernel thread is started. wasm-backend.ts
// and wasm-pool.ts are the same everywhere; wasm-node.ts (fs + worker_threads) and
// wasm-host-browser.ts (fetch or inline bytes + Web Workers) implement this interface.

export type SimdLevel = 'relaxed-simd' | 'simd128';
export type KernelModule = { module: WebAssembly.Module; simd: SimdLevel; fallbackReason?: string };

/** What a kernel thread is given (wasm-thread.js reads exactly these fields). */
export type WorkerInit = {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  tid: number;
  stackTop: number;
  names: string[];
  spin: number;
};

export type KernelThread = { ready: Promise<void>; terminate(): Promise<void> };

export interface KernelHost {
  readonly name: 'node' | 'browser';
  /** Most threads (the caller included) this host can run; 1 where memory cannot be shared with a worker. */
  readonly maxThreads: number;
  /** Why maxThreads is 1, when it is (shown to users: "not cross-origin isolated: one thread"). */
  readonly threadLimitReason?: string;
  /** Compile the kernels: relaxed SIMD when the runtime validates it (and `prefer` allows), else SIMD128. */
  loadKernelModule(prefer: SimdLevel): Promise<KernelModule>;
  /** Start one kernel thread on the shared arena. */
  startKernelThread(init: WorkerInit): KernelThread;
}

/** True under Node (and not in a browser that happens to define `process`). */
export function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}
