// `wren eval`: a saved model's loss per token and bits per byte on held-out data. The data is a
// shard folder (its val split, or train when there is no val: the trainer's windows, which run
// across documents) or a text/JSONL file, scored document by document with the held-out protocol
// of evaluate-documents.ts (the one real-text figures use).
import { existsSync, statSync } from 'node:fs';
import { createBackend, type BackendName } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { bitsPerByte, evaluateLoss } from './evaluate.ts';
import { evaluateDocuments, readHeldOutDocuments } from './evaluate-documents.ts';
import { TokenWindowLoader } from './loader.ts';
import { readShardIndex } from './shards.ts';
import { loadTokenizerFile } from './tokenizer-file.ts';

export type EvalOptions = { model: string; data: string; seqLen?: number; batchSize?: number; batches?: number; threads?: number; backend?: BackendName | 'auto' };
export type EvalReport = { lossPerToken: number; bitsPerByte: number; tokens: number; split: 'train' | 'val' | 'documents'; documents?: number; bytes?: number };

export async function evaluateModel(o: EvalOptions): Promise<EvalReport> {
  const files = resolveModelFiles(o.model);
  if (files.kind !== 'folder' || !files.tokenizer) throw new WrenError(`${o.model}: expected a model folder with config.json, model.safetensors and a tokenizer`);
  const config = readConfigFile(files.config!);
  const tf = loadTokenizerFile(files.tokenizer);
  if (tf.tokenizer.vocabSize !== config.vocab_size) throw new WrenError(`${files.tokenizer}: ${tf.tokenizer.vocabSize} tokens, but the model's vocab_size is ${config.vocab_size}`);
  if (!existsSync(o.data)) throw new WrenError(`${o.data}: no such file or folder`);
  if (o.seqLen !== undefined && o.seqLen > config.max_position_embeddings) {
    throw new WrenError(`--seq-len ${o.seqLen} is longer than the model's context (${config.max_position_embeddings} positions)`);
  }
  const documents = statSync(o.data).isDirectory() ? null : await readHeldOutDocuments(o.data);
  const backend = await createBackend({ backend: o.backend, threads: o.threads });
  try {
    const load = (T: number) => {
      const model = new CausalLM(config, backend, o.batchSize ?? 8, T);
      fromHfTensors(config, readSafetensors(files.weights).tensors, model.params, files.weights);
      return model;
    };
    if (documents) {
      const r = evaluateDocuments(load(Math.min(o.seqLen ?? config.max_position_embeddings, config.max_position_embeddings)), tf.tokenizer, documents);
      return { lossPerToken: r.lossPerToken, bitsPerByte: r.bitsPerByte, tokens: r.tokens, split: 'documents', documents: r.documents, bytes: r.bytes };
    }
    const index = readShardIndex(o.data);
    if (index.tokenizer.sha256 !== tf.sha256) throw new WrenError(`${o.data}: these shards were made with tokenizer '${index.tokenizer.file}', not the model's ${files.tokenizer}`);
    const split = index.val.length ? 'val' : 'train';
    const total = index[split].reduce((a, s) => a + s.tokens, 0);
    const T = Math.min(o.seqLen ?? config.max_position_embeddings, config.max_position_embeddings, Math.max(1, total - 1));
    const model = load(T);
    const loader = new TokenWindowLoader(o.data, index, split, T);
    const r = evaluateLoss(model, loader, o.batches ?? Math.ceil(loader.sequentialWindows / model.B));
    loader.close();
    return { lossPerToken: r.loss, bitsPerByte: bitsPerByte(r.loss, total, index.source_bytes[split]), tokens: r.tokens, split };
  } finally {
    backend.dispose();
  }
}
