// The task's base model. From a model folder: used as it is. From a preset: a byte-level BPE
// tokenizer trained on the training split's texts (messages and references, with '<|endoftext|>'),
// the preset's shape (with the task's config overrides and the tokenizer's real size as
// vocab_size) initialised from a seed, and both written as a model folder SFT starts from.
import { join } from 'node:path';
import { createBackend } from '../engine/backend.ts';
import { parseLlamaConfig } from '../nn/config.ts';
import { initParameters } from '../nn/init.ts';
import { LlamaModel } from '../nn/llama.ts';
import { saveModel } from '../nn/load.ts';
import { PRESETS } from '../nn/presets.ts';
import { saveTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import { trainTokenizer } from '../tokenizer/train-tokenizer.ts';
import type { TaskConfig } from './config.ts';
import type { TaskRow } from './rows.ts';

export type BaseModel = { dir: string; parameters: number; vocab: number; fromScratch: boolean };

export async function makeBaseModel(t: TaskConfig, train: TaskRow[], dir: string): Promise<BaseModel> {
  if (t.model.path) return { dir: t.model.path, parameters: 0, vocab: 0, fromScratch: false };
  const texts = train.flatMap((r) => [r.input, r.references[0]]);
  texts.push(t.system);
  const tok = await trainTokenizer(texts, { vocabSize: t.model.vocab!, specialTokens: ['<|endoftext|>'] });
  const config = parseLlamaConfig({ ...PRESETS[t.model.preset!], ...t.model.config, vocab_size: tok.tokenizer.vocabSize }, `${t.file}: model`);
  const backend = await createBackend({ backend: 'reference', threads: 1 });
  try {
    const model = new LlamaModel(config, backend, 1);
    initParameters(model.params, config, t.model.init_seed);
    saveModel(dir, model, { wren_init_seed: String(t.model.init_seed), wren_task: t.name });
    saveTokenizerJson(tok.tokenizer, join(dir, 'tokenizer.json'));
    return { dir, parameters: model.params.size, vocab: tok.tokenizer.vocabSize, fromScratch: true };
  } finally {
    backend.dispose();
  }
}
