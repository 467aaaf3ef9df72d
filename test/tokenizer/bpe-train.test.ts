// BPE training: the cs336 reference vector exactly, both tie rules, min frequency, special
// tokens, parallel counting, the Llama-3 pre-tokenizer, and bad options / empty corpora.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { trainTokenizer, trainTokenizerFromFiles, countPreTokensParallel } from '../../src/tokenizer/train-tokenizer.ts';
import { readTextPieces } from '../../src/tokenizer/text-pieces.ts';
import { trainBpeFromCounts } from '../../src/tokenizer/bpe-trainer.ts';
import { countPreTokens, splitAtPreTokenBoundaries } from '../../src/tokenizer/pretoken-count.ts';
import { PRE_TOKENIZERS } from '../../src/tokenizer/pretokenizer.ts';
import { bpeSpecToJson } from '../../src/tokenizer/hf-tokenizer-json.ts';
import { BYTES_IN_ALPHABET_ORDER } from '../../src/tokenizer/byte-level.ts';
import { WrenError } from '../../src/errors.ts';
import { sharedFile } from '../_helpers.ts';
import { mulberry32 } from '../../src/util/rng.ts';
import { randomUnicode } from './_data.ts';

const cs336 = sharedFile('tokenizers/cs336-bpe-fixtures/corpus.en');
const stories = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const EOT = '<|endoftext|>';

test('cs336 reference: vocab 500 on corpus.en gives the reference merges (in order) and vocabulary', { skip: cs336.skip }, async () => {
  const dir = cs336.path.replace(/corpus\.en$/, '');
  const { tokenizer, stoppedEarly } = await trainTokenizer([readFileSync(cs336.path, 'utf8')], { vocabSize: 500, specialTokens: [EOT] });
  assert.equal(stoppedEarly, false);
  const json = bpeSpecToJson(tokenizer.spec) as { model: { merges: string[]; vocab: Record<string, number> } };
  const refMerges = readFileSync(dir + 'train-bpe-reference-merges.txt', 'utf8').split('\n').filter((l) => l !== '');
  const refVocab = JSON.parse(readFileSync(dir + 'train-bpe-reference-vocab.json', 'utf8')) as Record<string, number>;
  assert.equal(refMerges.length, 243);
  assert.deepEqual(json.model.merges, refMerges);
  assert.deepEqual(json.model.vocab, refVocab); // same strings with the same ids
  assert.equal(tokenizer.vocabSize, 500);
});

test('tie rules: lexGreater picks the greater byte pair, lowestIds the smallest ids', () => {
  // every pair occurs once; ' ' is byte-level 'Ġ' (U+0120), so its id sorts after 'a'..'z'
  const counts = new Map([['ab', 1], [' cd', 1]]);
  const lex = trainBpeFromCounts(counts, { vocabSize: 257 });
  const low = trainBpeFromCounts(counts, { vocabSize: 257, tieBreak: 'lowestIds' });
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assert.equal(text(lex.spec.tokens[256]), 'cd');   // 'c' > 'a' > ' '
  assert.equal(text(low.spec.tokens[256]), 'ab');   // id('a') < id('c') < id(' ')
  // a count difference beats either tie rule
  const more = trainBpeFromCounts(new Map([['ab', 1], [' cd', 1], ['zz', 5]]), { vocabSize: 257, tieBreak: 'lowestIds' });
  assert.equal(text(more.spec.tokens[256]), 'zz');
});

test('min frequency stops training early; counts weight words', () => {
  const counts = new Map([['hello', 3], ['help', 1]]);
  const r = trainBpeFromCounts(counts, { vocabSize: 300, minFrequency: 4 });
  // 'he', 'el' occur 4 times (3 + 1), and 'h' > 'e' breaks the tie; then 'hel' 4 times; the rest < 4
  assert.equal(r.stoppedEarly, true);
  assert.deepEqual(r.spec.merges.map(([a, b]) => new TextDecoder().decode(Uint8Array.from([...r.spec.tokens[a], ...r.spec.tokens[b]]))), ['he', 'hel']);
  const all = trainBpeFromCounts(counts, { vocabSize: 300 });
  assert.equal(all.stoppedEarly, true); // runs out of pairs before 300
  assert.ok(all.spec.tokens.some((t) => new TextDecoder().decode(t) === 'hello'));
});

