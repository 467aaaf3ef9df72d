// Loading a tokenizer by path for training (tokenizer.json, or llama2.c tokenizer.bin) and the
// sha256 that ties token shards and checkpoints to the exact tokenizer file they were made with.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';

export type TokenizerFile = { tokenizer: Tokenizer; path: string; sha256: string };

export function loadTokenizerFile(path: string): TokenizerFile {
  if (!existsSync(path)) throw new WrenError(`${path}: no such tokenizer file (expected tokenizer.json or a llama2.c tokenizer.bin)`);
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  const tokenizer: Tokenizer = loadTokenizer(path);
  return { tokenizer, path, sha256 };
}
