// Seeded randomness for data synthesis. Every random choice in src/data takes one of these, and
// job i of a run gets its own generator from (runSeed, i), so a resumed run redoes exactly the
// jobs it had not finished, with the same seeds.
import { SeededRng } from '../../util/rng.ts';

/** splitmix32-style mixer: spreads (seed, index) pairs over 32 bits. */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** The shared mulberry32 stream with the choices synthesis makes: words, templates, subsets. */
export class Rng extends SeededRng {
  static forJob(runSeed: number, index: number, stream = 0): Rng {
    return new Rng(mixSeed(mixSeed(runSeed, index), stream));
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick from an empty list');
    return xs[this.below(xs.length)];
  }
  chance(p: number): boolean {
    return this.uniform() < p;
  }
  /** k distinct items, in random order */
  sample<T>(xs: readonly T[], k: number): T[] {
    if (k * 4 < xs.length) {
      // few from many: draw indices until k distinct ones, no copy of a big list
      const picked = new Set<number>();
      while (picked.size < k) picked.add(this.below(xs.length));
      return [...picked].map((i) => xs[i]);
    }
    const pool = [...xs];
    const out: T[] = [];
    for (let i = 0; i < k && pool.length > 0; i++) out.push(pool.splice(this.below(pool.length), 1)[0]);
    return out;
  }
  /** a 31-bit integer, for seeding a teacher's sampler */
  seed31(): number {
    return this.below(0x7fffffff);
  }
}
