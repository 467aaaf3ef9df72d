// Batches of token windows from the shards of one split. Training draws windows of T + 1 tokens
// at random positions with the trainer's seeded RNG (a shard is picked in proportion to the
// windows it holds); evaluation walks the split in order, window after window, so every eval
// sees the same tokens. Reads are positioned (TokenShardReader), never whole files.
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import type { SeededRng } from '../util/rng.ts';
import { TokenShardReader, type ShardIndex } from './shards.ts';

export class TokenWindowLoader {
  private readers: TokenShardReader[];
  private windows: number[];   // start positions a shard offers (count - T)
  readonly totalTokens: number;

  constructor(dir: string, index: ShardIndex, readonly split: 'train' | 'val', readonly T: number) {
    this.readers = index[split].map((s) => new TokenShardReader(join(dir, s.file)));
    this.windows = this.readers.map((r) => Math.max(0, r.count - T));
    this.totalTokens = this.readers.reduce((a, r) => a + r.count, 0);
    for (const [i, r] of this.readers.entries()) {
      if (r.count !== index[split][i].tokens) throw new WrenError(`${r.path}: has ${r.count} tokens but index.json says ${index[split][i].tokens}`);
    }
    if (this.windows.every((w) => w === 0)) {
      this.close();
      throw new WrenError(`${dir}: the ${split} split has ${this.totalTokens} tokens, too few for one window of ${T + 1} (seq_len + 1); add text or lower seq_len`);
    }
  }

  /** B random windows of T + 1 tokens into `out` (B·(T+1)). */
  sample(rng: SeededRng, B: number, out: Int32Array): void {
    const total = this.windows.reduce((a, b) => a + b, 0);
    for (let b = 0; b < B; b++) {
      let pos = rng.below(total), s = 0;
      while (pos >= this.windows[s]) pos -= this.windows[s++];
      this.readers[s].read(pos, this.T + 1, out, b * (this.T + 1));
    }
  }

  /** Number of whole, non-overlapping windows (stride T) in the split. */
  get sequentialWindows(): number {
    return this.readers.reduce((a, r) => a + Math.floor((r.count - 1) / this.T), 0);
  }

  /** Windows [first, first + B) of the in-order walk into `out`; rows past the end are -1 (ignored). */
  sequential(first: number, B: number, out: Int32Array): number {
    out.fill(-1);
    let filled = 0;
    for (let b = 0; b < B; b++) {
      let w = first + b, s = 0;
      while (s < this.readers.length && w >= Math.floor((this.readers[s].count - 1) / this.T)) w -= Math.floor((this.readers[s++].count - 1) / this.T);
      if (s >= this.readers.length) break;
      this.readers[s].read(w * this.T, this.T + 1, out, b * (this.T + 1));
      filled++;
    }
    return filled;
  }

  close(): void {
    for (const r of this.readers) r.close();
  }
}