test('special tokens are never split or merged and get ids 0..k-1', async () => {
  const text = Array.from({ length: 200 }, (_, i) => `story ${i % 7} ends here.${EOT}<pad>`).join('\n');
  const { tokenizer } = await trainTokenizer([text], { vocabSize: 300, specialTokens: [EOT, '<pad>'] });
  assert.equal(tokenizer.specialTokens.get(EOT), 0);
  assert.equal(tokenizer.specialTokens.get('<pad>'), 1);
  for (const t of tokenizer.spec.tokens.slice(2)) {
    const s = new TextDecoder().decode(t);
    assert.ok(!s.includes('<|') && !s.includes('|>') && !s.includes('<pad'), `merge learned across a special token: ${JSON.stringify(s)}`);
  }
  const ids = tokenizer.encode(`a.${EOT}b`);
  assert.equal(ids.filter((id) => id === 0).length, 1);
  assert.equal(tokenizer.decode(ids), `a.${EOT}b`);
});

test('parallel counting equals single-threaded counting', { skip: stories.skip }, async () => {
  const text = readFileSync(stories.path, 'utf8').slice(0, 400_000);
  const single = countPreTokens(text, PRE_TOKENIZERS.gpt2, [EOT]);
  const parallel = await countPreTokensParallel([text, text.slice(1000, 90_000)], PRE_TOKENIZERS.gpt2, [EOT], 2, 0);
  countPreTokens(text.slice(1000, 90_000), PRE_TOKENIZERS.gpt2, [EOT], single);
  assert.deepEqual(new Map([...parallel].sort()), new Map([...single].sort()));
  for (const pre of [PRE_TOKENIZERS.gpt2, PRE_TOKENIZERS.llama3]) {
    for (const specials of [[EOT], []]) {
      const many = new Map<string, number>();
      const chunks = splitAtPreTokenBoundaries(text, 300, specials);
      assert.ok(chunks.length > 250);
      for (const c of chunks) countPreTokens(c, pre, specials, many);
      assert.deepEqual(new Map([...many].sort()), new Map([...countPreTokens(text, pre, specials)].sort()), `${pre.name} ${specials.length}`);
    }
  }
  const noSpecials = await countPreTokensParallel([text], PRE_TOKENIZERS.llama3, [], 2, 0);
  assert.deepEqual(new Map([...noSpecials].sort()), new Map([...countPreTokens(text, PRE_TOKENIZERS.llama3, [])].sort()));
});

test('Llama-3 pre-tokenizer: trains, round-trips, and its tokenizer.json encodes identically in HF', { skip: stories.skip }, async () => {
  const text = readFileSync(stories.path, 'utf8').slice(0, 200_000) + ' 1234567 DON\'T\r\n\r\n  x';
  const { tokenizer } = await trainTokenizer([text], { vocabSize: 600, specialTokens: [EOT], preTokenizer: 'llama3' });
  assert.ok(tokenizer.encode('12345').length >= 2, 'digits split in groups of at most 3');
  const hf = new HfTokenizer(bpeSpecToJson(tokenizer.spec) as never, {} as never);
  const next = mulberry32(3);
  const inputs = [text.slice(0, 20_000), "I'VE 1234567 he's\r\n\r\n x", ...Array.from({ length: 100 }, () => randomUnicode(next, 50))];
  for (const s of inputs) {
    const ids = tokenizer.encode(s);
    assert.deepEqual(ids, hf.encode(s, { add_special_tokens: false }).ids, JSON.stringify(s.slice(0, 60)));
    assert.equal(tokenizer.decode(ids), s);
  }
});

test('bad training input: vocab too small, empty corpus, bad options', async () => {
  await assert.rejects(trainTokenizer(['hello'], { vocabSize: 256, specialTokens: [EOT] }), (e: unknown) => e instanceof WrenError && /256 byte tokens \+ 1 special/.test(e.message));
  await assert.rejects(trainTokenizer(['hello'], { vocabSize: 100 }), WrenError);
  await assert.rejects(trainTokenizer([''], { vocabSize: 300 }), (e: unknown) => e instanceof WrenError && /empty/.test(e.message));
  await assert.rejects(trainTokenizer([EOT + EOT], { vocabSize: 300, specialTokens: [EOT] }), /empty/);
  await assert.rejects(trainTokenizer(['x'], { vocabSize: 300, specialTokens: ['a', 'a'] }), /distinct/);
  await assert.rejects(trainTokenizer(['x'], { vocabSize: 300, minFrequency: 0 }), /min frequency/);
  await assert.rejects(trainTokenizer(['x'], { vocabSize: 300, preTokenizer: 'bert' as never }), /unknown pre-tokenizer/);
});

