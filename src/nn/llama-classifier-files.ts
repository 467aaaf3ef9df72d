// A Llama sequence classifier on disk, in Hugging Face's LlamaForSequenceClassification layout:
//   config.json        LlamaConfig fields + architectures ["LlamaForSequenceClassification"],
//                      num_labels, id2label, label2id, pad_token_id, and "wren": {"pooling": …}
//   model.safetensors  F32, HF names: model.embed_tokens.weight, model.layers.{l}.…, model.norm.weight,
//                      score.weight (num_labels, hidden_size); no lm_head
// transformers loads it with AutoModelForSequenceClassification when pooling is 'last' (HF pools
// the last token that is not pad_token_id). 'mean' pooling is Wren's own: HF would pool differently.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { fromHfTensors, toHfTensors } from '../formats/hf-llama.ts';
import { encodeSafetensors, readSafetensors } from '../formats/safetensors.ts';
import { parseLlamaConfig, toHfConfigJson, type LlamaConfig } from './config.ts';
import { SequenceClassifier, POOLINGS, type Pooling } from './heads/sequence-classifier.ts';

export type ClassifierSetup = { config: LlamaConfig; numClasses: number; pooling: Pooling; padTokenId: number; labels: string[] };

/** Write config.json and model.safetensors into `dir` (each atomically, or through `writeFile`). */
export function saveClassifierModel(dir: string, model: SequenceClassifier, padTokenId: number, labels: string[], writeFile: (path: string, data: Uint8Array | string) => void = writeFileAtomic): void {
  makeDir(dir);
  const c = model.config;
  writeFile(join(dir, 'model.safetensors'), encodeSafetensors(toHfTensors(c, model.params), { format: 'pt' }));
  const config = {
    ...toHfConfigJson({ ...c, tie_word_embeddings: false }),
    architectures: ['LlamaForSequenceClassification'],
    num_labels: model.numClasses,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    pad_token_id: padTokenId,
    problem_type: 'single_label_classification',
    wren: { pooling: model.pooling },
  };
  writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}

const CLASSIFIER_FIELDS = ['num_labels', 'id2label', 'label2id', 'pad_token_id', 'problem_type', 'wren', 'architectures'];

/** Read and check config.json of a classifier folder. */
export function readClassifierConfig(dir: string): ClassifierSetup {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new WrenError(`${dir}: classifier folder has no config.json`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WrenError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WrenError(`${file}: expected a JSON object`);
  const arch = raw.architectures;
  if (!Array.isArray(arch) || arch[0] !== 'LlamaForSequenceClassification') {
    throw new WrenError(`${file}: architectures is ${JSON.stringify(arch)}, expected ["LlamaForSequenceClassification"]`);
  }
  const K = raw.num_labels, pad = raw.pad_token_id;
  if (typeof K !== 'number' || !Number.isInteger(K) || K < 2) throw new WrenError(`${file}: 'num_labels' must be an integer ≥ 2, got ${JSON.stringify(K)}`);
  const trunk: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!CLASSIFIER_FIELDS.includes(k)) trunk[k] = v;
  const config = { ...parseLlamaConfig(trunk, file), tie_word_embeddings: true };
  if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < 0 || pad >= config.vocab_size) {
    throw new WrenError(`${file}: 'pad_token_id' must be a token id below vocab_size ${config.vocab_size}, got ${JSON.stringify(pad)}`);
  }
  const pooling = (raw.wren as { pooling?: unknown } | undefined)?.pooling ?? 'last';
  if (!POOLINGS.includes(pooling as Pooling)) throw new WrenError(`${file}: wren.pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`);
  const id2label = (raw.id2label ?? {}) as Record<string, unknown>;
  const labels = Array.from({ length: K }, (_, i) => String(id2label[String(i)] ?? i));
  return { config, numClasses: K, pooling: pooling as Pooling, padTokenId: pad, labels };
}

/** Load a classifier folder onto `backend`, sized for batches of up to B sequences of T tokens. */
export function loadClassifierModel(dir: string, backend: Backend, B: number, T: number): { model: SequenceClassifier; setup: ClassifierSetup } {
  const setup = readClassifierConfig(dir);
  const weights = join(dir, 'model.safetensors');
  if (!existsSync(weights)) throw new WrenError(`${dir}: classifier folder has no model.safetensors`);
  const { tensors } = readSafetensors(weights);
  const model = new SequenceClassifier(setup.config, setup.numClasses, setup.pooling, backend, B, T);
  fromHfTensors(setup.config, tensors, model.params, weights);
  return { model, setup };
}
