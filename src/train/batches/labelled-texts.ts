// Classifier batches: labelled token sequences, B at a time, in a seeded random order that is
// drawn anew each epoch from the loop's RNG. The order and the position in it are the source's
// state, so a resumed run goes on with the same batches. A batch is as long as its longest text.
import type { SequenceClassifier } from '../../nn/heads/sequence-classifier.ts';
import type { SeededRng } from '../../util/rng.ts';
import type { BatchSource } from '../loop.ts';

export type LabelledSeqs = { seqs: number[][]; labels: number[] };

export class LabelledTextBatches implements BatchSource {
  private order: number[] = [];
  private at = 0;

  constructor(private readonly model: SequenceClassifier, private readonly train: LabelledSeqs, private readonly padId: number,
              private readonly heldOut?: LabelledSeqs) {}

  /** Updates per pass over the data. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.train.seqs.length / this.model.B);
  }

  next(rng: SeededRng): number {
    if (this.at === 0) { // a new epoch: a fresh seeded shuffle (Fisher–Yates)
      this.order = this.train.seqs.map((_, i) => i);
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
      }
    }
    const idx = this.order.slice(this.at, this.at + this.model.B);
    this.at = this.at + idx.length >= this.order.length ? 0 : this.at + idx.length;
    this.model.setBatch(idx.map((i) => this.train.seqs[i]), this.padId, idx.map((i) => this.train.labels[i]));
    return idx.reduce((n, i) => n + this.train.seqs[i].length, 0);
  }

  /** Mean cross-entropy on the held-out sequences (no gradient is used). */
  evaluate(): number | null {
    const h = this.heldOut;
    if (!h || h.seqs.length === 0) return null;
    let sum = 0;
    for (let i = 0; i < h.seqs.length; i += this.model.B) {
      const seqs = h.seqs.slice(i, i + this.model.B);
      this.model.setBatch(seqs, this.padId, h.labels.slice(i, i + this.model.B));
      this.model.forward(true, 0);
      sum += this.model.meanLoss() * seqs.length;
    }
    return sum / h.seqs.length;
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
