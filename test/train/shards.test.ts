// Token shards and the loader: the documented header, JSONL and separator-split input, the
// by-document val split, seeded window sampling, streaming reads, and malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizeToShards, readDocuments } from '../../src/train/tokenize.ts';
import { readShardIndex, TokenShardReader, SHARD_HEADER_BYTES } from '../../src/train/shards.ts';
import { TokenWindowLoader } from '../../src/train/loader.ts';
import { SeededRng } from '../../src/util/rng.ts';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';

const tok = sharedFile('llama2c-stories260K/tok512.bin');

test('documents: <|endoftext|> separators (own line or inline) and JSONL text, bad JSONL names the line', async () => {
  const dir = scratchDir();
  writeFileSync(join(dir, 'a.txt'), 'One day.\nA cat.\n<|endoftext|>\nSecond story.<|endoftext|>Third\n\n');
  const docs: string[] = [];
  for await (const d of readDocuments(join(dir, 'a.txt'))) docs.push(d);
  assert.deepEqual(docs, ['One day.\nA cat.', 'Second story.', 'Third']);
  writeFileSync(join(dir, 'b.jsonl'), '{"text":"x y"}\n\n{"text":"z","id":3}\n');
  const j: string[] = [];
  for await (const d of readDocuments(join(dir, 'b.jsonl'))) j.push(d);
  assert.deepEqual(j, ['x y', 'z']);
  writeFileSync(join(dir, 'c.jsonl'), '{"text":"ok"}\n{"txt":"no"}\n');
  await assert.rejects(async () => { for await (const _ of readDocuments(join(dir, 'c.jsonl'))) { /* drain */ } }, /c\.jsonl:2: expected an object with a string 'text' field/);
});

test('shards: header, index, val split by document, exact tokens, seeded windows', { skip: tok.skip }, async () => {
  const dir = scratchDir(), inp = join(dir, 'in.txt');
  const stories = Array.from({ length: 40 }, (_, i) => `Once upon a time there was a dog number ${i}. It was happy.`);
  writeFileSync(inp, stories.join('\n<|endoftext|>\n'));
  const index = await tokenizeToShards({ tokenizer: tok.path, inputs: [inp], out: join(dir, 'out'), valFraction: 0.25, seed: 5, shardTokens: 300 });
  const t = Llama2cTokenizer.load(tok.path);
  const docs = (s: typeof index.train) => s.reduce((a, e) => a + e.documents, 0);
  assert.equal(docs(index.train) + docs(index.val), 40);
  assert.ok(docs(index.val) >= 4 && docs(index.val) <= 18, `val documents ${docs(index.val)}`);
  assert.ok(index.train.length > 1, 'shardTokens splits the train split into several files');
  assert.equal(index.bytes_per_token, 2);
  const raw = readFileSync(join(dir, 'out', index.train[0].file));
  assert.equal(raw.subarray(0, 8).toString('latin1'), 'WRENTOK1');
  assert.equal(raw.readUInt32LE(8), 1);
  assert.equal(raw.readUInt32LE(12), 2);
  assert.equal(Number(raw.readBigUInt64LE(16)), index.train[0].tokens);
  // every document is [BOS] tokens [EOS]; the first training document is the first story
  const first = [1, ...t.encode(stories[0]), 2];
  const r = new TokenShardReader(join(dir, 'out', index.train[0].file)), got = new Int32Array(first.length);
  r.read(0, first.length, got);
  assert.deepEqual([...got], first);
  r.close();
  // same seed, same windows; a window is a real stretch of the shards
  const idx = readShardIndex(join(dir, 'out'));
  const a = new TokenWindowLoader(join(dir, 'out'), idx, 'train', 16), b = new TokenWindowLoader(join(dir, 'out'), idx, 'train', 16);
  const wa = new Int32Array(4 * 17), wb = new Int32Array(4 * 17);
  a.sample(new SeededRng(9), 4, wa);
  b.sample(new SeededRng(9), 4, wb);
  assert.deepEqual(wa, wb);
  const wc = new Int32Array(4 * 17);
  b.sample(new SeededRng(10), 4, wc);
  assert.notDeepEqual(wa, wc);
  a.close(); b.close();
});

test('shards: bad magic, truncation, too-short split and missing index are clear errors', { skip: tok.skip }, async () => {
  const dir = scratchDir(), inp = join(dir, 'in.txt');
  writeFileSync(inp, 'A short story.<|endoftext|>Another one.');
  const index = await tokenizeToShards({ tokenizer: tok.path, inputs: [inp], out: join(dir, 'out'), valFraction: 0.5 });
  const shard = join(dir, 'out', index.train[0].file);
  assert.throws(() => new TokenWindowLoader(join(dir, 'out'), index, 'train', 512), /too few for one window of 513/);
  truncateSync(shard, SHARD_HEADER_BYTES + 3);
  assert.throws(() => new TokenShardReader(shard), /header says \d+ tokens .* but the file has 35 bytes \(truncated\?\)/);
  writeFileSync(shard, Buffer.alloc(64));
  assert.throws(() => new TokenShardReader(shard), /not a Wren token shard \(expected magic WRENTOK1\)/);
  assert.throws(() => readShardIndex(dir), /no index\.json; make token shards with 'wren tokenize/);
  await assert.rejects(tokenizeToShards({ tokenizer: tok.path, inputs: [join(dir, 'nope.txt')], out: join(dir, 'o2') }), /nope\.txt: no such input file/);
  await assert.rejects(tokenizeToShards({ tokenizer: join(dir, 'nope.bin'), inputs: [inp], out: join(dir, 'o3') }), /no such tokenizer file/);
});
