// Pretraining (`wren train`): a causal LM on token shards, trained by the one loop (loop.ts), and
// the choice of a backend that has every training kernel.
import { createBackend, type Backend } from '../engine/backend.ts';
import { KERNEL_NAMES } from '../engine/kernels.ts';
import { WrenError } from '../errors.ts';
import { initParameters } from '../nn/init.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { TokenWindowBatches } from './batches/token-windows.ts';
import { causalLmFiles, type WriteFile } from './checkpoint.ts';
import { runTrainingLoop, type TrainProgress, type TrainResult } from './loop.ts';
import { readShardIndex } from './shards.ts';
import type { TrainConfig } from './train-config.ts';
import { loadTokenizerFile } from './tokenizer-file.ts';

export type { TrainProgress, TrainResult } from './loop.ts';

export type TrainOptions = {
  resume?: boolean;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  onStart?: (info: { backend: string; parameters: number; activationBytes: number; step: number }) => void;
  backend?: Backend;       // default: createBackend from the config's backend/threads
  writeFile?: WriteFile;   // for tests: a double that fails like a full disk
};

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

/** Pretraining: a causal LM from a seeded init on token shards, through the one loop. */
export async function trainModel(cfg: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const tf = loadTokenizerFile(cfg.tokenizer);
  if (tf.tokenizer.vocabSize !== cfg.model.vocab_size) {
    throw new WrenError(`${cfg.tokenizer}: the tokenizer has ${tf.tokenizer.vocabSize} tokens but the model's vocab_size is ${cfg.model.vocab_size}`);
  }
  const index = readShardIndex(cfg.data);
  if (index.tokenizer.sha256 !== tf.sha256) {
    throw new WrenError(`${cfg.data}: these shards were made with tokenizer '${index.tokenizer.file}' (sha256 ${index.tokenizer.sha256.slice(0, 12)}…), not ${cfg.tokenizer} (sha256 ${tf.sha256.slice(0, 12)}…); re-run 'wren tokenize' with this tokenizer`);
  }
  const backend = opts.backend ?? await createTrainingBackend(cfg.backend, cfg.threads);
  const mark = backend.arena.mark(); // a caller's backend gets its memory back at the end
  let source: TokenWindowBatches | undefined;
  try {
    const missing = KERNEL_NAMES.filter((k) => !backend.supports(k));
    if (missing.length) throw new WrenError(`backend ${backend.name} cannot train: it lacks ${missing.join(', ')}`);
    const model = new CausalLM(cfg.model, backend, cfg.batch_size, cfg.seq_len, cfg.dropout);
    initParameters(model.params, cfg.model, cfg.seed, cfg.init_std);
    source = new TokenWindowBatches(model, cfg.data, index, cfg.eval_batches);
    return await runTrainingLoop({
      runDir: cfg.out, model, source, settings: cfg, files: causalLmFiles(cfg.model, model.params, cfg.tokenizer),
      fingerprint: { tokenizer_sha256: tf.sha256 }, resume: opts.resume, signal: opts.signal,
      onProgress: opts.onProgress, onStart: opts.onStart, writeFile: opts.writeFile,
    });
  } finally {
    source?.close();
    if (!opts.backend) backend.dispose();
    else backend.arena.release(mark);
  }
}
