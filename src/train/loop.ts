// The one training loop. Every trained thing in Wren — pretraining, SFT, the classifiers — is a
// Trainable (a trunk and a head) fed by a BatchSource, and this loop owns the rest: gradient
// accumulation, global-norm clipping, AdamW with warmup + cosine, evaluation, metrics.jsonl (an
// AppendLog), atomic checkpoints, a clean stop on a signal (checkpoint first) or on a non-finite
// loss (keeping the last good checkpoint), and exact resume: weights, moments, step, RNG and the
// source's own state come back, so a resumed run continues bit for bit (same backend and threads;
// not a run with a time budget, whose schedule follows the clock).
// With a time budget the schedule runs to whichever end comes first, the steps or the seconds
// (counted across resumes), so a run cut by its budget still ends with the learning rate decayed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import { AppendLog, readLog } from '../formats/append-log.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import type { Trainable } from '../nn/trainable.ts';
import { SeededRng } from '../util/rng.ts';
import { checkpointDir, findCheckpoint, readCheckpoint, writeCheckpoint, TRAINER_STATE_FORMAT, type ModelFiles, type WriteFile } from './checkpoint.ts';
import { AdamW, clipScale, learningRate } from './optimizer.ts';

/** The loop's settings (the snake_case names of the training config). */
export type LoopSettings = {
  steps: number; grad_accum: number; lr: number; min_lr: number; warmup_steps: number;
  weight_decay: number; beta1: number; beta2: number; eps: number; grad_clip: number;
  eval_interval: number; checkpoint_interval: number; seed: number;
};

/** The training noise's seed for micro-batch `micro` of update `step`: a function of the run's seed
 *  and the position only, so an exact resume draws the same masks. */
export function noiseSeed(seed: number, step: number, micro: number): number {
  let h = (Math.imul(seed ^ 0x5bd1e995, 0x01000193) ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 12)) & 0x7fffffff;
}

export interface BatchSource {
  /** Puts the next training micro-batch into the model, drawing from `rng`; returns its tokens. */
  next(rng: SeededRng): number;
  /** The deterministic held-out loss, or null when there is no held-out data. */
  evaluate(): number | null;
  /** What besides the RNG a resume needs to go on exactly (a position in an epoch); JSON. */
  state?(): unknown;
  restore?(state: unknown): void;
}

export type TrainProgress = {
  kind: 'step' | 'eval' | 'checkpoint';
  step: number;
  steps: number;
  tokens: number;
  loss: number;          // mean train loss of this update
  lr: number;
  gradNorm: number;
  tokensPerSec: number;  // over this session so far
  etaSec: number;
  valLoss?: number;
};

export type LoopOptions = {
  runDir: string;
  model: Trainable;
  source: BatchSource;
  settings: LoopSettings;
  files: ModelFiles;                      // the checkpoint's model files
  fingerprint: Record<string, string>;    // what the run trains on; a resume must match it
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  onStart?: (info: { backend: string; parameters: number; activationBytes: number; step: number }) => void;
  writeFile?: WriteFile;                  // for tests: a double that fails like a full disk
  budgetSeconds?: number;                 // training time after which the run ends (evaluated, checkpointed)
};

export type TrainResult = {
  step: number; tokens: number; loss: number; valLoss: number | null; checkpoint: string;
  interrupted: boolean;                   // stopped by the signal (a resume goes on)
  stoppedAtBudget: boolean;               // ended at budgetSeconds, before settings.steps
  seconds: number;                        // training time, this session and the ones it resumed
};

