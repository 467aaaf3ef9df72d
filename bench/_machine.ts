// What every benchmark prints: first the machine it ran on, then beside every figure the ISA its
// kernels ran, the thread count and the 1-minute load average, so numbers are never quoted bare
// (on a shared 2-core machine other work halves 2-thread figures, and the load says when).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Backend } from '../src/engine/backend.ts';
import { nativeAvailable, nativeSimd, nativeUnavailableReason } from '../src/engine/native-backend.ts';

/** What a figure ran on: the kernels' ISA (`native avx2-fma`, `wasm relaxed-simd`, `js`, …) and the thread count. */
export type RanOn = { isa: string; threads: number };

/** The x86/Arm vector extensions the CPU reports (Linux), most capable first. */
export function cpuIsa(): string {
  try {
    const flags = new Set((/^(?:flags|Features)\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
    return ['avx512f', 'avx512_vnni', 'avx512bw', 'avx2', 'fma', 'neon', 'asimd'].filter((f) => flags.has(f)).join(' ') || 'unknown';
  } catch {
    return os.arch();
  }
}

/** The 1-minute load average, two decimals. */
export function load1m(): number {
  return +os.loadavg()[0].toFixed(2);
}

export function machineLine(): string {
  const cpus = os.cpus();
  return JSON.stringify({
    machine: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${os.platform()}-${os.arch()}`,
    cpu_isa: cpuIsa(), native: nativeAvailable() ? nativeSimd() : `unavailable: ${nativeUnavailableReason()}`,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  });
}

/** What a backend's kernels run on. */
export function ranOn(backend: Backend): RanOn {
  const isa = backend.name === 'native' ? `native ${nativeSimd()}` : backend.name === 'wasm' ? backend.description.split(',')[0] : 'reference';
  return { isa, threads: backend.threads };
}

/** From a backend description as `wren serve` and `wren doctor` print it ("native avx2-fma, 2 threads"). */
export function ranOnDescription(description: string): RanOn {
  if (description.startsWith('reference')) return { isa: 'reference', threads: 1 };
  const m = /^(.*?), (\d+) threads?\b/.exec(description.trim());
  return m ? { isa: m[1], threads: Number(m[2]) } : { isa: description.trim(), threads: 1 };
}

/** Figures from plain TypeScript, no kernels (tokenizers, filters, synthesis, linear scorers). */
export function jsOn(threads = 1): RanOn {
  return { isa: 'js', threads };
}

/** Figures from a part that makes its own default backend (`createBackend` auto): the addon's ISA, else WASM. */
export function autoOn(threads: number): RanOn {
  return { isa: nativeAvailable() ? `native ${nativeSimd()}` : 'wasm', threads };
}

/** One figure's JSON line: its fields, what it ran on, and the load average when it was taken. */
export function figureLine(fields: Record<string, unknown>, on: RanOn): string {
  return JSON.stringify({ ...fields, isa: on.isa, threads: on.threads, load1m: load1m() });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
