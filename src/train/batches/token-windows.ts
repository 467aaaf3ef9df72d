// Pretraining batches: B random windows of T + 1 tokens from the train split's shards for a
// causal LM, and its loss on an in-order walk of the val split (the same tokens every time).
import type { CausalLM } from '../../nn/heads/causal-lm.ts';
import type { SeededRng } from '../../util/rng.ts';
import { evaluateLoss } from '../evaluate.ts';
import type { BatchSource } from '../loop.ts';
import { TokenWindowLoader } from '../loader.ts';
import type { ShardIndex } from '../shards.ts';

export class TokenWindowBatches implements BatchSource {
  private readonly train: TokenWindowLoader;
  private readonly val: TokenWindowLoader | null;
  private readonly batch: Int32Array;

  constructor(private readonly model: CausalLM, dir: string, index: ShardIndex, private readonly evalBatches: number) {
    this.train = new TokenWindowLoader(dir, index, 'train', model.T);
    try {
      this.val = index.val.length ? new TokenWindowLoader(dir, index, 'val', model.T) : null;
    } catch (err) {
      this.train.close();
      throw err;
    }
    this.batch = new Int32Array(model.B * (model.T + 1));
  }

  next(rng: SeededRng): number {
    this.train.sample(rng, this.model.B, this.batch);
    this.model.setBatch(this.batch);
    return this.model.B * this.model.T;
  }

  evaluate(): number | null {
    return this.val ? evaluateLoss(this.model, this.val, this.evalBatches).loss : null;
  }

  close(): void {
    this.train.close();
    this.val?.close();
  }
}
