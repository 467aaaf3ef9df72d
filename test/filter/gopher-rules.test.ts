// Gopher quality and repetition rules on hand-made documents just inside and just outside each
// published threshold (the stage defaults).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reason, stage, verdict, word, words } from './helpers.ts';

const base = (n: number) => ['the', 'and', ...words(n - 2)]; // 2 stop words, 5-letter words

test('gopher-quality: word count 50 keeps, 49 drops; 100,000 keeps, 100,001 drops', async () => {
  const s = await stage('gopher-quality');
  assert.equal(reason(await verdict(s, base(50).join(' '))), 'keep');
  assert.equal(reason(await verdict(s, base(49).join(' '))), 'too_few_words');
  const big = base(100_000);
  assert.equal(reason(await verdict(s, big.join(' '))), 'keep');
  big.push('qzzzz');
  assert.equal(reason(await verdict(s, big.join(' '))), 'too_many_words');
});

test('gopher-quality: punctuation-only tokens are not words', async () => {
  const s = await stage('gopher-quality');
  assert.equal(reason(await verdict(s, [...base(49), '—', '--'].join(' '))), 'too_few_words');
});

test('gopher-quality: mean word length 3 keeps, below drops; 10 keeps, above drops', async () => {
  const s = await stage('gopher-quality');
  const three = ['the', 'and', ...words(58, 3)];
  assert.equal(reason(await verdict(s, three.join(' '))), 'keep');
  three[5] = 'qa';
  assert.equal(reason(await verdict(s, three.join(' '))), 'short_words');
  // 2 stop words (3 letters) + one 24-letter word + 57 ten-letter words: mean exactly 10.
  const ten = ['the', 'and', 'q'.repeat(24), ...words(57, 10)];
  assert.equal(reason(await verdict(s, ten.join(' '))), 'keep');
  ten[2] += 'q';
  assert.equal(reason(await verdict(s, ten.join(' '))), 'long_words');
});

test("gopher-quality: '#' per word 0.1 keeps, above drops; same for ellipses", async () => {
  const s = await stage('gopher-quality');
  const w = base(100);
  for (let i = 10; i < 20; i++) w[i] = `#${w[i]}`;
  assert.equal(reason(await verdict(s, w.join(' '))), 'keep');
  w[20] = `#${w[20]}`;
  assert.equal(reason(await verdict(s, w.join(' '))), 'too_many_hashes');
  const e = base(100);
  for (let i = 10; i < 20; i++) e[i] = `${e[i]}...`;
  assert.equal(reason(await verdict(s, e.join(' ') + ' end')), 'keep');
  e[20] = `${e[20]}…`;
  assert.equal(reason(await verdict(s, e.join(' ') + ' end')), 'too_many_ellipses');
});

test('gopher-quality: bullet lines 90% keep, 95% drop; ellipsis lines 30% keep, 40% drop', async () => {
  const s = await stage('gopher-quality');
  const lines = (bullets: number, total: number) =>
    Array.from({ length: total }, (_, i) => `${i < bullets ? '- ' : ''}the and ${words(4, 5, i * 4).join(' ')}`).join('\n');
  assert.equal(reason(await verdict(s, lines(18, 20))), 'keep');
  assert.equal(reason(await verdict(s, lines(19, 20))), 'bullet_lines');
  const ell = (k: number) => Array.from({ length: 10 }, (_, i) => `the and ${words(4, 5, i * 4).join(' ')}${i < k ? '...' : '.'}`).join('\n');
  assert.equal(reason(await verdict(s, ell(3))), 'keep');
  assert.equal(reason(await verdict(s, ell(4))), 'ellipsis_lines');
});

test('gopher-quality: 80% alphabetic words keeps, 79% drops; 2 stop words keep, 1 drops', async () => {
  const s = await stage('gopher-quality');
  const w = base(100);
  for (let i = 10; i < 30; i++) w[i] = String(10000 + i);
  assert.equal(reason(await verdict(s, w.join(' '))), 'keep');
  w[30] = '12345';
  assert.equal(reason(await verdict(s, w.join(' '))), 'few_alpha_words');
  const one = ['The,', ...words(60)];
  assert.equal(reason(await verdict(s, one.join(' '))), 'few_stop_words');
  one.push('and.');
  assert.equal(reason(await verdict(s, one.join(' '))), 'keep');
});

/** Distinct filler lines of exactly 50 characters (eight 5-letter words + spaces + 'qq'). */
const filler = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `${words(8, 5, from + i * 8).join(' ')} qq${String(i % 10)}`.slice(0, 50));

