// AdamW with decoupled weight decay (Loshchilov & Hutter), global-norm gradient clipping and the
// learning-rate schedule (linear warmup, then cosine decay to a floor). The moments m and v and
// the per-element decay mask are ParameterBlocks from the model's own [name, shape] table, so the
// update is one kernel call over one block.
import type { Backend } from '../engine/backend.ts';
import { MAX_THREADS, type Ptr } from '../engine/arena.ts';
import { ParameterBlock, type ParamName } from '../nn/weights.ts';

export type AdamWOptions = {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Tensors that get weight decay; by default every matrix but the embedding (norms never). */
  decays?: (name: ParamName) => boolean;
};

export const DEFAULT_DECAYS = (name: ParamName): boolean =>
  name !== 'embed' && name !== 'attnNorm' && name !== 'ffnNorm' && name !== 'finalNorm';

export class AdamW {
  readonly m: ParameterBlock;     // first moment, same layout as the parameters
  readonly v: ParameterBlock;     // second moment
  readonly decay: ParameterBlock; // 1 where weight decay applies, 0 elsewhere
  /** Updates applied so far (the t of the bias corrections). */
  step = 0;
  private partials: Ptr;          // (MAX_THREADS) sum-of-squares partials

  constructor(readonly backend: Backend, readonly params: ParameterBlock, readonly opts: AdamWOptions) {
    const table = [...params.entries.values()].map((e) => [e.name, e.shape] as [ParamName, number[]]);
    this.m = new ParameterBlock(backend.arena, table);
    this.v = new ParameterBlock(backend.arena, table);
    this.decay = new ParameterBlock(backend.arena, table);
    this.partials = backend.arena.allocF32(MAX_THREADS);
    this.m.all().fill(0);
    this.v.all().fill(0);
    const decays = opts.decays ?? DEFAULT_DECAYS;
    for (const e of this.decay.entries.values()) this.decay.view(e.name).fill(decays(e.name) ? 1 : 0);
  }

  /** The global L2 norm of the gradient block. */
  gradNorm(grads: ParameterBlock): number {
    const parts = this.backend.arena.f32At(this.partials, MAX_THREADS);
    parts.fill(0);
    this.backend.run('sumsq', this.partials, grads.base, grads.size);
    let s = 0;
    for (const p of this.backend.arena.f32At(this.partials, MAX_THREADS)) s += p;
    return Math.sqrt(s);
  }

  /** One AdamW update with learning rate `lr`; gradients are multiplied by `gradScale` first
   *  (clipping). */
  update(grads: ParameterBlock, lr: number, gradScale = 1): void {
    this.step++;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const bc1 = 1 - beta1 ** this.step, bc2 = 1 - beta2 ** this.step;
    this.backend.run('adamw', this.params.base, grads.base, this.m.base, this.v.base, this.decay.base,
      this.params.size, lr, beta1, beta2, eps, weightDecay, bc1, bc2, gradScale);
  }
}

/** Scale that brings a gradient of norm `norm` down to `maxNorm` (1 when it is already within). */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

export type Schedule = { lr: number; minLr: number; warmupSteps: number; totalSteps: number };

/** Learning rate for update `step` (0-based): linear warmup to `lr`, cosine decay to `minLr` at the end.
 *  `timeFraction` (the share of a time budget used) moves the end closer when time runs out first. */
export function learningRate(step: number, s: Schedule, timeFraction = 0): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (step >= s.totalSteps) return s.minLr;
  const progress = Math.min(1, Math.max((step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps), timeFraction));
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
