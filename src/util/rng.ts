// Seeded randomness for the whole tree: mulberry32. Its whole state is one uint32, so a checkpoint
// stores it exactly and a resumed run draws the very same numbers, on every platform. Every caller
// seeds it its own way (and keeps doing so: same seed, same datasets, same init weights).
// llama2.c's xorshift sampler (src/generate/rng.ts) is a different stream on purpose.

const MULBERRY_STEP = 0x6d2b79f5;

/** mulberry32's output for an already advanced state `a`: uniform in [0, 1). */
function mulberryOut(a: number): number {
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A seeded stream of uniforms in [0, 1), as a plain function. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => mulberryOut((a = (a + MULBERRY_STEP) >>> 0));
}

/** mulberry32 as an object whose `state` can be saved and restored for an exact resume. */
export class SeededRng {
  state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    return mulberryOut((this.state = (this.state + MULBERRY_STEP) >>> 0));
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/** SeededRng with standard normal draws (Box–Muller; the second value of each pair serves the next call). */
export class NormalRng extends SeededRng {
  private spare: number | null = null;
  normal(): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v; }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u)), a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}
