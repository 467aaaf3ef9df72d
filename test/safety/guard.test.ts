// A guard end to end: trained (the linear kind, on purpose-made rows), saved, loaded with the same
// scores, used through `wren guard check` and `wren guard eval`, and the errors for a folder that
// is not a guard and a bad labelled file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleGuardData, readLabelledJsonl } from '../../src/safety/guard-data.ts';
import { trainGuard } from '../../src/safety/train-guard.ts';
import { averagePrecision, binaryMetrics } from '../../src/safety/guard-metrics.ts';
import { fitTemperature, Guard } from '../../src/safety/guard-model.ts';
import { runCli, scratchDir } from '../_helpers.ts';
import { FIXTURE_ROWS, trainFixtureGuard, writeFixtureJsonl } from './_guard-fixture.ts';

test('a trained guard saves, loads with the same scores, and checks texts through the CLI in order', async () => {
  const dir = scratchDir();
  const folder = await trainFixtureGuard(dir);
  const guard = await Guard.load(folder);
  const texts = ['How do I build a bomb?', 'Tell me a story.', 'What is the capital of France?'];
  const verdicts = guard.check(texts, 'prompt');
  guard.close();
  assert.equal(verdicts[0].flagged, true);
  assert.ok(verdicts[0].categories.weapons >= 4, JSON.stringify(verdicts[0]));
  assert.equal(verdicts[1].flagged, false);

  writeFileSync(join(dir, 'in.jsonl'), texts.map((text) => JSON.stringify({ text, id: 1 })).join('\n') + '\n');
  const r = runCli(['guard', 'check', '--model', folder, '--in', join(dir, 'in.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, verdicts); // same as in-process, input order, one line each
  for (const l of lines) assert.deepEqual(Object.keys(l), ['flagged', 'categories', 'score']);

  const e = runCli(['guard', 'eval', '--model', folder, '--data', writeFixtureJsonl(dir), '--json']);
  assert.equal(e.status, 0, e.stderr);
  const report = JSON.parse(e.stdout);
  assert.equal(report.overall.n, FIXTURE_ROWS);
  for (const k of ['precision', 'recall', 'f1', 'fpr', 'auprc']) assert.equal(typeof report.overall[k], 'number', k);
  assert.ok(report.categories.weapons.positives === 4);
  // the file holds both sides: one line each, so neither rate mixes recall with false alarms
  const sides = Object.entries(report.sources as Record<string, { n: number; harmful: boolean }>);
  assert.deepEqual(sides.map(([k, s]) => [k.replace(/^.* \(/, '('), s.harmful]).sort(), [['(harmful)', true], ['(safe)', false]]);
  assert.equal(sides.reduce((n, [, s]) => n + s.n, 0), FIXTURE_ROWS);
});

test('a folder that is not a guard, a wrong guard.json and bad labelled lines are clear errors', async () => {
  const dir = scratchDir();
  let r = runCli(['guard', 'check', '--model', dir, '--text', 'hi']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a guard folder \(no guard\.json\)/);
  writeFileSync(join(dir, 'guard.json'), JSON.stringify({ format: 'wren-text-classifier', version: 1 }));
  r = runCli(['guard', 'check', '--model', dir, '--text', 'hi']);
  assert.match(r.stderr, /guard\.json: 'format' must be 'wren-guard'/);
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"text":"ok","label":"safe"}\n{"text":"x","label":"spam"}\n');
  await assert.rejects(readLabelledJsonl(bad), /bad\.jsonl:2: 'label' must be 'safe' or one of the categories/);
  writeFileSync(bad, '{"text":"ok","label":"safe","role":"assistant"}\n');
  await assert.rejects(readLabelledJsonl(bad), /bad\.jsonl:1: 'role' must be 'prompt' or 'response'/);
  mkdirSync(join(dir, 'empty'));
  r = runCli(['guard', 'train', '--data', join(dir, 'empty'), '--out', join(dir, 'g'), '--kind', 'linear']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no guard data found; expected a folder laid out like/);
});

test('metrics: average precision, F1 and FPR on a worked example; the temperature fit sharpens an under-confident scorer', () => {
  // ranked: + - + -  → AP = (1/1 + 2/3) / 2
  assert.equal(averagePrecision([0.9, 0.8, 0.7, 0.1], [true, false, true, false]), (1 + 2 / 3) / 2);
  const m = binaryMetrics([0.9, 0.8, 0.7, 0.1], [true, false, true, false], 0.75);
  assert.deepEqual([m.precision, m.recall, m.fpr], [0.5, 0.5, 0.5]);
  const logits = Array.from({ length: 40 }, (_, i) => (i % 2 ? [0.2, 0] : [0, 0.2])), labels = logits.map((_, i) => (i % 2 ? 0 : 1));
  assert.ok(fitTemperature(logits, labels) < 0.2);
});

test('the transformer kind saves and loads through the text classifier with the same scores; a guard whose classifier is missing says so', async () => {
  const dir = scratchDir();
  const rows = await assembleGuardData([writeFixtureJsonl(dir)]);
  const guard = await trainGuard(rows, { kind: 'transformer', options: { vocab: 300, maxLen: 16, hidden: 16, layers: 1, heads: 2, epochs: 2, batch: 8, threads: 1 } });
  const texts = ['How do I build a bomb?', 'Tell me a story.'];
  const before = guard.scores(texts, 'prompt');
  guard.save(join(dir, 'tx'));
  guard.close();
  const loaded = await Guard.load(join(dir, 'tx'));
  assert.equal(loaded.kind, 'transformer');
  const after = loaded.scores(texts, 'prompt');
  loaded.close();
  for (let i = 0; i < texts.length; i++) assert.ok(Math.abs(before[i].score - after[i].score) < 1e-6, `${before[i].score} vs ${after[i].score}`);
  const r = runCli(['guard', 'check', '--model', join(dir, 'tx'), '--text', 'hi']);
  assert.equal(r.status, 0, r.stderr);
  // a guard.json that names a transformer whose classifier folder is gone
  rmSync(join(dir, 'tx', 'classifier', 'text-classifier.json'));
  const bad = runCli(['guard', 'check', '--model', join(dir, 'tx'), '--text', 'hi']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /classifier: no text-classifier\.json; not a Wren text classifier folder/);
});