/** The obviously-right trainer: recount every pair before every merge (cs336's naive loop). */
function naiveMerges(counts: Map<string, number>, merges: number, lexGreater: boolean): string[] {
  const enc = new TextEncoder();
  // ids in Wren's layout (no specials): bytes by byte-level alphabet order, then merges
  const order = [...BYTES_IN_ALPHABET_ORDER];
  const idOf = new Map<string, number>(order.map((b, i) => [String.fromCharCode(b), i]));
  let words = [...counts].map(([w, c]) => ({ toks: [...enc.encode(w)].map((b) => String.fromCharCode(b)), c }));
  const out: string[] = [];
  for (let k = 0; k < merges; k++) {
    const pc = new Map<string, { a: string; b: string; n: number }>();
    for (const { toks, c } of words) {
      for (let i = 0; i + 1 < toks.length; i++) {
        const id = toks[i] + '\u0000' + toks[i + 1];
        const e = pc.get(id) ?? { a: toks[i], b: toks[i + 1], n: 0 };
        e.n += c;
        pc.set(id, e);
      }
    }
    let best: { a: string; b: string; n: number } | undefined;
    for (const e of pc.values()) {
      if (!best || e.n > best.n) { best = e; continue; }
      if (e.n < best.n) continue;
      const better = lexGreater
        ? e.a > best.a || (e.a === best.a && e.b > best.b) // latin1 strings compare like bytes
        : idOf.get(e.a)! < idOf.get(best.a)! || (e.a === best.a && idOf.get(e.b)! < idOf.get(best.b)!);
      if (better) best = e;
    }
    if (!best) break;
    const { a, b } = best;
    idOf.set(a + b, idOf.size);
    out.push(a + b);
    words = words.map(({ toks, c }) => {
      const t: string[] = [];
      for (let i = 0; i < toks.length; i++) {
        if (i + 1 < toks.length && toks[i] === a && toks[i + 1] === b) { t.push(a + b); i++; } else t.push(toks[i]);
      }
      return { toks: t, c };
    });
  }
  return out;
}

test('incremental trainer equals a recount-every-merge trainer on seeded random corpora (both tie rules)', () => {
  const next = mulberry32(99);
  for (let trial = 0; trial < 12; trial++) {
    const alphabet = trial % 3 === 0 ? 'ab' : trial % 3 === 1 ? 'abc é' : 'aaab\u00e9\u4e2d';
    const counts = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      let w = '';
      const len = 1 + Math.floor(next() * 9);
      for (let j = 0; j < len; j++) w += alphabet[Math.floor(next() * alphabet.length)];
      counts.set(w, (counts.get(w) ?? 0) + 1 + Math.floor(next() * 3));
    }
    for (const tieBreak of ['lexGreater', 'lowestIds'] as const) {
      const { spec } = trainBpeFromCounts(counts, { vocabSize: 256 + 40, tieBreak });
      const got = spec.tokens.slice(256).map((t) => Buffer.from(t).toString('latin1'));
      assert.deepEqual(got, naiveMerges(counts, 40, tieBreak === 'lexGreater'), `trial ${trial} ${tieBreak}`);
    }
  }
});

test('training from a file read in small pieces equals training on the whole text', { skip: stories.skip }, async () => {
  const text = readFileSync(stories.path, 'utf8').slice(0, 300_000);
  const dir = mkdtempSync(join(tmpdir(), 'wren-pieces-'));
  const file = join(dir, 'corpus.txt');
  writeFileSync(file, text);
  const pieces = [...readTextPieces(file, [EOT], true, 4096)];
  assert.ok(pieces.length > 50);
  assert.equal(pieces.join(''), text);
  const whole = countPreTokens(text, PRE_TOKENIZERS.gpt2, [EOT]);
  const byPiece = new Map<string, number>();
  for (const p of pieces) countPreTokens(p, PRE_TOKENIZERS.gpt2, [EOT], byPiece);
  assert.deepEqual(new Map([...byPiece].sort()), new Map([...whole].sort()));
  // specials only (a custom pattern): every piece but the first starts with the special token
  const specialCut = [...readTextPieces(file, [EOT], false, 4096)];
  assert.equal(specialCut.join(''), text);
  for (const p of specialCut.slice(1)) assert.ok(p.startsWith(EOT));
  const a = await trainTokenizerFromFiles([file], { vocabSize: 700, specialTokens: [EOT], pieceBytes: 4096 });
  const b = await trainTokenizer([text], { vocabSize: 700, specialTokens: [EOT] });
  assert.deepEqual(a.tokenizer.spec.merges, b.tokenizer.spec.merges);
  // no cut point within the limit: a clear error
  const flat = join(dir, 'flat.txt');
  writeFileSync(flat, 'word '.repeat(5000));
  assert.throws(() => [...readTextPieces(flat, [], true, 1024, 4096)], (e: unknown) => e instanceof WrenError && /no place to cut/.test(e.message));
  await assert.rejects(trainTokenizerFromFiles([join(dir, 'missing.txt')], { vocabSize: 300 }), /cannot read training file/);
});
