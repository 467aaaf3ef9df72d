// Task metrics against values worked out by hand (each case's arithmetic is in its comment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcsLength, rouge, rougeBest, rougeTokens } from '../../src/tasks/metrics/rouge.ts';
import { checkPlaceholders, details, placeholders } from '../../src/tasks/metrics/placeholders.ts';
import { distinctN, repetitionRate, wordCount } from '../../src/tasks/metrics/text-checks.ts';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test('rouge-score tokenizer: lower case, non-alphanumerics split, no stemming', () => {
  assert.deepEqual(rougeTokens("The CAT's 2 mats, running—fast!"), ['the', 'cat', 's', '2', 'mats', 'running', 'fast']);
  assert.deepEqual(rougeTokens('  ¡¿ '), []);
  assert.deepEqual(rougeTokens('café'), ['caf']); // é is outside [a-z0-9], as in the package
});

test('ROUGE-1/2/L on "the cat sat on the mat" vs "the cat is on the mat"', () => {
  const s = rouge('the cat is on the mat', 'the cat sat on the mat');
  // unigrams: the×2 cat on mat match → 5/6 both ways
  close(s.rouge1.precision, 5 / 6); close(s.rouge1.recall, 5 / 6); close(s.rouge1.f, 5 / 6);
  // bigrams pred: the cat, cat is, is on, on the, the mat; ref: the cat, cat sat, sat on, on the, the mat → 3/5
  close(s.rouge2.f, 3 / 5);
  // LCS: the cat on the mat = 5 → 5/6
  close(s.rougeL.f, 5 / 6);
});

test('ROUGE with unequal lengths and clipped counts', () => {
  // pred "a a a b" (4 tokens), ref "a b c" (3): unigram overlap min(3,1)+min(1,1) = 2 → P 2/4, R 2/3, F = 2·(1/2)(2/3)/(7/6) = 4/7
  const s = rouge('a a a b', 'a b c');
  close(s.rouge1.precision, 0.5); close(s.rouge1.recall, 2 / 3); close(s.rouge1.f, 4 / 7);
  // bigrams pred: aa, aa, ab; ref: ab, bc → overlap 1 → P 1/3, R 1/2, F 0.4
  close(s.rouge2.f, 0.4);
  // LCS(a a a b, a b c) = 2 (a b) → same as unigram here: 4/7
  close(s.rougeL.f, 4 / 7);
  assert.equal(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a']), 4); // CLRS's example
});

test('ROUGE edge cases: empty prediction scores 0; a one-word text has no bigrams', () => {
  const e = rouge('', 'the cat');
  assert.equal(e.rouge1.f, 0); assert.equal(e.rouge2.f, 0); assert.equal(e.rougeL.f, 0);
  const one = rouge('cat', 'cat');
  assert.equal(one.rouge1.f, 1); assert.equal(one.rouge2.f, 0); assert.equal(one.rougeL.f, 1);
  // best of several references: "b" vs ["a", "b c"] → against "b c": P 1, R 1/2, F 2/3
  close(rougeBest('b', ['a', 'b c']).rouge1.f, 2 / 3);
});

test('placeholder fidelity: no unknown or broken slot, no detail the customer did not give; and the reference\'s slots', () => {
  const ref = 'Log in to {{Website Name}}, open {{Order Details}} and find {{Order Number}}.';
  assert.deepEqual(placeholders(ref), ['Website Name', 'Order Details', 'Order Number']);
  const known = new Set(['Website Name', 'Order Details', 'Order Number', 'Customer Support Phone Number']);
  const ok = checkPlaceholders('Go to {{Order Details}} on {{Website Name}} for {{Order Number}} ({{Order Number}} again)', ref, known);
  assert.deepEqual(ok, { kept: 3, expected: 3, invented: [], asReference: true, unknown: [], malformed: false, madeUp: [], faithful: true });
  const other = checkPlaceholders('Call {{Customer Support Phone Number}} about {{Order Number}}', ref, known);
  assert.deepEqual([other.invented, other.asReference, other.faithful], [['Customer Support Phone Number'], false, true], 'another known slot: faithful, not as the reference');
  assert.deepEqual(checkPlaceholders('Call {{Customer Support Phone Number}} about {{Order Numbr}}', ref, known).unknown, ['Order Numbr']);
  assert.equal(checkPlaceholders('Call {{Customer Support Phone Number}} about {{Order Numbr}}', ref, known).faithful, false);
  assert.equal(checkPlaceholders('Open {{Order Details} now', ref, known).malformed, true);
  const msg = 'I want my refund of 160 dollars for invoice #00108';
  assert.deepEqual(details('Your refund of $160 for invoice #00108 (step 1, 24/7) {{Order Number}} 12588'), ['$160', '00108', '12588']);
  assert.deepEqual(checkPlaceholders('I see your refund of $160 for invoice #00108.', 'x', known, msg).madeUp, []);
  const made = checkPlaceholders('I see your refund of $299 for invoice 12588.', 'x', known, msg);
  assert.deepEqual([made.madeUp, made.faithful], [['$299', '12588'], false]);
  assert.deepEqual(checkPlaceholders('Your refund of $1,200 for order 12,588.', 'x', known, 'refund 1200 on order #12,588').madeUp, [], 'grouped digits are the same number');
  assert.deepEqual(checkPlaceholders('Order 12,589 is late.', 'x', known, 'order 12,588').madeUp, ['12,589']);
  assert.equal(checkPlaceholders('No slots here.', 'None there either.', known).faithful, true);
  assert.equal(checkPlaceholders('{{Refund Policy}}', 'None there.').asReference, false);
});

test('length, repetition and distinct-n', () => {
  assert.equal(wordCount('Hello, world! 2 times.'), 4);
  // "a b c a b c": 3-grams abc, bca, cab, abc → 1 of 4 repeats
  close(repetitionRate('a b c a b c'), 1 / 4);
  assert.equal(repetitionRate('a b'), 0);
  // unigrams over ["a b", "a c"]: 4 total, 3 distinct; bigrams: "a b", "a c" → 1
  close(distinctN(['a b', 'a c'], 1), 3 / 4);
  close(distinctN(['a b', 'a c'], 2), 1);
});
