// `wren train --config FILE [--data DIR] [--out DIR] [--resume] [--threads N] [--backend B] [overrides]`
import { dirname, resolve } from 'node:path';
import { CliError, intFlag, numberOf, parseFlags, requiredFlag } from './args.ts';
import { WrenError } from '../errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseTrainConfig } from '../train/train-config.ts';
import { trainModel } from '../train/trainer.ts';
import { trainingSession } from './train-progress.ts';

const OVERRIDES = ['steps', 'batch-size', 'seq-len', 'grad-accum', 'lr', 'min-lr', 'warmup-steps', 'weight-decay',
  'grad-clip', 'eval-interval', 'eval-batches', 'checkpoint-interval', 'seed'] as const;

const HELP = `usage: wren train --config FILE [--data DIR] [--out DIR] [--resume] [--threads N] [--backend B]
                  [--${OVERRIDES.join(' N] [--')} N]

Trains the model the config (JSON) describes on token shards from 'wren tokenize'. Writes
OUT/checkpoint/ (a model folder 'wren generate' loads, plus optimizer and trainer state) and
OUT/metrics.jsonl; 'wren plot OUT' draws the loss curves. Ctrl-C saves a checkpoint and stops;
--resume continues exactly where the checkpoint left off.`;

export async function run(argv: string[]): Promise<void> {
  const spec: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' },
    threads: { type: 'string' }, backend: { type: 'string' },
  };
  for (const o of OVERRIDES) spec[o] = { type: 'string' };
  const { values } = parseFlags(argv, spec, HELP);
  const path = requiredFlag(values.config, 'config');
  const raw = readJsonFile(path) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WrenError(`${path}: expected a JSON object`);
  if (values.data) raw.data = resolve(values.data as string);
  if (values.out) raw.out = resolve(values.out as string);
  if (values.backend) raw.backend = values.backend;
  if (values.threads) raw.threads = intFlag(values.threads, 'threads', 1, 1, 256);
  for (const o of OVERRIDES) {
    if (values[o] === undefined) continue;
    const n = numberOf(values[o]);
    if (!Number.isFinite(n)) throw new CliError(`--${o} must be a number, got '${values[o]}'`);
    raw[o.replace(/-/g, '_')] = n;
  }
  let cfg;
  try {
    cfg = parseTrainConfig(raw, path, dirname(resolve(path)));
  } catch (err) {
    // a bad value that came from a flag is the flag's fault, not the file's
    const flag = OVERRIDES.find((o) => values[o] !== undefined && (err as Error).message.startsWith(`${path}: '${o.replace(/-/g, '_')}'`));
    if (flag) throw new CliError((err as Error).message.replace(`${path}: '${flag.replace(/-/g, '_')}'`, `--${flag}`));
    throw err;
  }
  const session = trainingSession();
  try {
    const r = await trainModel(cfg, {
      resume: Boolean(values.resume), onProgress: session.show, signal: session.signal,
      onStart: (i) => process.stderr.write(`${i.step ? `resuming at step ${i.step}: ` : ''}${(i.parameters / 1e6).toFixed(2)}M parameters on ${i.backend}; ` +
        `activations ${(i.activationBytes / 2 ** 20).toFixed(0)} MiB; batch ${cfg.batch_size}×${cfg.seq_len}${cfg.grad_accum > 1 ? `×${cfg.grad_accum}` : ''}\n`),
    });
    session.done();
    console.log(`${r.interrupted ? 'stopped' : 'done'} at step ${r.step} (${r.tokens.toLocaleString()} tokens): train loss ${r.loss.toFixed(4)}` +
      `${r.valLoss !== null ? `, val loss ${r.valLoss.toFixed(4)}` : ''}; checkpoint in ${r.checkpoint}`);
  } finally {
    session.done();
  }
}
