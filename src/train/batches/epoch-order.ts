// The order examples are visited in: a fresh seeded shuffle (Fisher–Yates with the loop's RNG)
// at the start of each epoch, then B at a time. The order and the position in it are the state
// a resumed run needs to go on with the same batches.
import type { SeededRng } from '../../util/rng.ts';

export class EpochOrder {
  private order: number[] = [];
  private at = 0;

  constructor(private readonly n: number) {}

  /** The next up to `B` example indexes (an epoch's last batch may be short). */
  next(rng: SeededRng, B: number): number[] {
    if (this.at === 0) {
      this.order = Array.from({ length: this.n }, (_, i) => i);
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
      }
    }
    const idx = this.order.slice(this.at, this.at + B);
    this.at = this.at + idx.length >= this.n ? 0 : this.at + idx.length;
    return idx;
  }

  state(): unknown {
    return { order: this.order, at: this.at };
  }

  restore(state: unknown): void {
    const s = state as { order: number[]; at: number };
    this.order = s.order;
    this.at = s.at;
  }
}
