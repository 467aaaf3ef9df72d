// Small, fast, seeded hashes for dedup, n-gram sets and feature hashing, plus a compact set of
// 64-bit keys (kept as two 32-bit halves) whose growth can be logged and replayed for resume.
import { createHash } from 'node:crypto';

/** FNV-1a over UTF-16 code units of s[start, end). */
export function fnv1a(s: string, start = 0, end = s.length, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: turns a weak hash into one whose bits are all well mixed. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Order-dependent combination of two 32-bit hashes. */
export function combine(h: number, x: number): number {
  return (Math.imul(h ^ x, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
}

/** 64-bit content hash of a string as [hi, lo] (md5 prefix: native and collision-safe for dedup). */
export function contentHash64(text: string): [number, number] {
  const d = createHash('md5').update(text).digest();
  return [d.readUInt32LE(0), d.readUInt32LE(4)];
}

/**
 * Open-addressing set of 64-bit keys. `add` returns false when the key was present. Keys added since
 * the last `takeNew()` are remembered so a checkpoint can append just those to a log; `addAll`
 * replays such a log on resume. Key (0, 0) is stored as (0, 1): the empty-slot marker.
 */
export class U64Set {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  size = 0;
  private fresh: number[] = [];

  constructor(capacityPow2 = 1 << 12) {
    this.hi = new Uint32Array(capacityPow2);
    this.lo = new Uint32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    let i = fmix32(lo ^ Math.imul(hi, 0x27d4eb2d)) & this.mask;
    for (;;) {
      const h = this.hi[i], l = this.lo[i];
      if (h === 0 && l === 0) return false;
      if (h === hi >>> 0 && l === lo >>> 0) return true;
      i = (i + 1) & this.mask;
    }
  }

  add(hi: number, lo: number, remember = true): boolean {
    hi >>>= 0; lo >>>= 0;
    if (hi === 0 && lo === 0) lo = 1;
    if ((this.size + 1) * 2 > this.hi.length) this.grow();
    let i = fmix32(lo ^ Math.imul(hi, 0x27d4eb2d)) & this.mask;
    for (;;) {
      const h = this.hi[i], l = this.lo[i];
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) return false;
      i = (i + 1) & this.mask;
    }
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.size++;
    if (remember) this.fresh.push(hi, lo);
    return true;
  }

  /** Keys added since the previous call, as [hi, lo, hi, lo, …]. */
  takeNew(): Uint32Array {
    const out = Uint32Array.from(this.fresh);
    this.fresh = [];
    return out;
  }

  addAll(pairs: Uint32Array): void {
    for (let i = 0; i + 1 < pairs.length; i += 2) this.add(pairs[i], pairs[i + 1], false);
  }

  private grow(): void {
    const oldHi = this.hi, oldLo = this.lo;
    this.hi = new Uint32Array(oldHi.length * 2);
    this.lo = new Uint32Array(oldLo.length * 2);
    this.mask = this.hi.length - 1;
    this.size = 0;
    for (let i = 0; i < oldHi.length; i++) {
      if (oldHi[i] !== 0 || oldLo[i] !== 0) this.add(oldHi[i], oldLo[i], false);
    }
  }
}
