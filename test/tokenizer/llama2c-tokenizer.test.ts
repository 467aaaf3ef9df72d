// llama2.c tokenizer.bin: exact ids from llama2.c's own test.c, decode of stories260K's documented
// greedy output, a literal port of run.c's O(n²) merge loop as the oracle on real and fuzzed text,
// and bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Llama2cTokenizer, runcPrintable } from '../../src/tokenizer/llama2c-tokenizer.ts';
import { Utf8Stream, utf8Chunks } from '../../src/tokenizer/utf8-stream.ts';
import { WrenError } from '../../src/errors.ts';
import { sharedFile } from '../_helpers.ts';
import { mulberry32 } from '../../src/util/rng.ts';
import { randomUnicode } from './_data.ts';

const tok512 = sharedFile('llama2c-stories260K/tok512.bin');
const tok32k = sharedFile('tokenizers/llama2c-32k/tokenizer.bin');
const stories = sharedFile('tinystories/TinyStories-train_head2MiB.txt');

/** run.c's encode, transcribed loop for loop (string lookups, full rescan per merge). */
function runcEncode(t: Llama2cTokenizer, text: string, bos: boolean, eos: boolean): number[] {
  const bytes = new TextEncoder().encode(text);
  const key = (b: Uint8Array) => Buffer.from(b).toString('latin1');
  const lookup = new Map<string, number>();
  t.pieces.forEach((p, i) => lookup.set(key(p), lookup.get(key(p)) ?? i));
  const tokens: number[] = [];
  if (bos) tokens.push(1);
  if (bytes.length > 0 && bytes[0] !== 0) tokens.push(lookup.get(' ')!);
  let buf: number[] = [];
  for (let c = 0; c < bytes.length && bytes[c] !== 0; c++) {
    if ((bytes[c] & 0xc0) !== 0x80) buf = [];
    buf.push(bytes[c]);
    const nextByte = c + 1 < bytes.length ? bytes[c + 1] : 0;
    if ((nextByte & 0xc0) === 0x80 && buf.length < 4) continue;
    const id = lookup.get(key(Uint8Array.from(buf)));
    if (id !== undefined) tokens.push(id);
    else for (const b of buf) tokens.push(b + 3);
    buf = [];
  }
  for (;;) {
    let bestScore = -1e10, bestId = -1, bestIdx = -1;
    for (let i = 0; i < tokens.length - 1; i++) {
      const id = lookup.get(key(t.pieces[tokens[i]]) + key(t.pieces[tokens[i + 1]]));
      if (id !== undefined && t.scores[id] > bestScore) { bestScore = t.scores[id]; bestId = id; bestIdx = i; }
    }
    if (bestIdx === -1) break;
    tokens.splice(bestIdx, 2, bestId);
  }
  if (eos) tokens.push(2);
  return tokens;
}

test('llama2.c test.c prompt encodings (Llama 2 32k tokenizer)', { skip: tok32k.skip }, () => {
  const t = Llama2cTokenizer.load(tok32k.path, 32000);
  assert.equal(t.vocabSize, 32000);
  // expected ids from karpathy/llama2.c test.c (taken there from Meta's Python tokenizer)
  const cases: [string, number[]][] = [
    ['', [1]],
    ['I believe the meaning of life is', [1, 306, 4658, 278, 6593, 310, 2834, 338]],
    ['Simply put, the theory of relativity states that ', [1, 3439, 17632, 1925, 29892, 278, 6368, 310, 14215, 537, 5922, 393, 29871]],
    ['A brief message congratulating the team on the launch:\n\n        Hi everyone,\n\n        I just ', [1, 319, 11473, 2643, 378, 629, 271, 18099, 278, 3815, 373, 278, 6826, 29901, 13, 13, 4706, 6324, 14332, 29892, 13, 13, 4706, 306, 925, 29871]],
    ['Translate English to French:\n\n        sea otter => loutre de mer\n        peppermint => menthe poivrée\n        plush girafe => girafe peluche\n        cheese =>', [1, 4103, 9632, 4223, 304, 5176, 29901, 13, 13, 4706, 7205, 4932, 357, 1149, 301, 449, 276, 316, 2778, 13, 4706, 1236, 407, 837, 524, 1149, 6042, 354, 772, 440, 29878, 1318, 13, 4706, 715, 1878, 330, 3055, 1725, 1149, 330, 3055, 1725, 4639, 28754, 13, 4706, 923, 968, 1149]],
  ];
  for (const [text, ids] of cases) {
    assert.deepEqual(t.encode(text, { bos: true }), ids, JSON.stringify(text));
    assert.equal(t.decode(ids), text); // BOS strips the dummy-prefix space on decode
  }
  assert.deepEqual(t.encode('hi', { bos: true, eos: true }).at(-1), 2);
});

