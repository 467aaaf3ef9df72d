// The Node host of the WASM backend (see wasm-host.ts): reading the .wasm files, enabling relaxed
// SIMD, and starting kernel threads with worker_threads. The browser's is wasm-host-browser.ts.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { MAX_THREADS } from './arena.ts';
import type { KernelHost, KernelModule, KernelThread, SimdLevel, WorkerInit } from './wasm-host.ts';

export type { KernelModule, KernelThread, SimdLevel, WorkerInit } from './wasm-host.ts';

const wasmDir = new URL('../kernels/wasm/', import.meta.url);

/** Compile the kernels: relaxed SIMD when the runtime validates it (and `prefer` allows), else SIMD128. */
export function loadKernelModule(prefer: SimdLevel = 'relaxed-simd'): KernelModule {
  // Compile with the optimising tier from the first call: V8 otherwise starts in its baseline
  // tier and only swaps in optimised code for later calls, so a first long matmul (a prefill)
  // ran 3–5× slower. The module is small; eager optimisation costs milliseconds.
  try { setFlagsFromString('--no-liftoff'); } catch { /* unknown flag: tiering stays as it is */ }
  let fallbackReason: string | undefined;
  if (prefer === 'relaxed-simd') {
    const relaxed = readFileSync(new URL('kernels-relaxed.wasm', wasmDir));
    // Node 20's V8 ships relaxed SIMD behind a flag; it must be set before compiling (it is
    // process-wide, so workers inherit it). Newer runtimes validate without it.
    if (!WebAssembly.validate(relaxed)) {
      try { setFlagsFromString('--experimental-wasm-relaxed-simd'); } catch { /* flag unknown: validate says */ }
    }
    if (WebAssembly.validate(relaxed)) return { module: new WebAssembly.Module(relaxed), simd: 'relaxed-simd' };
    fallbackReason = `this runtime (${process.version}) does not validate relaxed SIMD`;
  }
  const plain = readFileSync(new URL('kernels.wasm', wasmDir));
  return { module: new WebAssembly.Module(plain), simd: 'simd128', fallbackReason };
}

/** Start one kernel thread; it never keeps the process alive. */
export function startKernelThread(init: WorkerInit): KernelThread {
  const worker = new Worker(new URL('./wasm-worker.js', import.meta.url), { workerData: init });
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`kernel thread ${init.tid} exited (${code}) before it was ready`)));
  });
  return { ready, terminate: async () => { await worker.terminate(); } };
}

export const nodeKernelHost: KernelHost = {
  name: 'node',
  maxThreads: MAX_THREADS,
  loadKernelModule: async (prefer) => loadKernelModule(prefer),
  startKernelThread,
};
