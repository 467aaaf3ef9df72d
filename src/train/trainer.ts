// The training loop: draw B windows per micro-batch, forward + backward through the tape, clip by
// global norm, AdamW with warmup + cosine; evaluate on the val split, checkpoint atomically, write
// metrics as JSONL, stop cleanly on a signal (checkpoint first) or on a non-finite loss (keeping
// the last good checkpoint). Resume restores weights, moments, step and RNG state, so a resumed
// run continues bit for bit as if it had never stopped (same backend and thread count).
import { existsSync } from 'node:fs';
import { AppendLog, readLog } from '../formats/append-log.ts';
import { join } from 'node:path';
import { createBackend, type Backend } from '../engine/backend.ts';
import { KERNEL_NAMES } from '../engine/kernels.ts';
import { WrenError } from '../errors.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { initParameters } from '../nn/init.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { checkpointDir, findCheckpoint, readCheckpoint, writeCheckpoint, TRAINER_STATE_FORMAT, type WriteFile } from './checkpoint.ts';
import { evaluateLoss } from './evaluate.ts';
import { TokenWindowLoader } from './loader.ts';
import { AdamW, clipScale, learningRate } from './optimizer.ts';
import { SeededRng } from '../util/rng.ts';
import { readShardIndex } from './shards.ts';
import type { TrainConfig } from './train-config.ts';
import { loadTokenizerFile } from './tokenizer-file.ts';

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

export type TrainOptions = {
  resume?: boolean;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  onStart?: (info: { backend: string; parameters: number; activationBytes: number; step: number }) => void;
  backend?: Backend;       // default: createBackend from the config's backend/threads
  writeFile?: WriteFile;   // for tests: a double that fails like a full disk
};

export type TrainResult = { step: number; tokens: number; loss: number; valLoss: number | null; checkpoint: string; interrupted: boolean };

/** The requested backend; for `auto`, the fastest one that has every training kernel. */
export async function createTrainingBackend(name: TrainConfig['backend'], threads?: number): Promise<Backend> {
  const order: ('native' | 'wasm' | 'reference')[] = name && name !== 'auto' ? [name] : ['native', 'wasm', 'reference'];
  for (const [i, n] of order.entries()) {
    let b: Backend;
    try {
      b = await createBackend({ backend: n, threads });
    } catch (err) {
      if (i === order.length - 1) throw err;
      continue;
    }
    if (i === order.length - 1 || KERNEL_NAMES.every((k) => b.supports(k))) return b;
    b.dispose();
  }
  throw new WrenError('no backend available');
}

