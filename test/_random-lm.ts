// A randomly initialised LM folder (config.json, model.safetensors, tokenizer.json), the input
// the classifiers' --init takes: tests that start a trunk from a pretrained LM write one with this.
import { join } from 'node:path';
import { createBackend } from '../src/engine/backend.ts';
import type { LlamaConfig } from '../src/nn/config.ts';
import { initParameters } from '../src/nn/init.ts';
import { LlamaModel } from '../src/nn/llama.ts';
import { saveModel } from '../src/nn/load.ts';
import type { BpeTokenizer } from '../src/tokenizer/bpe-tokenizer.ts';
import { saveTokenizerJson } from '../src/tokenizer/hf-tokenizer-json.ts';

export async function saveRandomLm(dir: string, tokenizer: BpeTokenizer, config: LlamaConfig, seed: number): Promise<void> {
  const backend = await createBackend({ backend: 'reference' });
  const lm = new LlamaModel(config, backend, 8);
  initParameters(lm.params, config, seed);
  saveModel(dir, lm);
  saveTokenizerJson(tokenizer, join(dir, 'tokenizer.json'));
  backend.dispose();
}
