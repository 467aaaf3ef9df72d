// Open any tokenizer file Wren reads, picking the reader by what the path is:
//   *.json                          HF tokenizer.json (byte-level BPE)
//   *.bin                           llama2.c tokenizer.bin
//   a folder with vocab.json + merges.txt (or gpt2_vocab.json + gpt2_merges.txt): GPT-2 files
// parseTokenizer does the same for one file's bytes (fetched, or a File in a browser).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import { loadGpt2Tokenizer } from './gpt2-files.ts';
import { loadTokenizerJson, parseTokenizerJson } from './hf-tokenizer-json.ts';
import { Llama2cTokenizer } from './llama2c-tokenizer.ts';
import type { Tokenizer } from './tokenizer.ts';

export function loadTokenizer(path: string): Tokenizer {
  if (!existsSync(path)) throw new WrenError(`tokenizer not found: '${path}'`);
  if (statSync(path).isDirectory()) {
    for (const [v, m] of [['vocab.json', 'merges.txt'], ['gpt2_vocab.json', 'gpt2_merges.txt']]) {
      if (existsSync(join(path, v)) && existsSync(join(path, m))) return loadGpt2Tokenizer(join(path, v), join(path, m));
    }
    if (existsSync(join(path, 'tokenizer.json'))) return loadTokenizerJson(join(path, 'tokenizer.json'));
    throw new WrenError(`'${path}' is a folder without tokenizer.json or vocab.json + merges.txt`);
  }
  if (path.endsWith('.json')) return loadTokenizerJson(path);
  if (path.endsWith('.bin')) return Llama2cTokenizer.load(path);
  throw new WrenError(`'${path}': unknown tokenizer file; expected tokenizer.json, a llama2.c .bin, or a GPT-2 folder`);
}

/** A tokenizer from one file's bytes, picked by its name: `tokenizer.json` or a llama2.c `.bin`. */
export function parseTokenizer(name: string, bytes: Uint8Array): Tokenizer {
  if (name.endsWith('.json')) return parseTokenizerJson(new TextDecoder().decode(bytes), name);
  if (name.endsWith('.bin')) return Llama2cTokenizer.fromBytes(bytes, undefined, name);
  throw new WrenError(`'${name}': unknown tokenizer file; expected tokenizer.json or a llama2.c tokenizer .bin`);
}