export async function trainModel(cfg: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const tf = loadTokenizerFile(cfg.tokenizer);
  if (tf.tokenizer.vocabSize !== cfg.model.vocab_size) {
    throw new WrenError(`${cfg.tokenizer}: the tokenizer has ${tf.tokenizer.vocabSize} tokens but the model's vocab_size is ${cfg.model.vocab_size}`);
  }
  const index = readShardIndex(cfg.data);
  if (index.tokenizer.sha256 !== tf.sha256) {
    throw new WrenError(`${cfg.data}: these shards were made with tokenizer '${index.tokenizer.file}' (sha256 ${index.tokenizer.sha256.slice(0, 12)}…), not ${cfg.tokenizer} (sha256 ${tf.sha256.slice(0, 12)}…); re-run 'wren tokenize' with this tokenizer`);
  }
  const runDir = cfg.out;
  ensureWritableDir(runDir);
  const existing = findCheckpoint(runDir);
  // A run killed before its first checkpoint left only metrics: resuming it starts it over.
  if (opts.resume && !existing && !existsSync(join(runDir, 'metrics.jsonl'))) throw new WrenError(`${runDir}: no checkpoint to resume from`);
  if (!opts.resume && existing) throw new WrenError(`${runDir} already holds a checkpoint; pass --resume to continue it, or choose another --out`);

  const backend = opts.backend ?? await createTrainingBackend(cfg.backend, cfg.threads);
  const missing = KERNEL_NAMES.filter((k) => !backend.supports(k));
  if (missing.length) throw new WrenError(`backend ${backend.name} cannot train: it lacks ${missing.join(', ')}`);
  const B = cfg.batch_size, T = cfg.seq_len, accum = cfg.grad_accum;
  const mark = backend.arena.mark(); // a caller's backend gets its memory back at the end
  const model = new CausalLM(cfg.model, backend, B, T);
  initParameters(model.params, cfg.model, cfg.seed, cfg.init_std);
  const opt = new AdamW(backend, model.params, { beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, weightDecay: cfg.weight_decay });
  const rng = new SeededRng(cfg.seed ^ 0x5eed);
  let step = 0, tokens = 0, valLoss: number | null = null;
  const metricsPath = join(runDir, 'metrics.jsonl');
  if (opts.resume && existing) {
    const st = readCheckpoint(existing, cfg.model, model.params, opt.m, opt.v);
    if (st.tokenizer_sha256 !== tf.sha256) throw new WrenError(`${existing}: the checkpoint was trained with another tokenizer than ${cfg.tokenizer}`);
    step = st.step; tokens = st.tokens; opt.step = st.adam_step; rng.state = st.rng_state; valLoss = st.val_loss;
    // Keep the metrics up to the checkpoint; rows after it (and a row torn by a kill or a full disk) go.
    const rows = readLog(metricsPath, 'line').records.map((r) => r.toString('utf8'));
    const keep = rows.filter((l, i) => {
      try {
        return l !== '' && (JSON.parse(l) as { step: number }).step <= step;
      } catch {
        throw new WrenError(`${metricsPath}:${i + 1}: not a JSON metrics row; fix or delete that line to resume`);
      }
    });
    writeFileAtomic(metricsPath, keep.map((l) => l + '\n').join(''));
  }
  const metrics = AppendLog.open(metricsPath, 'line', { fresh: !existing });

  const train = new TokenWindowLoader(cfg.data, index, 'train', T);
  const val = index.val.length ? new TokenWindowLoader(cfg.data, index, 'val', T) : null;
  const batch = new Int32Array(B * (T + 1));
  const sched = { lr: cfg.lr, minLr: cfg.min_lr, warmupSteps: cfg.warmup_steps, totalSteps: cfg.steps };
  const metric = (row: Record<string, unknown>) => metrics.append(JSON.stringify(row));
  const save = () => writeCheckpoint(runDir, {
    config: cfg.model, params: model.params, m: opt.m, v: opt.v, tokenizerPath: cfg.tokenizer,
    state: { format: TRAINER_STATE_FORMAT, version: 1, step, tokens, adam_step: opt.step, rng_state: rng.state, tokenizer_sha256: tf.sha256, val_loss: valLoss },
  }, opts.writeFile);

  opts.onStart?.({ backend: backend.description, parameters: model.params.size, activationBytes: model.tape.bytes, step });
  const t0 = performance.now(), step0 = step;
  let loss = NaN, lr = 0, gradNorm = 0, interrupted = false;
  try {
    while (step < cfg.steps) {
      model.zeroGrads();
      let sum = 0;
      for (let a = 0; a < accum; a++) {
        train.sample(rng, B, batch);
        model.setBatch(batch);
        model.forward(1 / (B * T * accum));
        sum += model.meanLoss();
        model.backward();
      }
      loss = sum / accum;
      gradNorm = opt.gradNorm(model.grads);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        const last = findCheckpoint(runDir);
        throw new WrenError(`the loss became ${loss} (gradient norm ${gradNorm}) at step ${step + 1}; stopped without saving. ` +
          (last ? `The last good checkpoint is ${last}.` : 'No checkpoint was written yet.') + ' Try a lower lr or a smaller init_std.');
      }
      lr = learningRate(step, sched);
      opt.update(model.grads, lr, clipScale(gradNorm, cfg.grad_clip));
      step++;
      tokens += B * T * accum;
      const secs = (performance.now() - t0) / 1000, rate = ((step - step0) * B * T * accum) / secs;
      const progress: TrainProgress = { kind: 'step', step, steps: cfg.steps, tokens, loss, lr, gradNorm, tokensPerSec: rate, etaSec: ((cfg.steps - step) * B * T * accum) / rate };
      metric({ step, tokens, loss, lr, grad_norm: gradNorm, tokens_per_s: Math.round(rate) });
      opts.onProgress?.(progress);
      if (val && ((cfg.eval_interval && step % cfg.eval_interval === 0) || step === cfg.steps)) {
        valLoss = evaluateLoss(model, val, cfg.eval_batches).loss;
        metric({ step, tokens, val_loss: valLoss });
        opts.onProgress?.({ ...progress, kind: 'eval', valLoss });
      }
      interrupted = opts.signal?.aborted ?? false;
      if (interrupted || (cfg.checkpoint_interval && step % cfg.checkpoint_interval === 0) || step === cfg.steps) {
        save();
        opts.onProgress?.({ ...progress, kind: 'checkpoint', valLoss: valLoss ?? undefined });
      }
      if (interrupted) break;
      await new Promise((r) => setImmediate(r)); // let a signal handler run
    }
  } finally {
    metrics.close();
    train.close();
    val?.close();
    if (!opts.backend) backend.dispose();
    else backend.arena.release(mark);
  }
  return { step, tokens, loss, valLoss, checkpoint: checkpointDir(runDir), interrupted };
}
