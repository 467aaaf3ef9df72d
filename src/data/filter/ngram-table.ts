// A reusable per-document counting table of 32-bit keys (n-gram hashes). Generation stamps make
// clearing O(1), so the repetition rules can count six n-gram sizes per document without
// allocating a Map each time.

export class NgramTable {
  private keys = new Uint32Array(1 << 12);
  private counts = new Uint32Array(1 << 12);
  private stamps = new Uint32Array(1 << 12);
  private gen = 1;
  private mask = (1 << 12) - 1;

  /** Empties the table, sized for up to `n` distinct keys. */
  reset(n: number): void {
    let cap = this.keys.length;
    if (n * 2 > cap) {
      while (n * 2 > cap) cap *= 2;
      this.keys = new Uint32Array(cap);
      this.counts = new Uint32Array(cap);
      this.stamps = new Uint32Array(cap);
      this.mask = cap - 1;
      this.gen = 0;
    }
    this.gen++;
    if (this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
  }

  /** Adds one occurrence of `key`; returns the count after adding. */
  add(key: number): number {
    let i = (Math.imul(key, 0x9e3779b1) >>> 16 ^ key) & this.mask;
    for (;;) {
      if (this.stamps[i] !== this.gen) {
        this.stamps[i] = this.gen;
        this.keys[i] = key;
        this.counts[i] = 1;
        return 1;
      }
      if (this.keys[i] === key) return ++this.counts[i];
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    let i = (Math.imul(key, 0x9e3779b1) >>> 16 ^ key) & this.mask;
    for (;;) {
      if (this.stamps[i] !== this.gen) return false;
      if (this.keys[i] === key) return true;
      i = (i + 1) & this.mask;
    }
  }
}
