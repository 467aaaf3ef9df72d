// Load models and tokenizers from bytes instead of paths: what a browser has (fetch, File) and
// what a server that already holds the files hands over. The same readers as load.ts run on the
// bytes, so a model loads identically in Node and in a page. A model is
//   a folder: config.json + model.safetensors (+ tokenizer.json | tokenizer.bin)
//   a llama2.c checkpoint (.bin), whose tokenizer comes separately
//   a GGUF file (.gguf), its tokenizer inside; Q8_0/Q4_0 matrices stay quantized, as in load.ts.
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { parseGguf } from '../formats/gguf.ts';
import { parseLlama2cCheckpoint } from '../formats/llama2c.ts';
import { parseSafetensors } from '../formats/safetensors.ts';
import { parseTokenizer } from '../tokenizer/load-tokenizer.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { parseLlamaConfig, type LlamaConfig } from './config.ts';
import { ggufHasChatTemplate, ggufTokenizer } from './gguf-llama.ts';
import { loadQuantizedGgufModel } from './gguf-quantized.ts';
import { LlamaModel } from './llama.ts';

/** A model's files as bytes; the names are only for error messages. */
export type ModelBytes =
  | { kind: 'folder'; config: Uint8Array; configName?: string; weights: Uint8Array; weightsName?: string }
  | { kind: 'llama2c'; weights: Uint8Array; weightsName?: string }
  | { kind: 'gguf'; weights: Uint8Array; weightsName?: string };

/** A config.json from its bytes, checked as load.ts checks a file. */
export function parseConfigBytes(bytes: Uint8Array, source = 'config.json'): LlamaConfig {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new WrenError(`${source}: the file is empty (expected JSON)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new WrenError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  return parseLlamaConfig(raw, source);
}

/** Load a model from its files' bytes onto `backend`; `maxRows` as LlamaModel's constructor takes it. */
export function loadModelFromBytes(files: ModelBytes, backend: Backend, opts: { maxRows?: number } = {}): LlamaModel {
  if (files.kind === 'gguf') return loadQuantizedGgufModel(files.weights, backend, opts.maxRows, files.weightsName ?? 'model.gguf');
  if (files.kind === 'llama2c') {
    const ck = parseLlama2cCheckpoint(files.weights, files.weightsName ?? 'model.bin');
    const model = new LlamaModel(ck.config, backend, opts.maxRows);
    for (const [name, data] of ck.tensors) model.params.view(name).set(data);
    return model;
  }
  const weightsName = files.weightsName ?? 'model.safetensors';
  const config = parseConfigBytes(files.config, files.configName ?? 'config.json');
  const { tensors } = parseSafetensors(files.weights, weightsName);
  const model = new LlamaModel(config, backend, opts.maxRows);
  fromHfTensors(config, tensors, model.params, weightsName);
  return model;
}

/** A tokenizer from one file's bytes (tokenizer.json, tokenizer.bin, or the tokenizer inside a .gguf), checked against the model's vocabulary. */
export function parseTokenizerFor(name: string, bytes: Uint8Array, config: LlamaConfig): Tokenizer {
  const tokenizer = name.endsWith('.gguf') ? ggufTokenizer(parseGguf(bytes, name, { metadataOnly: true }), name) : parseTokenizer(name, bytes);
  if (tokenizer.vocabSize !== config.vocab_size) {
    throw new WrenError(`${name}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${config.vocab_size}: they do not belong together`);
  }
  return tokenizer;
}

/** Whether a GGUF file's bytes carry Wren's ChatML template (gguf-llama.ts: ggufHasChatTemplate). */
export function ggufBytesHaveChatTemplate(bytes: Uint8Array, name: string): boolean {
  return ggufHasChatTemplate(parseGguf(bytes, name, { metadataOnly: true }), name);
}
