// `wren bench kernels [--backend wasm|native|all] [--simd relaxed-simd|simd128|both] [--threads 1,2] [--min-ms 400]`
// Kernel speed: matmul GFLOP/s (the forward linear, out = x·Wᵀ with W (N,K)) on the shapes a small
// transformer has, then the other kernels' times on decode/prefill-sized inputs. One JSON line per
// case; each figure is the median of repeated runs (at least 3, for at least --min-ms).
import { performance } from 'node:perf_hooks';
import { figureLine, machineLine, median, ranOn } from './_machine.ts';
import { Arena } from '../src/engine/arena.ts';
import type { Backend } from '../src/engine/backend.ts';
import { createWasmBackend } from '../src/engine/wasm-backend.ts';
import type { SimdLevel } from '../src/engine/wasm-node.ts';
import { createNativeBackend, nativeAvailable, nativeSimd, nativeUnavailableReason } from '../src/engine/native-backend.ts';
import { parseFlags } from '../src/cli/args.ts';

const MATMUL_SHAPES: [number, number, number][] = [[4096, 256, 768], [4096, 256, 256], [4096, 768, 256], [8192, 512, 2048], [1, 288, 768]];

/** Median wall time per call, and mean process CPU time per call (on one thread, the kernel's
 *  own time even when other processes share the cores). */
function timeMs(fn: () => void, minMs: number): { ms: number; cpuMs: number } {
  fn(); // warm up
  const times: number[] = [];
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (times.length < 3 || (performance.now() - start < minMs && times.length < 200)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms: median(times), cpuMs: (cpu.user + cpu.system) / 1000 / times.length };
}

function fill(arena: Arena, p: number, n: number, seed: number) {
  const f = arena.f32At(p, n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; f[i] = (s / 2 ** 32 - 0.5) * 0.2; }
}

type Label = { backend: string; simd?: string; threads: number };

function benchMatmul(arena: Arena, be: Backend, label: Label, minMs: number) {
  for (const [M, K, N] of MATMUL_SHAPES) {
    const mark = arena.mark();
    const x = arena.allocF32(M * K), w = arena.allocF32(N * K), out = arena.allocF32(M * N);
    fill(arena, x, M * K, 1); fill(arena, w, N * K, 2);
    const { ms, cpuMs } = timeMs(() => be.run('matmul', out, x, w, M, K, N, 0, 1, 0), M === 1 ? Math.min(minMs, 200) : minMs);
    const flop = 2 * M * K * N;
    console.log(figureLine({ ...label, kernel: 'matmul', shape: `${M}x${K}x${N}`, gflops: +(flop / ms / 1e6).toFixed(2), ms: +ms.toFixed(4),
      ...(label.threads === 1 ? { cpu_gflops: +(flop / cpuMs / 1e6).toFixed(2) } : {}) }, ranOn(be)));
    arena.release(mark);
  }
}

function benchOthers(arena: Arena, be: Backend, label: Label, minMs: number) {
  const mark = arena.mark();
  const T = 256, C = 768, H = 12, D = 64, F = 2048, V = 32000;
  const big = arena.allocF32(T * F), big2 = arena.allocF32(T * F), big3 = arena.allocF32(T * F), w = arena.allocF32(V * C);
  const ids = arena.alloc(T * 4), lse = arena.allocF32(H * T);
  fill(arena, big, T * F, 3); fill(arena, big2, T * F, 4); fill(arena, w, C, 5);
  arena.i32At(ids, T).forEach((_, i, a) => { a[i] = (i * 977) % V; });
  const cases: [string, string, () => void][] = [
    ['rmsnorm', `${T}x${C}`, () => be.run('rmsnorm', big3, big, w, T, C, 1e-5)],
    ['rmsnorm', `1x${C}`, () => be.run('rmsnorm', big3, big, w, 1, C, 1e-5)],
    ['rope', `${T}x${H}x${D}`, () => be.run('rope', big3, T, T, H, D, 0, 10000)],
    ['rope', `1x${H}x${D}`, () => be.run('rope', big3, 1, 1, H, D, 200, 10000)],
    ['attention', `prefill T${T} H${H} D${D}`, () => be.run('attention', big3, lse, big, big2, big, 1, T, T, H, H, D)],
    ['attention', `decode Tk${T} H${H} D${D}`, () => be.run('attention', big3, 0, big, big2, big, 1, 1, T, H, H, D)],
    ['swiglu', `${T * F}`, () => be.run('swiglu', big3, big, big2, T * F)],
    ['swiglu', `${F}`, () => be.run('swiglu', big3, big, big2, F)],
    ['add', `${T * C}`, () => be.run('add', big3, big, big2, T * C)],
    ['embedding', `${T}x${C}`, () => be.run('embedding', big3, w, ids, T, C)],
    ['softmax', `${H * T}x${T}`, () => be.run('softmax', big3, big, H * T, T)],
    ['argmax', `1x${V}`, () => be.run('argmax', ids, w, 1, V)],
  ];
  for (const [kernel, shape, fn] of cases) {
    if (!be.supports(kernel as Parameters<Backend['supports']>[0])) continue;
    const { ms } = timeMs(fn, Math.min(minMs, 200));
    console.log(figureLine({ ...label, kernel, shape, us: +(ms * 1000).toFixed(2) }, ranOn(be)));
  }
  arena.release(mark);
}

export async function run(argv: string[]): Promise<void> {
  const { values: flags } = parseFlags(argv, {
    backend: { type: 'string' }, simd: { type: 'string' }, threads: { type: 'string' }, 'min-ms': { type: 'string' },
  }, 'usage: wren bench kernels [--backend wasm|native|all] [--simd relaxed-simd|simd128|both] [--threads 1,2] [--min-ms 400]');
  const which = String(flags.backend ?? 'all');
  const simds: SimdLevel[] = flags.simd === 'simd128' ? ['simd128'] : flags.simd === 'relaxed-simd' ? ['relaxed-simd'] : ['relaxed-simd', 'simd128'];
  const threadList = String(flags.threads ?? '1,2').split(',').map(Number);
  const minMs = Number(flags['min-ms'] ?? 400);
  console.log(machineLine());
  const arena = new Arena(512 << 20);
  const runs: { label: Label; make: () => Promise<Backend> }[] = [];
  if (which === 'native' || which === 'all') {
    if (nativeAvailable()) for (const threads of threadList) runs.push({ label: { backend: 'native', simd: nativeSimd(), threads }, make: () => createNativeBackend(arena, threads) });
    else console.log(JSON.stringify({ backend: 'native', skipped: nativeUnavailableReason() }));
  }
  if (which === 'wasm' || which === 'all') {
    for (const simd of simds) for (const threads of threadList) runs.push({ label: { backend: 'wasm', simd, threads }, make: () => createWasmBackend(arena, threads, { simd }) });
  }
  for (const { label, make } of runs) {
    const be = await make();
    benchMatmul(arena, be, label, minMs);
    benchOthers(arena, be, label, minMs);
    be.dispose();
  }
}