export async function runTrainingLoop(o: LoopOptions): Promise<TrainResult> {
  const { runDir, model, source, settings: s } = o;
  ensureWritableDir(runDir);
  const metricsPath = join(runDir, 'metrics.jsonl');
  const existing = findCheckpoint(runDir);
  // A run killed before its first checkpoint left only metrics: resuming it starts it over.
  if (o.resume && !existing && !existsSync(metricsPath)) throw new WrenError(`${runDir}: no checkpoint to resume from`);
  if (!o.resume && existing) throw new WrenError(`${runDir} already holds a checkpoint; pass --resume to continue it, or choose another --out`);
  if (o.budgetSeconds !== undefined && !(Number.isFinite(o.budgetSeconds) && o.budgetSeconds > 0)) throw new WrenError(`a time budget must be a positive number of seconds, got ${o.budgetSeconds}`);

  const opt = new AdamW(model.backend, model.params, { beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weight_decay });
  const rng = new SeededRng(s.seed ^ 0x5eed);
  let step = 0, tokens = 0, valLoss: number | null = null, secondsBefore = 0, lastLoss = NaN;
  if (o.resume && existing) {
    const st = readCheckpoint(existing, o.files, opt.m, opt.v);
    for (const [k, v] of Object.entries(o.fingerprint)) {
      if (st.fingerprint[k] !== undefined && st.fingerprint[k] !== v) throw new WrenError(`${existing}: the checkpoint was trained with another ${k.replace(/_/g, ' ')} (${st.fingerprint[k].slice(0, 12)}…, now ${v.slice(0, 12)}…)`);
    }
    step = st.step; tokens = st.tokens; opt.step = st.adam_step; rng.state = st.rng_state; valLoss = st.val_loss; secondsBefore = st.seconds ?? 0;
    if (st.source_state !== null) source.restore?.(st.source_state);
    lastLoss = keepMetricsUpTo(metricsPath, step);
  }
  const metrics = AppendLog.open(metricsPath, 'line', { fresh: !existing });
  const metric = (row: Record<string, unknown>) => metrics.append(JSON.stringify(row));
  const sched = { lr: s.lr, minLr: s.min_lr, warmupSteps: s.warmup_steps, totalSteps: s.steps };
  const budget = o.budgetSeconds ?? Infinity;
  const t0 = performance.now(), tokens0 = tokens;
  const seconds = () => secondsBefore + (performance.now() - t0) / 1000;
  const save = () => writeCheckpoint(runDir, {
    files: o.files, m: opt.m, v: opt.v,
    state: { format: TRAINER_STATE_FORMAT, version: 2, step, tokens, adam_step: opt.step, rng_state: rng.state, source_state: source.state?.() ?? null, fingerprint: o.fingerprint, val_loss: valLoss,
      // Training time only where a budget needs it, so other states stay a function of the inputs.
      ...(o.budgetSeconds !== undefined ? { seconds: seconds() } : {}) },
  }, o.writeFile);

  o.onStart?.({ backend: model.backend.description, parameters: model.params.size, activationBytes: model.tape.bytes, step });
  // loss starts as the last one logged: a resume that trains no further step still reports it
  let loss = lastLoss, lr = 0, gradNorm = 0, interrupted = false, stepSeconds = 0;
  let stoppedAtBudget = step < s.steps && seconds() >= budget; // a resumed run whose budget was spent
  try {
    while (step < s.steps && !stoppedAtBudget) {
      const stepStart = performance.now();
      model.zeroGrads();
      let sum = 0, stepTokens = 0;
      for (let a = 0; a < s.grad_accum; a++) {
        stepTokens += source.next(rng);
        model.trainForward(1 / s.grad_accum, noiseSeed(s.seed, step, a));
        sum += model.meanLoss();
        model.backward();
      }
      loss = sum / s.grad_accum;
      gradNorm = opt.gradNorm(model.grads);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        const last = findCheckpoint(runDir);
        throw new WrenError(`the loss became ${loss} (gradient norm ${gradNorm}) at step ${step + 1}; stopped without saving. ` +
          (last ? `The last good checkpoint is ${last}.` : 'No checkpoint was written yet.') + ' Try a lower lr or a smaller init_std.');
      }
      lr = learningRate(step, sched, (seconds() + stepSeconds) / budget); // where this update ends: the last is near min_lr
      opt.update(model.grads, lr, clipScale(gradNorm, s.grad_clip));
      step++;
      tokens += stepTokens;
      stepSeconds = (performance.now() - stepStart) / 1000;
      const secs = (performance.now() - t0) / 1000, rate = (tokens - tokens0) / secs;
      stoppedAtBudget = step < s.steps && seconds() >= budget;
      const last = step === s.steps || stoppedAtBudget;
      const etaSec = Math.min(((s.steps - step) * stepTokens) / rate, Math.max(0, budget - seconds()));
      const progress: TrainProgress = { kind: 'step', step, steps: s.steps, tokens, loss, lr, gradNorm, tokensPerSec: rate, etaSec };
      metric({ step, tokens, loss, lr, grad_norm: gradNorm, tokens_per_s: Math.round(rate) });
      o.onProgress?.(progress);
      if ((s.eval_interval && step % s.eval_interval === 0) || last) {
        const v = source.evaluate();
        if (v !== null) {
          valLoss = v;
          metric({ step, tokens, val_loss: valLoss });
          o.onProgress?.({ ...progress, kind: 'eval', valLoss });
        }
      }
      interrupted = o.signal?.aborted ?? false;
      if (interrupted || (s.checkpoint_interval && step % s.checkpoint_interval === 0) || last) {
        save();
        o.onProgress?.({ ...progress, kind: 'checkpoint', valLoss: valLoss ?? undefined });
      }
      if (interrupted) break;
      await new Promise((r) => setImmediate(r)); // let a signal handler run
    }
  } finally {
    metrics.close();
  }
  return { step, tokens, loss, valLoss, checkpoint: checkpointDir(runDir), interrupted, stoppedAtBudget, seconds: seconds() };
}

/** Keeps the metrics rows up to `step` (rows after the checkpoint, and a row torn by a kill or a
 *  full disk, go); returns the last kept train loss (NaN when there is none). */
function keepMetricsUpTo(path: string, step: number): number {
  const rows = readLog(path, 'line').records.map((r) => r.toString('utf8'));
  const keep = rows.filter((l, i) => {
    try {
      return l !== '' && (JSON.parse(l) as { step: number }).step <= step;
    } catch {
      throw new WrenError(`${path}:${i + 1}: not a JSON metrics row; fix or delete that line to resume`);
    }
  });
  writeFileAtomic(path, keep.map((l) => l + '\n').join(''));
  const losses = keep.map((l) => (JSON.parse(l) as { loss?: number }).loss).filter((x): x is number => typeof x === 'number');
  return losses.at(-1) ?? NaN;
}
