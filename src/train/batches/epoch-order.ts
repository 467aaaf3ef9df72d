// The order examples are visited in: a fresh seeded shuffle (Fisher–Yates with the loop's RNG)
// at the start of each epoch, then B at a time. Given the examples' lengths, it groups by length
// as HF's group_by_length does: within each window of 32 batches the shuffled examples are sorted
// by length and cut into batches, and the batches are shuffled, so a batch holds examples of
// about one length and little padding. The order and the position in it are the state a resumed
// run needs to go on with the same batches.
import type { SeededRng } from '../../util/rng.ts';

export class EpochOrder {
  private order: number[] = [];
  private at = 0;

  constructor(private readonly n: number, private readonly lengths?: number[]) {}

  /** The next up to `B` example indexes (an epoch's last batch may be short). */
  next(rng: SeededRng, B: number): number[] {
    if (this.at === 0) {
      this.order = shuffle(Array.from({ length: this.n }, (_, i) => i), rng);
      if (this.lengths) this.order = this.groupByLength(rng, B);
    }
    const idx = this.order.slice(this.at, this.at + B);
    this.at = this.at + idx.length >= this.n ? 0 : this.at + idx.length;
    return idx;
  }

  private groupByLength(rng: SeededRng, B: number): number[] {
    const len = this.lengths!, window = 32 * B, batches: number[][] = [];
    for (let w = 0; w < this.order.length; w += window) {
      const part = this.order.slice(w, w + window).sort((a, b) => len[b] - len[a] || a - b);
      for (let i = 0; i < part.length; i += B) batches.push(part.slice(i, i + B));
    }
    // The short last batch stays last (only it may be short: next() takes B at a time).
    const last = batches[batches.length - 1].length < B ? batches.pop()! : undefined;
    return [...shuffle(batches, rng).flat(), ...(last ?? [])];
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

function shuffle<T>(xs: T[], rng: SeededRng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
