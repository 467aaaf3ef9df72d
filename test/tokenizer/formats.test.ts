// tokenizer.json save/load (and loading Wren's file in @huggingface/tokenizers), GPT-2 files, and
// malformed inputs: each a WrenError naming the file and the field or line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { trainTokenizer } from '../../src/tokenizer/train-tokenizer.ts';
import { loadTokenizerJson, saveTokenizerJson, bpeSpecToJson } from '../../src/tokenizer/hf-tokenizer-json.ts';
import { loadGpt2Tokenizer } from '../../src/tokenizer/gpt2-files.ts';
import { WrenError } from '../../src/errors.ts';
import { preTokenize } from '../../src/tokenizer/pretokenizer.ts';
import { loadTokenizer } from '../../src/tokenizer/load-tokenizer.ts';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.ts';
import { sharedFile } from '../_helpers.ts';
import { mulberry32 } from '../../src/util/rng.ts';
import { randomUnicode } from './_data.ts';

const stories = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const EOT = '<|endoftext|>';
const dir = mkdtempSync(join(tmpdir(), 'wren-tokjson-'));

test('a tokenizer.json Wren writes reloads identically and encodes identically in @huggingface/tokenizers', { skip: stories.skip }, async () => {
  const text = readFileSync(stories.path, 'utf8').slice(0, 300_000);
  const { tokenizer } = await trainTokenizer([text], { vocabSize: 1000, specialTokens: [EOT, '<pad>'] });
  const path = join(dir, 'tokenizer.json');
  saveTokenizerJson(tokenizer, path);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temp file left behind');
  const again = loadTokenizerJson(path);
  assert.deepEqual(again.spec.merges, tokenizer.spec.merges);
  assert.deepEqual(again.spec.tokens, tokenizer.spec.tokens);
  assert.deepEqual(again.spec.specialTokens, tokenizer.spec.specialTokens);
  // newer HF files write merges as [left, right] pairs
  const pairsJson = JSON.parse(readFileSync(path, 'utf8'));
  pairsJson.model.merges = pairsJson.model.merges.map((m: string) => m.split(' '));
  const fromPairs = loadTokenizerJson(writeJson('pairs.json', pairsJson));
  assert.deepEqual(fromPairs.spec.merges, tokenizer.spec.merges);
  const hf = new HfTokenizer(JSON.parse(readFileSync(path, 'utf8')), {});
  const next = mulberry32(11);
  const inputs = [readFileSync(stories.path, 'utf8').slice(300_000, 400_000), `x${EOT}y<pad>`, ...Array.from({ length: 150 }, () => randomUnicode(next, 50))];
  for (const s of inputs) {
    const ids = again.encode(s);
    assert.deepEqual(ids, hf.encode(s, { add_special_tokens: false }).ids, JSON.stringify(s.slice(0, 60)));
    if (ids.length > 0) assert.equal(hf.decode(ids), s);
    else assert.equal(s, "");
  }
});

function writeJson(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

test('malformed tokenizer.json files are clear WrenErrors', async () => {
  const { tokenizer } = await trainTokenizer(['hello hello world'], { vocabSize: 260, specialTokens: [EOT] });
  const good = bpeSpecToJson(tokenizer.spec) as { model: Record<string, unknown>; [k: string]: unknown };
  const clone = () => JSON.parse(JSON.stringify(good));
  const cases: [string, unknown, RegExp][] = [
    ['not-json', '{"model": ', /not valid JSON/],
    ['array', [], /expected a JSON object/],
    ['no-model', { version: '1.0' }, /missing "model"/],
    ['wordpiece', { ...clone(), model: { ...clone().model, type: 'WordPiece' } }, /model\.type is "WordPiece"/],
    ['unknown-merge', (() => { const j = clone(); j.model.merges.push('Ġzz q'); return j; })(), /merges\[\d+\].*references token "Ġzz"/],
    ['merge-shape', (() => { const j = clone(); j.model.merges.push('a b c'); return j; })(), /merges\[\d+\]: expected a merge/],
    ['merge-not-in-vocab', (() => { const j = clone(); j.model.merges.push('h o'); return j; })(), /not in the vocabulary/],
    ['vocab-gap', (() => { const j = clone(); delete j.model.vocab.h; return j; })(), /no token with id/],
    ['vocab-id-type', (() => { const j = clone(); j.model.vocab.h = 'x'; return j; })(), /has id "x"/],
    ['not-byte-level', (() => { const j = clone(); const id = j.model.vocab.h; delete j.model.vocab.h; j.model.vocab['▁h'] = id; return j; })(), /not a byte-level string/],
    ['normalizer', { ...clone(), normalizer: { type: 'NFC' } }, /normalizer "NFC"/],
    ['pre-tokenizer', { ...clone(), pre_tokenizer: { type: 'Whitespace' } }, /unsupported pre_tokenizer/],
    ['bad-regex', { ...clone(), pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(?<!x' }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', use_regex: false }] } }, /not valid as a JavaScript regex/],
    ['added-tokens', { ...clone(), added_tokens: [{ id: 'zero' }] }, /added_tokens\[0\]/],
  ];
  for (const [name, value, re] of cases) {
    const p = writeJson(`${name}.json`, value);
    assert.throws(() => loadTokenizerJson(p), (e: unknown) => e instanceof WrenError && re.test(e.message) && e.message.includes(p), name);
  }
  assert.throws(() => loadTokenizerJson(join(dir, 'missing.json')), (e: unknown) => e instanceof WrenError && /cannot read/.test(e.message));
});

