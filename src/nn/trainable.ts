// What the one training loop (src/train/loop.ts) trains: a trunk with a head, its parameters and
// gradients in two blocks from one table, activations on a tape. A batch source puts a batch in
// (each head has its own setBatch); the loop runs forward, backward, clipping and AdamW.
import type { Backend } from '../engine/backend.ts';
import type { Tape } from '../engine/tape.ts';
import type { LlamaConfig } from './config.ts';
import type { ParameterBlock } from './weights.ts';

export interface Trainable {
  readonly config: LlamaConfig;
  readonly backend: Backend;
  readonly params: ParameterBlock;   // the weights
  readonly grads: ParameterBlock;    // ∂loss/∂weights, same layout
  readonly tape: Tape;
  /** Training forward on the current batch: the loss's gradient (scaled by `gradScale`) is in
   *  place for `backward()`. `noiseSeed` draws the training noise (dropout) of this micro-batch;
   *  the loop derives it from the run's seed and the step, so a resume replays it. */
  trainForward(gradScale: number, noiseSeed?: number): void;
  /** Accumulate ∂loss/∂weights of the last training forward into `grads`. */
  backward(): void;
  /** Mean loss of the last forward over what it counts (real targets, labelled sequences). */
  meanLoss(): number;
  zeroGrads(): void;
}
