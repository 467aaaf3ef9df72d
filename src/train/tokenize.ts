// Corpus → token shards (`wren tokenize`): documents from plain text (separated by lines or text
// `<|endoftext|>`, as in the TinyStories files) or JSONL (`text` field), each encoded as
// [BOS] tokens [EOS], split into train and val by document with a seeded draw, written as shards
// (format in shards.ts) of at most `shardTokens` tokens. A folder holds shards when it has an
// index.json: shards are written under temporary names, renamed into place only once all are
// done, and index.json comes last, so a killed run leaves no index and a rerun starts over (its
// debris is cleared). Shards already there (an index.json) are replaced only with `force`.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readLines } from '../util/read-lines.ts';
import { WrenError } from '../errors.ts';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { INDEX_FORMAT, SHARD_VERSION, TokenShardWriter, type ShardEntry, type ShardIndex } from './shards.ts';
import { SeededRng } from '../util/rng.ts';
import { loadTokenizerFile } from './tokenizer-file.ts';

export const DOCUMENT_SEPARATOR = '<|endoftext|>';

export type TokenizeOptions = {
  tokenizer: string;            // path of tokenizer.json or tokenizer.bin
  inputs: string[];             // .txt / .jsonl files
  out: string;                  // folder for shards + index.json
  valFraction?: number;         // share of documents held out (default 0.05)
  seed?: number;
  shardTokens?: number;         // tokens per shard file (default 2^26)
  force?: boolean;              // replace the shards a folder already holds
  onProgress?: (p: { documents: number; tokens: number; file: string }) => void;
};

const SHARD_FILE = /^(train|val)-\d{5}\.bin$/, TEMP_FILE = /^\.(train|val)-\d{5}\.bin\.tmp-\d+$/;

/** Documents of one input file, in order. */
export async function* readDocuments(path: string): AsyncGenerator<string> {
  if (!existsSync(path)) throw new WrenError(`${path}: no such input file`);
  if (statSync(path).size === 0) throw new WrenError(`${path}: the file is empty`);
  const jsonl = path.endsWith('.jsonl') || path.endsWith('.json');
  const lines = readLines(path);
  let lineNo = 0, doc: string[] = [];
  for await (const line of lines) {
    lineNo++;
    if (jsonl) {
      if (line.trim() === '') continue;
      let rec: unknown;
      try { rec = JSON.parse(line); } catch { throw new WrenError(`${path}:${lineNo}: not valid JSON (expected one object with a 'text' field per line)`); }
      const text = (rec as { text?: unknown })?.text;
      if (typeof text !== 'string') throw new WrenError(`${path}:${lineNo}: expected an object with a string 'text' field`);
      if (text.trim()) yield text;
      continue;
    }
    const parts = line.split(DOCUMENT_SEPARATOR);
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) {
        const text = doc.join('\n').trim();
        if (text) yield text;
        doc = [];
      }
      if (parts[i] !== '' || parts.length === 1) doc.push(parts[i]);
    }
  }
  const text = doc.join('\n').trim();
  if (text) yield text;
}

