// `wren eval`: a saved model's loss per token and bits per byte on a held-out text. The data is a
// shard folder (its val split, or train when there is no val) or a text/JSONL file, which is
// tokenized first with the model's own tokenizer into a temporary shard folder.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type BackendName } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { bitsPerByte, evaluateLoss } from './evaluate.ts';
import { TokenWindowLoader } from './loader.ts';
import { readShardIndex } from './shards.ts';
import { tokenizeToShards } from './tokenize.ts';
import { loadTokenizerFile } from './tokenizer-file.ts';

export type EvalOptions = { model: string; data: string; seqLen?: number; batchSize?: number; batches?: number; threads?: number; backend?: BackendName | 'auto' };
export type EvalReport = { lossPerToken: number; bitsPerByte: number; tokens: number; split: 'train' | 'val' };

export async function evaluateModel(o: EvalOptions): Promise<EvalReport> {
  const files = resolveModelFiles(o.model);
  if (files.kind !== 'folder' || !files.tokenizer) throw new WrenError(`${o.model}: expected a model folder with config.json, model.safetensors and a tokenizer`);
  const config = readConfigFile(files.config!);
  const tf = loadTokenizerFile(files.tokenizer);
  if (tf.tokenizer.vocabSize !== config.vocab_size) throw new WrenError(`${files.tokenizer}: ${tf.tokenizer.vocabSize} tokens, but the model's vocab_size is ${config.vocab_size}`);
  if (!existsSync(o.data)) throw new WrenError(`${o.data}: no such file or folder`);
  let dir = o.data, tmp: string | null = null;
  if (!statSync(o.data).isDirectory()) {
    tmp = dir = mkdtempSync(join(tmpdir(), 'wren-eval-'));
    await tokenizeToShards({ tokenizer: files.tokenizer, inputs: [o.data], out: dir, valFraction: 0 });
  }
  const backend = await createBackend({ backend: o.backend, threads: o.threads });
  try {
    const index = readShardIndex(dir);
    if (index.tokenizer.sha256 !== tf.sha256) throw new WrenError(`${o.data}: these shards were made with tokenizer '${index.tokenizer.file}', not the model's ${files.tokenizer}`);
    const split = index.val.length ? 'val' : 'train';
    const total = index[split].reduce((a, s) => a + s.tokens, 0);
    const T = Math.min(o.seqLen ?? config.max_position_embeddings, config.max_position_embeddings, Math.max(1, total - 1));
    const model = new CausalLM(config, backend, o.batchSize ?? 8, T);
    fromHfTensors(config, readSafetensors(files.weights).tensors, model.params, files.weights);
    const loader = new TokenWindowLoader(dir, index, split, T);
    const r = evaluateLoss(model, loader, o.batches ?? Math.ceil(loader.sequentialWindows / model.B));
    loader.close();
    return { lossPerToken: r.loss, bitsPerByte: bitsPerByte(r.loss, total, index.source_bytes[split]), tokens: r.tokens, split };
  } finally {
    backend.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