test('gopher-repetition: duplicate line fraction 0.3 — 3 of 11 keeps, 4 of 12 drops', async () => {
  const s = await stage('gopher-repetition');
  assert.equal(reason(await verdict(s, [...filler(7), 'Yes.', 'Yes.', 'Yes.', 'Yes.'].join('\n'))), 'keep');
  assert.equal(reason(await verdict(s, [...filler(7), 'Yes.', 'Yes.', 'Yes.', 'Yes.', 'Yes.'].join('\n'))), 'dup_lines');
});

test('gopher-repetition: duplicate line characters 20% keeps, just above drops', async () => {
  const s = await stage('gopher-repetition');
  // 10 filler lines of 50 chars + a repeated one-word line of r chars: ratio r / (511 + 2r).
  const text = (r: number) => [...filler(10), 'x'.repeat(r), 'x'.repeat(r)].join('\n');
  assert.equal(text(170).length, 851);
  assert.equal(reason(await verdict(s, text(170))), 'keep'); // 0.1998
  assert.equal(reason(await verdict(s, text(171))), 'dup_line_chars'); // 0.2005
});

test('gopher-repetition: duplicate paragraphs 3 of 11 keeps, 4 of 12 drops; paragraph characters 20%', async () => {
  const s = await stage('gopher-repetition');
  assert.equal(reason(await verdict(s, [...filler(7), 'Yes.', 'Yes.', 'Yes.', 'Yes.'].join('\n\n'))), 'keep');
  assert.equal(reason(await verdict(s, [...filler(7), 'Yes.', 'Yes.', 'Yes.', 'Yes.', 'Yes.'].join('\n\n'))), 'dup_paragraphs');
  // Paragraph = two lines so the line rules see no duplicates of the same size: r / (10*50+9*2 + 2 + 2r).
  const para = (r: number) => [...filler(10), `${'y'.repeat(r)}`, `${'y'.repeat(r)}`].join('\n\n');
  const chars = (r: number) => r / para(r).length;
  let r = 1;
  while (chars(r + 1) <= 0.2) r++;
  assert.ok(chars(r) <= 0.2 && chars(r + 1) > 0.2);
  const lineRulesOff = { maxDupLineCharsFraction: 1, maxDupLinesFraction: 1 };
  const s2 = await stage('gopher-repetition', lineRulesOff);
  assert.equal(reason(await verdict(s2, para(r))), 'keep');
  assert.equal(reason(await verdict(s2, para(r + 1))), 'dup_paragraph_chars');
});

test('gopher-repetition: top 2-gram share 0.2 — 10 × "abcde fghij" in 551 chars keeps, 545 drops', async () => {
  const s = await stage('gopher-repetition');
  const text = (m: number) => {
    const out: string[] = [];
    for (let i = 0; i < m; i++) {
      out.push(word(i));
      if (i < 10) out.push('abcde', 'fghij');
    }
    return out.join(' ');
  };
  assert.equal(text(72).length, 551);
  assert.equal(reason(await verdict(s, text(72))), 'keep'); // 110/551
  assert.equal(reason(await verdict(s, text(71))), 'top_2gram'); // 110/545
});

test('gopher-repetition: duplicated 5-grams 15% (top n-gram rules off) and 10-grams 10% (all defaults)', async () => {
  // A 167-char document with a repeated 5-word span also has a repeated 4-gram covering 28% of
  // it, so the 5-gram boundary is tested with the top n-gram rules switched off.
  const s5 = await stage('gopher-repetition', { topNgrams: [] });
  const s = await stage('gopher-repetition');
  const rep = (spanWords: number, m: number) => {
    const span = words(spanWords, 5, 5000);
    const half = Math.floor(m / 2);
    return [...span, ...words(half), ...span, ...words(m - half, 5, 1000)].join(' ');
  };
  assert.equal(rep(5, 18).length, 167);
  assert.equal(reason(await verdict(s5, rep(5, 18))), 'keep'); // 25/167 = 0.1497
  assert.equal(reason(await verdict(s5, rep(5, 17))), 'dup_5gram'); // 25/161
  assert.equal(rep(10, 64).length, 503);
  assert.equal(reason(await verdict(s, rep(10, 64))), 'keep'); // 50/503 = 0.0994
  assert.equal(reason(await verdict(s, rep(10, 63))), 'dup_10gram'); // 50/497
});

test('gopher-repetition: bad options name the stage and key', async () => {
  await assert.rejects(stage('gopher-repetition', { topNgrams: [[2]] }), /each 'topNgrams' entry must be \[n, fraction\]/);
  await assert.rejects(stage('gopher-repetition', { maxDupLinesFraction: 1.5 }), /'maxDupLinesFraction' must be in \[0, 1\]/);
  await assert.rejects(stage('gopher-repetition', { maxDupLinesFraction: '0.3' }), /'maxDupLinesFraction' must be a number/);
});
