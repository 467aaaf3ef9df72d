// The backends every kernel test runs on: reference, WASM (SIMD128 and relaxed SIMD) at 1 and 2
// threads with every call split across the threads, and native when its addon is built.
// A backend that cannot run a kernel says so through supports(); tests never list exclusions.
import type { Arena } from '../../src/engine/arena.ts';
import { ReferenceBackend, type Backend } from '../../src/engine/backend.ts';
import { createWasmBackend } from '../../src/engine/wasm-backend.ts';
import { createNativeBackend, nativeAvailable, nativeUnavailableReason } from '../../src/engine/native-backend.ts';
import { mulberry32 } from '../../src/util/rng.ts';

export type TestBackend = { label: string; backend: Backend };

export async function testBackends(arena: Arena): Promise<TestBackend[]> {
  const out: TestBackend[] = [{ label: 'reference', backend: new ReferenceBackend(arena) }];
  for (const simd of ['simd128', 'relaxed-simd'] as const) {
    for (const threads of [1, 2]) {
      const backend = await createWasmBackend(arena, threads, { simd, fanOutNs: 0 });
      if (backend.simd !== simd) { // the runtime lacks relaxed SIMD: nothing new to test
        backend.dispose();
        continue;
      }
      out.push({ label: `wasm ${simd} ×${threads}`, backend });
    }
  }
  if (nativeAvailable()) {
    for (const threads of [1, 2]) out.push({ label: `native ×${threads}`, backend: await createNativeBackend(arena, threads, { fanOutNs: 0 }) });
  } else if (process.env.WREN_BACKEND === 'native') {
    throw new Error(`WREN_BACKEND=native but the addon is unavailable: ${nativeUnavailableReason()}`);
  } else {
    console.log(`# native backend not tested: ${nativeUnavailableReason()}`);
  }
  return out;
}

/** Seeded uniform floats in [-scale, scale) (mulberry32), so every run draws the same inputs. */
export function seededFloats(seed: number, n: number, scale = 1): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() * 2 - 1) * scale;
  return out;
}

/**
 * Largest relative error of `got` against `want`, each element measured against its own
 * magnitude but never below the tensor's mean magnitude: a sum of many terms that cancels to
 * near zero carries the rounding of its terms, not of its result.
 */
export function relativeError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} vs ${want.length}`);
  let meanAbs = 0;
  for (const w of want) meanAbs += Math.abs(w);
  meanAbs = Math.max(meanAbs / Math.max(1, want.length), 1e-30);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(got[i]) !== Number.isNaN(want[i])) return Infinity;
    const e = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), meanAbs);
    if (e > worst) worst = e;
  }
  return worst;
}