test('stories260K documented greedy ids decode to the documented text', { skip: tok512.skip }, () => {
  const t = Llama2cTokenizer.load(tok512.path);
  assert.equal(t.vocabSize, 512);
  const ids = [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298];
  const text = t.decode(ids);
  assert.ok('Once upon a time, there was a little girl named Lily.'.startsWith(text) && text.length > 20, text);
  // piece by piece, as run.c prints them
  let out = '';
  for (let i = 1; i < ids.length; i++) out += new TextDecoder().decode(t.decodePiece(ids[i - 1], ids[i]));
  assert.equal(out, text);
  assert.equal(new TextDecoder().decode(t.decodePiece(1, 403))[0], 'O'); // leading space stripped after BOS
  assert.equal(new TextDecoder().decode(t.decodePiece(2, 403))[0], ' ');
});

test('heap merge equals run.c transcription on TinyStories and fuzzed Unicode', { skip: tok512.skip || tok32k.skip || stories.skip }, () => {
  const text = readFileSync(stories.path, 'utf8').slice(0, 6000);
  const next = mulberry32(42);
  for (const path of [tok512.path, tok32k.path]) {
    const t = Llama2cTokenizer.load(path);
    const inputs = text.split('\n').filter(Boolean).slice(0, 30);
    for (let i = 0; i < 60; i++) inputs.push(randomUnicode(next, 40));
    inputs.push('a\0b', '\u{1F600}\u{1F600}x', 'ü\u0301');
    for (const s of inputs) {
      const ids = t.encode(s, { bos: true, eos: false });
      assert.deepEqual(ids, runcEncode(t, s, true, false), JSON.stringify(s));
      const cut = s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s;
      assert.equal(t.decode(ids), new TextDecoder().decode(new TextEncoder().encode(cut)), JSON.stringify(s));
    }
  }
});

test('byte-fallback pieces stream into whole UTF-8 characters', { skip: tok512.skip }, () => {
  const t = Llama2cTokenizer.load(tok512.path);
  const s = 'Ünïcødé 猫 \u{1F431}!';
  const ids = t.encode(s, { bos: true });
  assert.ok(ids.some((id) => id >= 3 && id < 259), 'tok512 lacks these characters, so byte fallback must appear');
  const pieces = ids.slice(1).map((id, i) => t.decodePiece(ids[i], id));
  const chunks = [...utf8Chunks(pieces)];
  assert.equal(chunks.join(''), s);
  for (const c of chunks) assert.ok(!c.includes('\uFFFD'), 'no chunk may split a character');
  const stream = new Utf8Stream();
  assert.equal(stream.push(Uint8Array.of(0xe7, 0x8c)), '');
  assert.equal(stream.push(Uint8Array.of(0xab)), '猫');
  assert.equal(stream.push(Uint8Array.of(0xe7)) + stream.flush(), '\uFFFD');
  // run.c's safe_printf drops lone non-printable bytes
  assert.equal(runcPrintable(Uint8Array.of(0x80)).length, 0);
  assert.equal(runcPrintable(Uint8Array.of(0x0a)).length, 1);
  assert.equal(runcPrintable(Uint8Array.of(0x41, 0x80)).length, 2);
});

test('bad tokenizer.bin files are clear WrenErrors', { skip: tok512.skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-tok-'));
  const good = readFileSync(tok512.path);
  const cases: [string, Uint8Array, RegExp, number?][] = [
    ['empty', new Uint8Array(0), /max_token_length/],
    ['truncated', good.subarray(0, good.length - 3), /token 511 .*length/],
    ['short-vocab', good, /file ends before .*expected 600 tokens/, 600],
    ['json', new TextEncoder().encode('{"model": {}}'), /max_token_length|token/],
  ];
  for (const [name, bytes, re, n] of cases) {
    const p = join(dir, `${name}.bin`);
    writeFileSync(p, bytes);
    assert.throws(() => Llama2cTokenizer.load(p, n), (e: unknown) => e instanceof WrenError && re.test(e.message) && e.message.includes(p), name);
  }
  assert.throws(() => Llama2cTokenizer.load(join(dir, 'missing.bin')), WrenError);
  const t = Llama2cTokenizer.load(tok512.path);
  assert.throws(() => t.decode([512]), /out of range/);
  assert.throws(() => t.decodePiece(1, -1), /out of range/);
});
