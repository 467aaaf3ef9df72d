// Seeded randomness for data synthesis. Every random choice in src/data takes one of these, and
// job i of a run gets its own generator from (runSeed, i), so a resumed run redoes exactly the
// jobs it had not finished, with the same seeds.

/** splitmix32-style mixer: spreads (seed, index) pairs over 32 bits. */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** mulberry32: small, fast, good enough for picking words and templates. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  static forJob(runSeed: number, index: number, stream = 0): Rng {
    return new Rng(mixSeed(mixSeed(runSeed, index), stream));
  }
  /** uniform in [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick from an empty list');
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** k distinct items, in random order */
  sample<T>(xs: readonly T[], k: number): T[] {
    if (k * 4 < xs.length) {
      // few from many: draw indices until k distinct ones, no copy of a big list
      const picked = new Set<number>();
      while (picked.size < k) picked.add(this.int(xs.length));
      return [...picked].map((i) => xs[i]);
    }
    const pool = [...xs];
    const out: T[] = [];
    for (let i = 0; i < k && pool.length > 0; i++) out.push(pool.splice(this.int(pool.length), 1)[0]);
    return out;
  }
  /** a 31-bit integer, for seeding a teacher's sampler */
  seed31(): number {
    return this.int(0x7fffffff);
  }
}
