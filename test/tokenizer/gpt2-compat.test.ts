// GPT-2 byte-level BPE against @huggingface/tokenizers (pure JS, written by HF): same ids on
// TinyStories, the cs336 round-trip inputs and a seeded Unicode fuzz set; exact round trips;
// special-token modes; batch encoding across threads equals single-threaded encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { loadGpt2Tokenizer } from '../../src/tokenizer/gpt2-files.ts';
import { bpeSpecToJson } from '../../src/tokenizer/hf-tokenizer-json.ts';
import { BpeEncoderPool, encodeBatch } from '../../src/tokenizer/batch-encode.ts';
import type { BpeTokenizer } from '../../src/tokenizer/bpe-tokenizer.ts';
import { splitAtPreTokenBoundaries } from '../../src/tokenizer/pretoken-count.ts';
import { WrenError } from '../../src/errors.ts';
import { sharedFile } from '../_helpers.ts';
import { mulberry32 } from '../../src/util/rng.ts';
import { randomUnicode } from './_data.ts';

const vocab = sharedFile('tokenizers/gpt2/gpt2_vocab.json');
const merges = sharedFile('tokenizers/gpt2/gpt2_merges.txt');
const stories = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const fixtures = sharedFile('tokenizers/cs336-bpe-fixtures/address.txt');
const skip = vocab.skip || merges.skip || stories.skip || fixtures.skip;

let cached: { wren: BpeTokenizer; hf: HfTokenizer } | undefined;
function load() {
  if (!cached) {
    const wren = loadGpt2Tokenizer(vocab.path, merges.path);
    const hf = new HfTokenizer(bpeSpecToJson(wren.spec) as never, {} as never);
    cached = { wren, hf };
  }
  return cached;
}
const hfIds = (hf: HfTokenizer, text: string) => hf.encode(text, { add_special_tokens: false }).ids;

test('GPT-2: same ids as @huggingface/tokenizers on the 2 MiB TinyStories sample', { skip }, () => {
  const { wren, hf } = load();
  const text = readFileSync(stories.path, 'utf8');
  const ids = wren.encode(text);
  assert.ok(ids.length > 400_000);
  assert.deepEqual(ids, hfIds(hf, text));
  assert.ok(ids.includes(50256), '<|endoftext|> separators encode as the special id');
  assert.equal(wren.decode(ids), text);
  assert.equal(wren.vocabSize, 50257);
  assert.equal(wren.eosId, 50256);
});

test('GPT-2: cs336 round-trip inputs and a seeded Unicode fuzz set match HF and round-trip', { skip }, () => {
  const { wren, hf } = load();
  const dir = fixtures.path.replace(/address\.txt$/, '');
  const inputs = ['address.txt', 'german.txt', 'special_token_trailing_newlines.txt', 'special_token_double_newlines_non_whitespace.txt', 'corpus.en']
    .map((f) => readFileSync(dir + f, 'utf8'));
  const next = mulberry32(20240601);
  for (let i = 0; i < 400; i++) inputs.push(randomUnicode(next, 60));
  inputs.push('', ' ', '\n\n\n', "I'm   don't  'LL  x\u00a0\u3000y", '12345 6789', '<|endoftext|><|endoftext|>', '<|endoftext', 'a<|endoftext|>b');
  for (const s of inputs) {
    const ids = wren.encode(s);
    assert.deepEqual(ids, hfIds(hf, s), JSON.stringify(s.slice(0, 80)));
    assert.equal(wren.decode(ids), s);
  }
});

test('any byte string round-trips, including invalid UTF-8', { skip }, () => {
  const { wren } = load();
  const next = mulberry32(7);
  for (let i = 0; i < 200; i++) {
    const bytes = Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256));
    assert.deepEqual(wren.decodeBytes(wren.encodeBytes(bytes)), bytes);
  }
  const valid = new TextEncoder().encode('héllo wörld');
  assert.deepEqual(wren.encodeBytes(valid), wren.encode('héllo wörld'));
});

test('special tokens: allowed, disallowed, as text', { skip }, () => {
  const { wren } = load();
  const s = 'end.<|endoftext|>Next';
  const allowed = wren.encode(s);
  assert.equal(allowed.filter((id) => id === 50256).length, 1);
  assert.throws(() => wren.encode(s, { special: 'disallowed' }), (e: unknown) => e instanceof WrenError && /<\|endoftext\|>/.test(e.message));
  assert.deepEqual(wren.encode('plain', { special: 'disallowed' }), wren.encode('plain'));
  const asText = wren.encode(s, { special: 'text' });
  assert.ok(!asText.includes(50256));
  assert.equal(wren.decode(asText), s);
  assert.deepEqual(wren.encode('hi', { bos: true, eos: true }), [50256, ...wren.encode('hi'), 50256]);
  assert.throws(() => wren.decode([50257]), /out of range/);
});

test('batch and parallel encode equal single-threaded encode', { skip }, async () => {
  const { wren } = load();
  const text = readFileSync(stories.path, 'utf8').slice(0, 300_000);
  const pool = await BpeEncoderPool.create(wren, 2);
  try {
    assert.deepEqual([...(await pool.encode(text))], wren.encode(text));
    assert.deepEqual([...(await pool.encode(text, { special: 'text', eos: true }))], wren.encode(text, { special: 'text', eos: true }));
    const docs = text.split('<|endoftext|>').slice(0, 50);
    const batch = await pool.encodeBatch(docs);
    docs.forEach((d, i) => assert.deepEqual([...batch[i]], wren.encode(d)));
    await assert.rejects(pool.encodeBatch(['x<|endoftext|>'], { special: 'disallowed' }), WrenError);
  } finally {
    await pool.close();
  }
  // any number of cuts: encoding the chunks one by one gives the whole text's ids
  for (const special of ['allowed', 'text'] as const) {
    const chunks = splitAtPreTokenBoundaries(text, 200, special === 'text' ? [] : ['<|endoftext|>']);
    assert.ok(chunks.length > 150);
    assert.deepEqual(chunks.flatMap((c) => wren.encode(c, { special })), wren.encode(text, { special }));
  }
  const one = await encodeBatch(wren, ['a b', 'c'], 1);
  assert.deepEqual(one.map((a) => [...a]), [wren.encode('a b'), wren.encode('c')]);
});

test('overlapping special tokens: the longest wins, as in HF', { skip }, async () => {
  const { trainTokenizer } = await import('../../src/tokenizer/train-tokenizer.ts');
  const { tokenizer } = await trainTokenizer(['hello there'], { vocabSize: 260, specialTokens: ['<|end|>', '<|end|><|end|>'] });
  const hf = new HfTokenizer(bpeSpecToJson(tokenizer.spec) as never, {} as never);
  for (const s of ['a<|end|><|end|><|end|>b', '<|end|>x<|end|><|end|>']) {
    assert.deepEqual(tokenizer.encode(s), hfIds(hf, s), s);
    assert.equal(tokenizer.decode(tokenizer.encode(s)), s);
  }
  assert.deepEqual(tokenizer.encode('<|end|><|end|>'), [1]);
});
