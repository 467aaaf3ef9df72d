// Load and save whole models. A model is either
//   a folder: config.json (HF LlamaConfig) + model.safetensors (HF tensor names) [+ tokenizer.json | tokenizer.bin]
//   a llama2.c checkpoint file (.bin), whose tokenizer comes separately (--tokenizer)
//   a GGUF file of architecture llama (.gguf, see gguf-llama.ts), its tokenizer inside.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { readLlama2cCheckpoint } from '../formats/llama2c.ts';
import { fromHfTensors, toHfTensors } from '../formats/hf-llama.ts';
import { readSafetensors, writeSafetensors } from '../formats/safetensors.ts';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { writeHfFolderMetadata, type HfFolderOptions } from '../formats/hf-folder.ts';
import { hfTokenizerFiles } from '../formats/hf-tokenizer-files.ts';
import { parameterTable, type ParameterBlock } from './weights.ts';
import { loadQuantizedGgufModel } from './gguf-quantized.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseLlamaConfig, type LlamaConfig } from './config.ts';
import { LlamaModel } from './llama.ts';
import { ggufHasChatTemplate, loadGgufTokenizer, readLlamaGguf } from './gguf-llama.ts';
import { readGguf } from '../formats/gguf.ts';
import { folderHasChatTemplate } from '../tokenizer/chat-template.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';

export type ModelFiles = { kind: 'folder' | 'llama2c' | 'gguf'; weights: string; config?: string; tokenizer?: string };

/** Work out which files make up the model at `path`. */
export function resolveModelFiles(path: string): ModelFiles {
  if (!existsSync(path)) throw new WrenError(`${path}: no such model file or folder`);
  if (statSync(path).isDirectory()) {
    const config = join(path, 'config.json'), weights = join(path, 'model.safetensors');
    if (!existsSync(config)) throw new WrenError(`${path}: model folder has no config.json`);
    if (!existsSync(weights)) throw new WrenError(`${path}: model folder has no model.safetensors`);
    const tokenizer = ['tokenizer.json', 'tokenizer.bin'].map((f) => join(path, f)).find((f) => existsSync(f));
    return { kind: 'folder', weights, config, tokenizer };
  }
  if (path.endsWith('.safetensors')) {
    const config = join(dirname(path), 'config.json');
    if (!existsSync(config)) throw new WrenError(`${path}: no config.json beside the safetensors file`);
    return { kind: 'folder', weights: path, config };
  }
  if (path.endsWith('.gguf')) return { kind: 'gguf', weights: path, tokenizer: path };
  return { kind: 'llama2c', weights: path };
}

export function readConfigFile(path: string): LlamaConfig {
  return parseLlamaConfig(readJsonFile(path), path);
}

/** `dequantize`: read a GGUF's Q8_0/Q4_0 matrices as float32 (for converting); by default they stay
 *  quantized in the arena and run the quantized kernels (gguf-quantized.ts). */
export type LoadOptions = { maxRows?: number; dequantize?: boolean };

/** Load the model at `path` onto `backend`. */
export function loadModel(path: string, backend: Backend, opts: LoadOptions = {}): { model: LlamaModel; files: ModelFiles } {
  const files = resolveModelFiles(path);
  if (files.kind === 'gguf' && !opts.dequantize) return { model: loadQuantizedGgufModel(files.weights, backend, opts.maxRows), files };
  if (files.kind === 'llama2c' || files.kind === 'gguf') {
    const ck = files.kind === 'gguf' ? readLlamaGguf(files.weights) : readLlama2cCheckpoint(files.weights);
    const model = new LlamaModel(ck.config, backend, opts.maxRows);
    for (const [name, data] of ck.tensors) model.params.view(name).set(data);
    return { model, files };
  }
  const config = readConfigFile(files.config!);
  const { tensors } = readSafetensors(files.weights);
  const model = new LlamaModel(config, backend, opts.maxRows);
  fromHfTensors(config, tensors, model.params, files.weights);
  return { model, files };
}

/** Write `model` as a complete HF folder (formats/hf-folder.ts): model.safetensors, config.json and
 *  generation_config.json, and with `folder.tokenizer` its tokenizer files, tokenizer_config.json and
 *  special_tokens_map.json (the chat template too when `folder.chat`). */
export function saveModel(dir: string, model: { config: LlamaConfig; params: ParameterBlock }, metadata: Record<string, string> = {}, folder: HfFolderOptions = {}, dtype: 'F32' | 'F16' = 'F32'): void {
  const missing = parameterTable(model.config).find(([name]) => !model.params.has(name));
  if (missing) throw new WrenError(`cannot save the model as float32: '${missing[0]}' is held quantized (load it with { dequantize: true })`);
  makeDir(dir);
  writeSafetensors(join(dir, 'model.safetensors'), toHfTensors(model.config, model.params), { format: 'pt', ...metadata }, dtype);
  if (folder.tokenizer) for (const [name, bytes] of hfTokenizerFiles(folder.tokenizer)) writeFileAtomic(join(dir, name), bytes);
  writeHfFolderMetadata(dir, model.config, folder, writeFileAtomic);
}

/** Load the tokenizer at `path` (see loadTokenizer) and check it belongs to a model of `config`. */
export function loadTokenizerFor(path: string, config: LlamaConfig): Tokenizer {
  const tokenizer = path.endsWith('.gguf') ? loadGgufTokenizer(path) : loadTokenizer(path);
  if (tokenizer.vocabSize !== config.vocab_size) {
    throw new WrenError(`${path}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${config.vocab_size}: they do not belong together`);
  }
  return tokenizer;
}

/** Whether the model has a chat template Wren renders: a folder's tokenizer_config.json, or a
 *  GGUF's tokenizer.chat_template (a llama2.c .bin has none). */
export function modelHasChatTemplate(files: ModelFiles): boolean {
  if (files.kind === 'folder') return folderHasChatTemplate(dirname(files.weights));
  if (files.kind === 'gguf') return ggufHasChatTemplate(readGguf(files.weights, { metadataOnly: true }), files.weights);
  return false;
}
