// The browser host of the WASM backend (see wasm-host.ts): the kernel module comes from bytes
// inlined by the bundle (build-bundle.ts) or is fetched beside this module; kernel threads are
// Web Workers started from wasm-thread.js's source text through a Blob URL. Threads need the
// arena's shared memory posted to a worker, which a browser allows only in a cross-origin
// isolated page (COOP + COEP headers); elsewhere the backend runs on one thread. The calling
// thread must be a worker too for more than one thread: the pool's Atomics.wait is not allowed
// on a page's main thread.
import { MAX_THREADS } from './arena.ts';
import type { KernelHost, KernelModule, KernelThread, SimdLevel, WorkerInit } from './wasm-host.ts';
import { kernelThreadMain } from './wasm-thread.js';

/** Where the two kernel builds come from: bytes, or URLs to fetch. */
type KernelSource = Uint8Array<ArrayBuffer> | URL | string;
export type KernelSources = { relaxed: KernelSource; plain: KernelSource };

type BrowserGlobals = {
  crossOriginIsolated?: boolean;
  document?: unknown;
  Worker?: new (url: string | URL, opts?: { name?: string }) => BrowserWorker;
};
type BrowserWorker = {
  postMessage(msg: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', fn: (e: { message?: string }) => void, opts?: { once?: boolean }): void;
};

function defaultSources(): KernelSources {
  return {
    relaxed: new URL('../kernels/wasm/kernels-relaxed.wasm', import.meta.url),
    plain: new URL('../kernels/wasm/kernels.wasm', import.meta.url),
  };
}

async function bytesOf(src: KernelSource): Promise<Uint8Array<ArrayBuffer>> {
  if (src instanceof Uint8Array) return src;
  const res = await fetch(src);
  if (!res.ok) throw new Error(`cannot fetch the WASM kernels from ${String(src)}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Why this page can run only one thread, or undefined when it can run several. */
function threadLimit(g: BrowserGlobals): string | undefined {
  if (typeof g.Worker !== 'function') return 'this context cannot start Web Workers, so the model runs on one thread';
  if (g.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (no COOP/COEP headers), so the model runs on one thread';
  if (g.document !== undefined) return "on a page's main thread the model runs on one thread (run it in a Web Worker for more)";
  return undefined;
}

let threadUrl: string | undefined;
/** A Blob URL of a classic worker that runs kernelThreadMain on the init it is posted. */
function kernelThreadUrl(): string {
  threadUrl ??= URL.createObjectURL(new Blob([
    `const kernelThreadMain = ${kernelThreadMain.toString()};\n`,
    'self.onmessage = (e) => { self.onmessage = null; kernelThreadMain(e.data, () => self.postMessage("ready")); };\n',
  ], { type: 'text/javascript' }));
  return threadUrl;
}

export function createBrowserKernelHost(sources: KernelSources = defaultSources()): KernelHost {
  const g = globalThis as BrowserGlobals;
  const reason = threadLimit(g);
  return {
    name: 'browser',
    maxThreads: reason ? 1 : MAX_THREADS,
    threadLimitReason: reason,
    async loadKernelModule(prefer: SimdLevel): Promise<KernelModule> {
      let fallbackReason: string | undefined;
      if (prefer === 'relaxed-simd') {
        const relaxed = await bytesOf(sources.relaxed);
        if (WebAssembly.validate(relaxed)) return { module: await WebAssembly.compile(relaxed), simd: 'relaxed-simd' };
        fallbackReason = 'this browser does not validate relaxed SIMD';
      }
      return { module: await WebAssembly.compile(await bytesOf(sources.plain)), simd: 'simd128', fallbackReason };
    },
    startKernelThread(init: WorkerInit): KernelThread {
      const W = g.Worker;
      if (!W) throw new Error('this context cannot start Web Workers');
      const worker = new W(kernelThreadUrl(), { name: `wren kernel thread ${init.tid}` });
      const ready = new Promise<void>((resolve, reject) => {
        worker.addEventListener('message', () => resolve(), { once: true });
        worker.addEventListener('error', (e) => reject(new Error(`kernel thread ${init.tid} failed to start: ${e.message ?? 'unknown error'}`)), { once: true });
      });
      worker.postMessage(init);
      return { ready, terminate: async () => worker.terminate() };
    },
  };
}