/** Tokenize `inputs` into shards under `out`; returns the index written. */
export async function tokenizeToShards(o: TokenizeOptions): Promise<ShardIndex> {
  const valFraction = o.valFraction ?? 0.05, shardTokens = o.shardTokens ?? 1 << 26;
  if (!(valFraction >= 0 && valFraction < 1)) throw new WrenError(`val fraction must be in [0, 1), got ${valFraction}`);
  if (o.inputs.length === 0) throw new WrenError('no input files');
  const tf = loadTokenizerFile(o.tokenizer), tok = tf.tokenizer;
  const bytesPerToken: 2 | 4 = tok.vocabSize <= 65536 ? 2 : 4;
  if (existsSync(join(o.out, 'index.json')) && !o.force) {
    throw new WrenError(`--out ${o.out} already holds token shards (index.json); pass --force to replace them, or choose another folder`);
  }
  const created = !existsSync(o.out);
  makeDir(o.out);
  for (const name of readdirSync(o.out)) if (TEMP_FILE.test(name)) rmSync(join(o.out, name)); // a killed run's
  // a run that fails before it writes anything leaves no folder it made itself
  const dropIfMadeEmpty = () => { if (created && readdirSync(o.out).length === 0) rmSync(o.out, { recursive: true, force: true }); };
  const rng = new SeededRng(o.seed ?? 1234);
  const enc = new TextEncoder();
  type Split = { name: 'train' | 'val'; shards: ShardEntry[]; writer: TokenShardWriter | null; docs: number; bytes: number };
  const splits: Record<'train' | 'val', Split> = {
    train: { name: 'train', shards: [], writer: null, docs: 0, bytes: 0 },
    val: { name: 'val', shards: [], writer: null, docs: 0, bytes: 0 },
  };
  const tmpName = (s: Split) => join(o.out, `.${s.name}-${String(s.shards.length).padStart(5, '0')}.bin.tmp-${process.pid}`);
  const close = (s: Split) => {
    if (!s.writer) return;
    s.writer.finish();
    const file = `${s.name}-${String(s.shards.length).padStart(5, '0')}.bin`;
    s.shards.push({ file, tokens: s.writer.count, documents: s.docs });
    s.writer = null;
    s.docs = 0;
  };
  let documents = 0, tokens = 0;
  const write = (s: Split, text: string) => {
    const ids = tok.encode(text, { special: 'text' });
    if (tok.bosId !== undefined) ids.unshift(tok.bosId);
    if (tok.eosId !== undefined && tok.eosId !== tok.bosId) ids.push(tok.eosId);
    if (s.writer && s.writer.count + ids.length > shardTokens && s.writer.count > 0) close(s);
    if (!s.writer) s.writer = new TokenShardWriter(tmpName(s), bytesPerToken);
    s.writer.append(ids);
    s.docs++;
    s.bytes += enc.encode(text).length;
    tokens += ids.length;
  };
  try {
    for (const file of o.inputs) {
      for await (const text of readDocuments(file)) {
        documents++;
        // A seeded draw per document; the first document always trains and the second is held
        // out when nothing was drawn for val yet, so any corpus of two or more has both splits.
        const u = rng.uniform();
        const toVal = valFraction > 0 && documents > 1 && (u < valFraction || (documents === 2 && splits.val.docs === 0));
        write(toVal ? splits.val : splits.train, text);
        if (documents % 1000 === 0) o.onProgress?.({ documents, tokens, file });
      }
    }
    close(splits.train);
    close(splits.val);
  } catch (err) {
    for (const s of Object.values(splits)) if (s.writer) s.writer.abort();
    for (const name of readdirSync(o.out)) if (TEMP_FILE.test(name)) rmSync(join(o.out, name), { force: true });
    dropIfMadeEmpty();
    throw err;
  }
  if (documents === 0) { dropIfMadeEmpty(); throw new WrenError(`no documents found in ${o.inputs.join(', ')}`); }
  // Into place: the old index goes first (from here until the new one is written the folder is
  // incomplete, never a mix that looks whole), then the shards, then shards the new index lacks.
  rmSync(join(o.out, 'index.json'), { force: true });
  const files = new Set<string>();
  for (const sp of Object.values(splits)) {
    sp.shards.forEach((e, i) => {
      renameSync(join(o.out, `.${sp.name}-${String(i).padStart(5, '0')}.bin.tmp-${process.pid}`), join(o.out, e.file));
      files.add(e.file);
    });
  }
  for (const name of readdirSync(o.out)) if (SHARD_FILE.test(name) && !files.has(name)) rmSync(join(o.out, name));
  const index: ShardIndex = {
    format: INDEX_FORMAT, version: SHARD_VERSION,
    tokenizer: { file: basename(tf.path), sha256: tf.sha256, vocab_size: tok.vocabSize },
    bytes_per_token: bytesPerToken, bos_id: tok.bosId ?? null, eos_id: tok.eosId ?? null,
    source_bytes: { train: splits.train.bytes, val: splits.val.bytes },
    train: splits.train.shards, val: splits.val.shards,
  };
  writeFileAtomic(join(o.out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  o.onProgress?.({ documents, tokens, file: '' });
  return index;
}
