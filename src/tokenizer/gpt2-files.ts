// GPT-2's original tokenizer files.
//   vocab.json  — {"<byte-level string>": id, ...}; 50,257 entries for GPT-2 itself
//   merges.txt  — optional first line "#version: ...", then one merge per line: "<left> <right>"
//                 (byte-level strings, which never contain a space), highest priority first
// Byte-level strings spell bytes with GPT-2's printable alphabet (see byte-level.ts).
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { byteLevelToBytes } from './byte-level.ts';
import { BpeTokenizer, type BpeSpec } from './bpe-tokenizer.ts';
import { PRE_TOKENIZERS } from './pretokenizer.ts';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new WrenError(`cannot read ${what} '${path}': ${(err as Error).message}`);
  }
}

/** Token strings by id from a {token: id} object; checks ids are 0..n-1 without gaps or repeats. */
export function vocabById(vocab: unknown, where: string): string[] {
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) throw new WrenError(`${where}: expected an object {token: id}`);
  const byId: string[] = [];
  for (const [tok, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new WrenError(`${where}: token ${JSON.stringify(tok)} has id ${JSON.stringify(id)}; expected a non-negative integer`);
    if (byId[id as number] !== undefined) throw new WrenError(`${where}: id ${id} is used by both ${JSON.stringify(byId[id as number])} and ${JSON.stringify(tok)}`);
    byId[id as number] = tok;
  }
  return byId;
}

/** Parse merge lines ("a b") against a vocabulary; `where(i)` names the line for errors. */
export function parseMerges(lines: (string | [string, string])[], ids: Map<string, number>, where: (i: number) => string): [number, number][] {
  return lines.map((line, i) => {
    const parts = typeof line === 'string' ? line.split(' ') : line;
    if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') {
      throw new WrenError(`${where(i)}: expected a merge "left right", got ${JSON.stringify(line)}`);
    }
    const [a, b] = parts.map((p) => ids.get(p));
    if (a === undefined || b === undefined) {
      throw new WrenError(`${where(i)}: merge ${JSON.stringify(line)} references token ${JSON.stringify(a === undefined ? parts[0] : parts[1])}, which is not in the vocabulary`);
    }
    return [a, b];
  });
}

/** Load GPT-2 vocab.json + merges.txt. `specials` present in the vocab become special tokens. */
export function loadGpt2Tokenizer(vocabPath: string, mergesPath: string, specials: string[] = ['<|endoftext|>']): BpeTokenizer {
  let vocab: unknown;
  try {
    vocab = JSON.parse(readText(vocabPath, 'GPT-2 vocab.json'));
  } catch (err) {
    if (err instanceof WrenError) throw err;
    throw new WrenError(`${vocabPath}: not valid JSON (${(err as Error).message})`);
  }
  const strings = vocabById(vocab, vocabPath);
  const ids = new Map(strings.map((s, i) => [s, i]));
  const tokens = strings.map((s, id) => {
    const bytes = s === undefined ? undefined : byteLevelToBytes(s);
    if (bytes === undefined) {
      if (s !== undefined && specials.includes(s)) return new TextEncoder().encode(s);
      throw new WrenError(`${vocabPath}: id ${id} ${s === undefined ? 'is missing' : `token ${JSON.stringify(s)} is not a byte-level string`}`);
    }
    return bytes;
  });
  const lines = readText(mergesPath, 'GPT-2 merges.txt').split(/\r?\n/);
  const first = lines[0]?.startsWith('#version') ? 1 : 0;
  const mergeLines = lines.slice(first).filter((l) => l !== '');
  const merges = parseMerges(mergeLines, ids, (i) => `${mergesPath}:${i + first + 1}`);
  const spec: BpeSpec = {
    tokens,
    merges,
    specialTokens: specials.filter((s) => ids.has(s)).map((content) => ({ content, id: ids.get(content)! })),
    preTokenizer: PRE_TOKENIZERS.gpt2,
  };
  return new BpeTokenizer(spec, vocabPath);
}
