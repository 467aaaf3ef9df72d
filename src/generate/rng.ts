// llama2.c's xorshift64* generator (run.c random_u32 / random_f32), so a seed gives the same
// samples here as under ./run. State is a 64-bit unsigned integer held as a BigInt.
const MASK64 = (1n << 64n) - 1n;

export class Rng {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt(seed) & MASK64;
    if (this.state === 0n) this.state = 0x2545f4914f6cdd1dn; // xorshift must not start at zero
  }

  nextU32(): number {
    let s = this.state;
    s ^= s >> 12n;
    s = (s ^ (s << 25n)) & MASK64;
    s ^= s >> 27n;
    this.state = s;
    return Number(((s * 0x2545f4914f6cdd1dn) & MASK64) >> 32n);
  }

  /** Uniform float32 in [0, 1), as run.c computes it. */
  nextF32(): number {
    return (this.nextU32() >>> 8) / 16777216.0;
  }
}
