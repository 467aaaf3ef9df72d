// The composed look-alike pairs: fixed rows, every harm verb on both sides of the line, and no
// way for them to carry an XSTest text across the held-out split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUARD_LABELS } from '../../src/safety/categories.ts';
import { assembleGuardData, normalizeText } from '../../src/safety/guard-data.ts';
import { HARM_VERBS } from '../../src/safety/look-alike-slots.ts';
import { lookAlikeRows } from '../../src/safety/look-alikes.ts';
import { sharedFile } from '../_helpers.ts';

test('look-alike rows are fixed, distinct, filled in, and put each harm verb on both sides', () => {
  const rows = lookAlikeRows();
  assert.deepEqual(lookAlikeRows(), rows);
  assert.equal(new Set(rows.map((r) => normalizeText(r.text))).size, rows.length, 'a text is composed twice');
  for (const r of rows) {
    assert.ok(!/[{}]/.test(r.text), `an unfilled slot: ${r.text}`);
    assert.ok(GUARD_LABELS.includes(r.label), r.label);
    assert.equal(r.source, r.label === 'safe' ? 'lookalike_safe' : 'lookalike_unsafe');
  }
  const safe = rows.filter((r) => r.label === 'safe').length;
  assert.ok(safe > 1000 && rows.length - safe > 1000, `${safe} safe of ${rows.length}`);
  for (const { verb } of HARM_VERBS) {
    const uses = rows.filter((r) => new RegExp(`\\b${verb}\\b`).test(r.text));
    assert.ok(uses.some((r) => r.label === 'safe') && uses.some((r) => r.label !== 'safe'), `'${verb}' is on one side only`);
  }
});

const xstest = sharedFile('safety/xstest/xstest_prompts.csv');

test('a look-alike that repeats an XSTest prompt adds nothing: XSTest keeps the row and its split', { skip: xstest.skip }, async () => {
  const rows = await assembleGuardData([xstest.path.replace(/xstest\/.*$/, '')], { lookAlikes: true, attacks: false });
  const bySplit = new Map<string, Set<string>>();
  for (const r of rows) (bySplit.get(normalizeText(r.text)) ?? bySplit.set(normalizeText(r.text), new Set()).get(normalizeText(r.text))!).add(r.split);
  assert.deepEqual([...bySplit.entries()].filter(([, s]) => s.size > 1), [], 'a text sits in two splits');
  const xs = new Set(rows.filter((r) => r.source.startsWith('xstest')).map((r) => normalizeText(r.text)));
  const repeats = lookAlikeRows().filter((r) => xs.has(normalizeText(r.text)));
  for (const r of repeats) assert.ok(!rows.some((x) => x.source.startsWith('lookalike') && normalizeText(x.text) === normalizeText(r.text)), r.text);
});
