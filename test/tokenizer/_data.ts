// Locating ../shared/data for tokenizer tests: a missing file fails under CI and skips otherwise.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const dataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

/** Absolute path of a shared-data file, or a skip reason (throws when CI is set and it is missing). */
export function sharedData(rel: string): { path: string; skip: false } | { path: string; skip: string } {
  const path = dataDir + rel;
  if (existsSync(path)) return { path, skip: false };
  if (process.env.CI) throw new Error(`shared test data missing under CI: ${path}`);
  return { path, skip: `shared data not found: ${path}` };
}

/** Deterministic PRNG (mulberry32) for seeded fuzz sets. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string mixing ASCII, whitespace, Latin, CJK, emoji, combining marks and lone surrogates-free astral chars. */
export function randomUnicode(next: () => number, maxLen: number): string {
  const ranges: [number, number][] = [
    [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0x09, 0x0d], [0x80, 0x24f], [0x300, 0x36f],
    [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f], [0x2000, 0x206f], [0x3000, 0x303f],
    [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xfe00, 0xfeff], [0x1f300, 0x1f6ff], [0x10000, 0x10ffff],
  ];
  const n = Math.floor(next() * maxLen);
  let s = '';
  for (let i = 0; i < n; i++) {
    const [lo, hi] = ranges[Math.floor(next() * ranges.length)];
    s += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
  }
  return s;
}
