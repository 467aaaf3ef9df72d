// Classifier batches: labelled token sequences, B at a time, in a seeded order drawn anew each
// epoch (epoch-order.ts). A batch is as long as its longest text.
import type { SequenceClassifier } from '../../nn/heads/sequence-classifier.ts';
import type { SeededRng } from '../../util/rng.ts';
import type { BatchSource } from '../loop.ts';
import { EpochOrder } from './epoch-order.ts';

export type LabelledSeqs = { seqs: number[][]; labels: number[] };

export class LabelledTextBatches implements BatchSource {
  private readonly order: EpochOrder;

  constructor(private readonly model: SequenceClassifier, private readonly train: LabelledSeqs, private readonly padId: number,
              private readonly heldOut?: LabelledSeqs) {
    this.order = new EpochOrder(train.seqs.length);
  }

  /** Updates per pass over the data. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.train.seqs.length / this.model.B);
  }

  next(rng: SeededRng): number {
    const idx = this.order.next(rng, this.model.B);
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
    return this.order.state();
  }

  restore(state: unknown): void {
    this.order.restore(state);
  }
}
