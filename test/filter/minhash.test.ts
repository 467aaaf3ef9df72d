// MinHash-LSH near-dedup on a planted corpus: unrelated base documents, each followed by an edited
// copy (random word substitutions) whose exact shingle Jaccard with its base is measured. With
// FineWeb's 14 bands × 8 rows the LSH S-curve passes ~0.92 at J = 0.8 and ~0.05 at J = 0.5, so:
// recall ≥ 0.95 for pairs above 0.8 and ≤ 5% merges for pairs below 0.5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/util/rng.ts';
import { MinHasher, shingleJaccard } from '../../src/data/filter/minhash.ts';
import { doc, stage, word } from './helpers.ts';

test('minhash-dedup: recall ≥ 0.95 above J 0.8, ≤ 5% false merges below J 0.5 (planted corpus)', async () => {
  const rand = mulberry32(42);
  const pick = (n: number) => Math.floor(rand() * n);
  const hasher = new MinHasher({ shingleWords: 5, bands: 14, rows: 8, seed: 1 });
  const s = await stage('minhash-dedup');
  const high: boolean[] = [], low: boolean[] = [];
  let fresh = 1_000_000;
  for (let p = 0; p < 700; p++) {
    const base = Array.from({ length: 200 }, () => word(pick(20000), 6));
    const copy = [...base];
    const edits = p % 2 === 0 ? 1 + pick(5) : 6 + pick(55); // half near-duplicates, half far apart
    for (let e = 0; e < edits; e++) copy[pick(copy.length)] = word(fresh++, 6);
    const a = base.join(' '), b = copy.join(' ');
    const j = shingleJaccard(hasher, a, b);
    assert.equal((await s.apply(doc(a))).keep, true, 'an unrelated base document must never be merged');
    const merged = !(await s.apply(doc(b))).keep;
    if (j > 0.8) high.push(merged);
    else if (j < 0.5) low.push(merged);
  }
  const recall = high.filter(Boolean).length / high.length;
  const falseMerges = low.filter(Boolean).length / low.length;
  assert.ok(high.length >= 100 && low.length >= 100, `enough pairs on both sides (${high.length} high, ${low.length} low)`);
  assert.ok(recall >= 0.95, `recall above J 0.8: ${recall.toFixed(3)} over ${high.length} pairs`);
  assert.ok(falseMerges <= 0.05, `merges below J 0.5: ${falseMerges.toFixed(3)} over ${low.length} pairs`);
});

test('minhash: signature collision rate estimates Jaccard within 0.1', () => {
  const hasher = new MinHasher({ shingleWords: 5, bands: 14, rows: 8, seed: 7 });
  const rand = mulberry32(3);
  const base = Array.from({ length: 300 }, () => word(Math.floor(rand() * 50000), 6));
  for (const edits of [5, 15, 30]) {
    const copy = [...base];
    for (let e = 0; e < edits; e++) copy[Math.floor(rand() * copy.length)] = word(900000 + e, 6);
    const j = shingleJaccard(hasher, base.join(' '), copy.join(' '));
    const sa = Uint32Array.from(hasher.signature(base.join(' '))!);
    const sb = hasher.signature(copy.join(' '))!;
    const est = sa.filter((v, i) => v === sb[i]).length / sa.length;
    assert.ok(Math.abs(est - j) < 0.1, `edits ${edits}: Jaccard ${j.toFixed(3)}, estimate ${est.toFixed(3)}`);
  }
});

test('minhash: punctuation and case do not change shingles; a text without words has no signature', () => {
  const hasher = new MinHasher({ shingleWords: 5, bands: 14, rows: 8, seed: 1 });
  assert.equal(shingleJaccard(hasher, 'The cat sat on the mat today, again.', 'the CAT sat; on the mat -- today again'), 1);
  assert.equal(hasher.signature('... --- !!!'), null);
});

test('minhash: the unrolled signature equals the plain definition min_s (a_i·s + b_i mod 2^32)', () => {
  for (const [bands, rows] of [[14, 8], [5, 3]]) { // 112 and 15 hashes (15 is not a multiple of the unroll)
    const hasher = new MinHasher({ shingleWords: 5, bands, rows, seed: 9 });
    const text = Array.from({ length: 80 }, (_, i) => word(i * 7919, 6)).join(' ');
    const sig = Uint32Array.from(hasher.signature(text)!);
    const rand = mulberry32(9);
    const sh = [...hasher.shingles(text)];
    for (let i = 0; i < bands * rows; i++) {
      const a = ((rand() * 4294967296) | 1) >>> 0, b = (rand() * 4294967296) >>> 0;
      assert.equal(sig[i], Math.min(...sh.map((x) => (Math.imul(a, x) + b) >>> 0)), `hash ${i} of ${bands * rows}`);
    }
  }
});
