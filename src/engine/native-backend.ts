// The native backend: the C kernels built as a Node addon (binding.gyp, at install time) for the
// host CPU (AVX2/FMA, NEON, or portable C), on a persistent pthread pool inside the addon. The
// addon works on the arena's shared memory in place: it is handed the memory once (again only
// if the arena replaces its buffer) and every call passes byte offsets and sizes.
// The addon is optional: when it is absent or fails to load, `nativeAvailable()` is false,
// `nativeUnavailableReason()` says why, and Wren runs on WASM.
import { createRequire } from 'node:module';
import type { Arena } from './arena.ts';
import type { Backend } from './backend.ts';
import type { KernelArgs, KernelName } from './kernels.ts';
import { chunksPerThread, estimateNs, NATIVE_FAN_OUT_NS } from './fan-out.ts';

type PoolHandle = object;
type Addon = {
  kernels(): string[];
  simd(): string;
  createPool(threads: number, args: Float64Array): PoolHandle;
  setMemory(pool: PoolHandle, bytes: Uint8Array): void;
  run(pool: PoolHandle, op: number, nargs: number, nth: number, chunksPerThread: number): void;
  destroyPool(pool: PoolHandle): void;
};

const ADDON_PATH = '../../build/Release/wren_native.node';
let loaded: { addon: Addon } | { error: string } | null = null;

function isAddon(x: unknown): x is Addon {
  const names = ['kernels', 'simd', 'createPool', 'setMemory', 'run', 'destroyPool'];
  return typeof x === 'object' && x !== null && names.every((n) => typeof (x as Record<string, unknown>)[n] === 'function');
}

function load(): { addon: Addon } | { error: string } {
  if (loaded) return loaded;
  try {
    const mod: unknown = createRequire(import.meta.url)(ADDON_PATH);
    loaded = isAddon(mod) ? { addon: mod } : { error: 'build/Release/wren_native.node is not the Wren addon' };
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    loaded = { error: /Cannot find module/.test(msg) ? 'the addon is not built (no C compiler at install time? run: npm run build:native)' : msg };
  }
  return loaded;
}

export function nativeAvailable(): boolean {
  return 'addon' in load();
}

export function nativeUnavailableReason(): string {
  const l = load();
  return 'error' in l ? l.error : '';
}

/** The vector ISA the addon was compiled for: avx2-fma, neon or portable-c. */
export function nativeSimd(): string {
  const l = load();
  return 'addon' in l ? l.addon.simd() : 'none';
}

export class NativeBackend implements Backend {
  readonly name = 'native';
  readonly description: string;
  private readonly args = new Float64Array(32);
  private readonly ops: Map<string, number>;
  private readonly pool: PoolHandle;
  private generation = -1; // the arena generation the addon last saw
  private disposed = false;

  constructor(readonly arena: Arena, readonly threads: number, private readonly addon: Addon, private readonly fanOutNs = NATIVE_FAN_OUT_NS) {
    this.ops = new Map(addon.kernels().map((n, i) => [n, i]));
    this.pool = addon.createPool(threads, this.args);
    this.description = `native ${addon.simd()}, ${threads} thread${threads > 1 ? 's' : ''}`;
  }

  supports(kernel: KernelName): boolean {
    return this.ops.has(kernel);
  }

  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    const op = this.ops.get(kernel);
    if (op === undefined) throw new Error(`native backend: kernel '${kernel}' is not in the addon`);
    if (this.disposed) throw new Error('native backend: used after dispose()');
    if (this.generation !== this.arena.generation) { // first call, or the arena grew
      this.addon.setMemory(this.pool, new Uint8Array(this.arena.buffer));
      this.generation = this.arena.generation;
    }
    const nums: readonly number[] = args;
    for (let i = 0; i < nums.length; i++) this.args[i] = nums[i];
    const nth = this.threads > 1 && estimateNs(kernel, args) >= this.fanOutNs ? this.threads : 1;
    this.addon.run(this.pool, op, nums.length, nth, chunksPerThread(kernel, args));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.addon.destroyPool(this.pool);
  }
}

export type NativeBackendOptions = { fanOutNs?: number };

let toldUnavailable = false;

export async function createNativeBackend(arena: Arena, threads: number, opts: NativeBackendOptions = {}): Promise<NativeBackend> {
  const l = load();
  if ('error' in l) {
    // Said once per process: the caller (createBackend's `auto`) falls back to WASM.
    if (!toldUnavailable) console.warn(`wren: native kernels unavailable (${l.error}); using WebAssembly`);
    toldUnavailable = true;
    throw new Error(`native backend unavailable: ${l.error}`);
  }
  return new NativeBackend(arena, threads, l.addon, opts.fanOutNs);
}