test('GPT-2 vocab.json / merges.txt: bad files name the file and line', () => {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[String.fromCharCode(b < 33 ? 256 + b : b)] = b; // ids only need to be unique here
  const v = writeJson('vocab-bad-alphabet.json', { ...vocab, 'a\u2581': 256 });
  const m = writeJson('merges.txt', '#version: 0.2\n');
  assert.throws(() => loadGpt2Tokenizer(v, m), /not a byte-level string/);
  const realVocab = sharedFile('tokenizers/gpt2/gpt2_vocab.json');
  if (realVocab.skip) return;
  const bad = writeJson('merges-unknown.txt', '#version: 0.2\nĠ t\nĠ zzzzqq\n');
  assert.throws(() => loadGpt2Tokenizer(realVocab.path, bad), (e: unknown) => e instanceof WrenError && e.message.includes(`${bad}:3`) && /zzzzqq/.test(e.message));
  const shape = writeJson('merges-shape.txt', 'Ġt\n');
  assert.throws(() => loadGpt2Tokenizer(realVocab.path, shape), (e: unknown) => e instanceof WrenError && e.message.includes(`${shape}:1`));
  assert.throws(() => loadGpt2Tokenizer(writeJson('v.json', '[1,2'), m), /not valid JSON/);
  assert.ok(existsSync(realVocab.path));
});

test('a custom Split regex: no hang on empty matches, text between matches is kept (HF Isolated)', async () => {
  const { tokenizer } = await trainTokenizer(['ab ab ab'], { vocabSize: 258, preTokenizer: { name: 'custom', pattern: '\\w*', jsSource: '\\w*' } });
  const json = bpeSpecToJson(tokenizer.spec) as { pre_tokenizer: { type: string } };
  assert.equal(json.pre_tokenizer.type, 'Sequence');
  const again = loadTokenizerJson(writeJson('custom.json', json));
  const s = 'ab, ab \u{1F600}!';
  const ids = again.encode(s);
  assert.equal(again.decode(ids), s);
  assert.deepEqual(preTokenize(s, new RegExp('\\w*', 'gu')), ['ab', ',', ' ', 'ab', ' ', '\u{1F600}', '!']);
});

test('loadTokenizer picks the reader from the path', async () => {
  const gpt2Dir = sharedFile('tokenizers/gpt2/gpt2_vocab.json');
  const tok512 = sharedFile('llama2c-stories260K/tok512.bin');
  if (!gpt2Dir.skip) assert.equal(loadTokenizer(gpt2Dir.path.replace(/gpt2_vocab\.json$/, '')).vocabSize, 50257);
  if (!tok512.skip) assert.ok(loadTokenizer(tok512.path) instanceof Llama2cTokenizer);
  const { tokenizer } = await trainTokenizer(['one two three'], { vocabSize: 258 });
  const p = join(dir, 'picked.json');
  saveTokenizerJson(tokenizer, p);
  assert.deepEqual(loadTokenizer(p).encode('one two'), tokenizer.encode('one two'));
  assert.throws(() => loadTokenizer(join(dir, 'nope.json')), /not found/);
  assert.throws(() => loadTokenizer(writeJson('weird.txt', 'x')), /unknown tokenizer file/);
  assert.throws(() => loadTokenizer(mkdtempSync(join(tmpdir(), 'wren-empty-'))), /without tokenizer.json/);
});
