// An open-addressing hash from a token pair (a, b) to two numbers (encoder: merge rank and merged
// id; trainer: pair count and pair index). val0 is a float64 so counts never overflow. Typed arrays instead of Map<number,…>: pair keys a*V+b overflow V8's small integers for
// GPT-2-size vocabularies, and this lookup sits on the encoder's cache-miss path.

export class PairTable {
  private mask: number;
  private keyA: Int32Array;  // (capacity) left id, -1 = empty slot
  private keyB: Int32Array;  // (capacity) right id
  private val0: Float64Array; // (capacity)
  private val1: Int32Array;  // (capacity)
  size = 0;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.mask = cap - 1;
    this.keyA = new Int32Array(cap).fill(-1);
    this.keyB = new Int32Array(cap);
    this.val0 = new Float64Array(cap);
    this.val1 = new Int32Array(cap);
  }

  private slot(a: number, b: number): number {
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 0;
    h = (h ^ (h >>> 15)) & this.mask;
    while (this.keyA[h] !== -1 && (this.keyA[h] !== a || this.keyB[h] !== b)) h = (h + 1) & this.mask;
    return h;
  }

  /** Insert if absent; returns false (and keeps the old values) when the pair is already there. */
  add(a: number, b: number, v0: number, v1: number): boolean {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const h = this.slot(a, b);
    if (this.keyA[h] !== -1) return false;
    this.keyA[h] = a;
    this.keyB[h] = b;
    this.val0[h] = v0;
    this.val1[h] = v1;
    this.size++;
    return true;
  }

  /** Slot index of (a, b), or -1 when absent; read values with first()/second(). */
  find(a: number, b: number): number {
    const h = this.slot(a, b);
    return this.keyA[h] === -1 ? -1 : h;
  }

  /** Slot of (a, b), inserting it with values (0, v1) when absent. Slots move when the table grows. */
  upsert(a: number, b: number, v1: number): number {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const h = this.slot(a, b);
    if (this.keyA[h] === -1) {
      this.keyA[h] = a;
      this.keyB[h] = b;
      this.val0[h] = 0;
      this.val1[h] = v1;
      this.size++;
    }
    return h;
  }

  setFirst(slot: number, v: number): void {
    this.val0[slot] = v;
  }

  first(slot: number): number {
    return this.val0[slot];
  }

  second(slot: number): number {
    return this.val1[slot];
  }

  private grow(): void {
    const { keyA, keyB, val0, val1 } = this;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.keyA = new Int32Array(cap).fill(-1);
    this.keyB = new Int32Array(cap);
    this.val0 = new Float64Array(cap);
    this.val1 = new Int32Array(cap);
    this.size = 0;
    for (let i = 0; i < keyA.length; i++) if (keyA[i] !== -1) this.add(keyA[i], keyB[i], val0[i], val1[i]);
  }
}
