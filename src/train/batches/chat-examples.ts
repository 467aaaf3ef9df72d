// SFT batches: one conversation a row, B rows of about one length at a time (epoch-order.ts groups
// by length) and each batch only as long as its longest conversation, so padding costs little. The loss counts only the assistant's tokens
// (the chat data's mask); padding is never a target. Evaluation: the mean loss per assistant
// token over the held-out conversations.
import type { CausalLM } from '../../nn/heads/causal-lm.ts';
import type { SeededRng } from '../../util/rng.ts';
import type { ChatExample } from '../chat-data.ts';
import type { BatchSource } from '../loop.ts';
import { EpochOrder } from './epoch-order.ts';

export class ChatBatches implements BatchSource {
  private readonly order: EpochOrder;
  private readonly tokens: Int32Array;
  private readonly mask: Uint8Array;

  constructor(private readonly model: CausalLM, private readonly train: ChatExample[], private readonly heldOut: ChatExample[] = []) {
    this.order = new EpochOrder(train.length, train.map((e) => e.ids.length));
    this.tokens = new Int32Array(model.B * (model.T + 1));
    this.mask = new Uint8Array(model.B * (model.T + 1));
  }

  get stepsPerEpoch(): number {
    return Math.ceil(this.train.length / this.model.B);
  }

  /** Rows of `examples` into the model (unused rows are all padding); returns the tokens put in. */
  private put(examples: ChatExample[]): number {
    const W = this.model.T + 1;
    this.tokens.fill(-1);
    this.mask.fill(0);
    let n = 0, longest = 2;
    examples.forEach((e, b) => {
      this.tokens.set(e.ids, b * W);
      this.mask.set(e.train, b * W);
      n += e.ids.length;
      longest = Math.max(longest, e.ids.length);
    });
    this.model.setBatch(this.tokens, this.mask, longest - 1); // as long as its longest conversation
    return n;
  }

  next(rng: SeededRng): number {
    return this.put(this.order.next(rng, this.model.B).map((i) => this.train[i]));
  }

  evaluate(): number | null {
    if (this.heldOut.length === 0) return null;
    let sum = 0, count = 0;
    for (let i = 0; i < this.heldOut.length; i += this.model.B) {
      this.put(this.heldOut.slice(i, i + this.model.B));
      this.model.forward(0);
      const n = this.model.countedTargets();
      sum += this.model.meanLoss() * n;
      count += n;
    }
    return count ? sum / count : null;
  }

  state(): unknown {
    return this.order.state();
  }

  restore(state: unknown): void {
    this.order.restore(state);
  }
}
