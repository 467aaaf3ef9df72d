// The training config (`wren train --config FILE`): JSON with snake_case keys, every key known
// (a typo is an error that names it), paths relative to the config file. `model` is an HF
// LlamaConfig object or the name of a preset (src/nn/presets.ts).
import { dirname, isAbsolute, resolve } from 'node:path';
import { WrenError } from '../errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseLlamaConfig, type LlamaConfig } from '../nn/config.ts';
import { PRESETS } from '../nn/presets.ts';

export type TrainConfig = {
  model: LlamaConfig;
  tokenizer: string;           // tokenizer.json or tokenizer.bin
  data: string;                // folder made by `wren tokenize`
  out: string;                 // run folder: checkpoint/, metrics.jsonl
  batch_size: number;          // B sequences per micro-batch
  seq_len: number;             // T tokens per sequence
  grad_accum: number;          // micro-batches per update
  steps: number;               // updates
  lr: number;
  min_lr: number;
  warmup_steps: number;
  weight_decay: number;
  beta1: number;
  beta2: number;
  eps: number;
  grad_clip: number;           // max global gradient norm; 0 turns clipping off
  eval_interval: number;       // updates between val evaluations (0: only at the end)
  eval_batches: number;        // batches per evaluation
  checkpoint_interval: number; // updates between checkpoints (0: only at the end)
  seed: number;
  init_std: number;
  dropout: number;             // training noise on the embeddings and residual branches, in [0, 1)
  threads?: number;
  backend?: 'reference' | 'wasm' | 'native' | 'auto';
};

const DEFAULTS: Omit<TrainConfig, 'model' | 'tokenizer' | 'data' | 'out'> = {
  batch_size: 16, seq_len: 256, grad_accum: 1, steps: 1000, lr: 1e-3, min_lr: 1e-4, warmup_steps: 100,
  weight_decay: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: 100, eval_batches: 8,
  checkpoint_interval: 500, seed: 1337, init_std: 0.02, dropout: 0,
};
const INTS = ['batch_size', 'seq_len', 'grad_accum', 'steps', 'warmup_steps', 'eval_interval', 'eval_batches', 'checkpoint_interval', 'seed', 'threads'] as const;
const POSITIVE_INTS = new Set(['batch_size', 'seq_len', 'grad_accum', 'steps', 'eval_batches', 'threads']);
const NUMS = ['lr', 'min_lr', 'weight_decay', 'beta1', 'beta2', 'eps', 'grad_clip', 'init_std', 'dropout'] as const;
const PATHS = ['tokenizer', 'data', 'out'] as const;
const KNOWN = new Set<string>(['model', 'backend', ...INTS, ...NUMS, ...PATHS]);

/** Check a parsed config; `source` names it in errors, `baseDir` anchors relative paths. */
export function parseTrainConfig(raw: unknown, source = 'train config', baseDir = '.'): TrainConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WrenError(`${source}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KNOWN.has(key)) {
      const near = [...KNOWN].find((k) => k.replace(/_/g, '') === key.replace(/[_-]/g, '').toLowerCase());
      throw new WrenError(`${source}: unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}; known keys: ${[...KNOWN].join(', ')}`);
    }
  }
  const cfg: Record<string, unknown> = { ...DEFAULTS };
  if (typeof obj.model === 'string') {
    const preset = PRESETS[obj.model];
    if (!preset) throw new WrenError(`${source}: 'model' names no preset '${obj.model}' (presets: ${Object.keys(PRESETS).join(', ')})`);
    cfg.model = { ...preset };
  } else {
    cfg.model = parseLlamaConfig(obj.model, `${source}: model`);
  }
  for (const k of PATHS) {
    if (typeof obj[k] !== 'string' || obj[k] === '') throw new WrenError(`${source}: '${k}' must be a path (string)`);
    cfg[k] = isAbsolute(obj[k] as string) ? obj[k] : resolve(baseDir, obj[k] as string);
  }
  for (const k of INTS) {
    if (obj[k] === undefined) continue;
    const v = obj[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < (POSITIVE_INTS.has(k) ? 1 : 0)) {
      throw new WrenError(`${source}: '${k}' must be a ${POSITIVE_INTS.has(k) ? 'positive' : 'non-negative'} integer, got ${JSON.stringify(v)}`);
    }
    cfg[k] = v;
  }
  for (const k of NUMS) {
    if (obj[k] === undefined) continue;
    if (typeof obj[k] !== 'number' || !Number.isFinite(obj[k]) || (obj[k] as number) < 0) throw new WrenError(`${source}: '${k}' must be a non-negative number, got ${JSON.stringify(obj[k])}`);
    cfg[k] = obj[k];
  }
  if (obj.backend !== undefined) {
    if (!['reference', 'wasm', 'native', 'auto'].includes(obj.backend as string)) throw new WrenError(`${source}: 'backend' must be reference, wasm, native or auto`);
    cfg.backend = obj.backend;
  }
  const c = cfg as TrainConfig;
  if (c.beta1 >= 1 || c.beta2 >= 1) throw new WrenError(`${source}: beta1 and beta2 must be below 1`);
  if (c.dropout >= 1) throw new WrenError(`${source}: 'dropout' must be below 1, got ${c.dropout}`);
  if (c.seq_len > c.model.max_position_embeddings) {
    throw new WrenError(`${source}: seq_len ${c.seq_len} exceeds the model's max_position_embeddings ${c.model.max_position_embeddings}`);
  }
  return c;
}

export function readTrainConfig(path: string): TrainConfig {
  return parseTrainConfig(readJsonFile(path), path, dirname(resolve(path)));
}
