// A backend owns storage (the Arena) and runs kernels by name; it does not own the ops.
// `reference` runs the plain TS kernels; `wasm` the C kernels compiled to WebAssembly
// (threaded over shared memory); `native` the same C as a Node addon.
import { Arena } from './arena.ts';
import type { KernelArgs, KernelName } from './kernels.ts';
import { referenceKernels, type ArenaViews } from './reference-kernels.ts';
import { WrenError } from '../errors.ts';

export type BackendName = 'reference' | 'wasm' | 'native';

export interface Backend {
  readonly name: BackendName;
  readonly arena: Arena;
  readonly threads: number;
  /** e.g. "wasm simd128 relaxed" — what `wren doctor` prints */
  readonly description: string;
  supports(kernel: KernelName): boolean;
  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void;
  dispose(): void;
}

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly threads = 1;
  readonly description = 'reference (plain TypeScript, 1 thread)';
  constructor(readonly arena: Arena) {}

  supports(kernel: KernelName): boolean {
    return kernel in referenceKernels;
  }

  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    const mem: ArenaViews = { f: this.arena.f32, i: this.arena.i32 };
    const fn: (mem: ArenaViews, ...a: KernelArgs[K]) => void = referenceKernels[kernel];
    fn(mem, ...args);
  }

  dispose(): void {}
}

export type BackendOptions = { backend?: BackendName | 'auto'; threads?: number; arena?: Arena };

type BackendFactory = (arena: Arena, threads: number) => Promise<Backend>;
// Loaded lazily, so a machine without the native addon (or a browser) never imports it.
const factories = new Map<BackendName, BackendFactory>([
  ['reference', async (arena) => new ReferenceBackend(arena)],
  ['wasm', async (arena, threads) => (await import('./wasm-backend.ts')).createWasmBackend(arena, threads)],
  ['native', async (arena, threads) => (await import('./native-backend.ts')).createNativeBackend(arena, threads)],
]);

/** All cores: navigator.hardwareConcurrency in browsers, os.availableParallelism() in Node. */
export async function defaultThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  const cores = nav ?? (typeof process !== 'undefined' && process.versions?.node ? (await import('node:os')).availableParallelism() : 1);
  return Math.max(1, Math.min(16, cores));
}

/** WREN_BACKEND where there is a process environment (Node); a browser has none. */
function envBackend(): BackendName | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.WREN_BACKEND as BackendName | undefined;
}

/** Create the requested backend; `auto` (default, or WREN_BACKEND) picks the fastest available. */
export async function createBackend(opts: BackendOptions = {}): Promise<Backend> {
  const arena = opts.arena ?? new Arena();
  const threads = opts.threads ?? (await defaultThreads());
  if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw new WrenError(`threads must be an integer in [1, 16], got ${threads}`);
  const wanted = opts.backend && opts.backend !== 'auto' ? opts.backend : (envBackend() ?? 'auto');
  const order: BackendName[] = wanted === 'auto' || wanted === undefined ? ['native', 'wasm', 'reference'] : [wanted];
  for (const name of order) {
    const factory = factories.get(name);
    if (!factory) {
      if (wanted !== 'auto') throw new WrenError(`backend '${name}' is not available (known: ${[...factories.keys()].join(', ')})`);
      continue;
    }
    try {
      return await factory(arena, threads);
    } catch (err) {
      if (wanted !== 'auto') throw err;
    }
  }
  return new ReferenceBackend(arena);
}
