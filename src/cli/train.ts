// `wren train --config FILE [--data DIR] [--out DIR] [--resume] [--threads N] [--backend B] [overrides]`
import { dirname, resolve } from 'node:path';
import { CliError, parseFlags, requiredFlag } from './args.ts';
import { WrenError } from '../errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseTrainConfig } from '../train/train-config.ts';
import { trainModel, type TrainProgress } from '../train/trainer.ts';

const OVERRIDES = ['steps', 'batch-size', 'seq-len', 'grad-accum', 'lr', 'min-lr', 'warmup-steps', 'weight-decay',
  'grad-clip', 'eval-interval', 'eval-batches', 'checkpoint-interval', 'seed'] as const;

const HELP = `usage: wren train --config FILE [--data DIR] [--out DIR] [--resume] [--threads N] [--backend B]
                  [--${OVERRIDES.join(' N] [--')} N]

Trains the model the config (JSON) describes on token shards from 'wren tokenize'. Writes
OUT/checkpoint/ (a model folder 'wren generate' loads, plus optimizer and trainer state) and
OUT/metrics.jsonl; 'wren plot OUT' draws the loss curves. Ctrl-C saves a checkpoint and stops;
--resume continues exactly where the checkpoint left off.`;

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

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
  if (values.threads) raw.threads = Number(values.threads);
  for (const o of OVERRIDES) {
    if (values[o] === undefined) continue;
    const n = Number(values[o]);
    if (!Number.isFinite(n)) throw new CliError(`--${o} must be a number, got '${values[o]}'`);
    raw[o.replace(/-/g, '_')] = n;
  }
  const cfg = parseTrainConfig(raw, path, dirname(resolve(path)));
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: saving a checkpoint (Ctrl-C again to quit without it)…\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  const show = (p: TrainProgress) => {
    if (p.kind === 'step' && tty) {
      const width = 24, done = Math.round((width * p.step) / p.steps);
      process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} ` +
        `${Math.round(p.tokensPerSec).toLocaleString()} tok/s ETA ${fmtTime(p.etaSec)}   `);
    } else if (p.kind === 'eval') {
      process.stderr.write(`${tty ? '\n' : ''}step ${p.step}: train loss ${p.loss.toFixed(4)}, val loss ${p.valLoss!.toFixed(4)}, ${Math.round(p.tokensPerSec)} tok/s\n`);
    } else if (p.kind === 'checkpoint' && !tty) {
      process.stderr.write(`step ${p.step}: checkpoint saved\n`);
    }
  };
  try {
    const r = await trainModel(cfg, {
      resume: Boolean(values.resume), onProgress: show, signal: ac.signal,
      onStart: (i) => process.stderr.write(`${i.step ? `resuming at step ${i.step}: ` : ''}${(i.parameters / 1e6).toFixed(2)}M parameters on ${i.backend}; ` +
        `activations ${(i.activationBytes / 2 ** 20).toFixed(0)} MiB; batch ${cfg.batch_size}×${cfg.seq_len}${cfg.grad_accum > 1 ? `×${cfg.grad_accum}` : ''}\n`),
    });
    if (tty) process.stderr.write('\n');
    console.log(`${r.interrupted ? 'stopped' : 'done'} at step ${r.step} (${r.tokens.toLocaleString()} tokens): train loss ${r.loss.toFixed(4)}` +
      `${r.valLoss !== null ? `, val loss ${r.valLoss.toFixed(4)}` : ''}; checkpoint in ${r.checkpoint}`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
