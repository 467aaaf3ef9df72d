// The stacked edu classifier (linear n-grams + the heuristic): the blend's least squares on a
// hand-made case, a trained model that saves and loads to the same scores, and folders that are
// not one (a missing or foreign member, a broken blend) named in the error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEduClassifier } from '../../src/data/filter/edu/classifier.ts';
import { fitBlend, trainStacked } from '../../src/data/filter/edu/stacked-classifier.ts';
import { spearman } from '../../src/data/filter/edu/evaluate.ts';
import { scratchDir } from '../_helpers.ts';

const EDU = ['cells divide by mitosis', 'the water cycle moves rain', 'fractions are parts of a whole', 'volcanoes erupt molten rock', 'plants make food from light'];
const SHOP = ['buy cheap shoes now', 'discount phones on sale', 'click for casino deals', 'free shipping today only', 'best prices on laptops'];
const pages = Array.from({ length: 120 }, (_, i) => {
  const score = i % 5;
  const parts = Array.from({ length: 6 }, (_, k) => (k < score + 1 ? EDU[(i + k) % 5] : SHOP[(i + k) % 5]));
  return { text: `${parts.join('. ')}. Page ${i}.`, score };
});

test('blend: least squares recovers y = 2u − v + 0.5 exactly', () => {
  const u = [0, 1, 2, 3, 4, 1.5], v = [1, 0, 2, 5, 1, 3];
  const b = fitBlend(u, v, u.map((x, i) => 2 * x - v[i] + 0.5));
  for (const [got, want] of [[b.a, 2], [b.b, -1], [b.c, 0.5]]) assert.ok(Math.abs(got - want) < 1e-4, `${JSON.stringify(b)}`);
});

test('stacked: trains from out-of-fold scores, ranks the pages, saves and loads to the same scores', async () => {
  const train = pages.filter((_, i) => i % 4 !== 0), held = pages.filter((_, i) => i % 4 === 0);
  const m = trainStacked(train, { epochs: 10, folds: 3 });
  const scores = held.map((e) => m.score(e.text));
  assert.ok(spearman(held.map((e) => e.score), scores) > 0.8, `Spearman ${spearman(held.map((e) => e.score), scores)}`);
  assert.ok(scores.every((s) => s >= 0 && s <= 5));
  const dir = join(scratchDir(), 'stacked');
  m.save(dir, { threshold: 3 });
  const again = await loadEduClassifier(dir);
  assert.equal(again.kind, 'stacked');
  assert.deepEqual(await Promise.all(held.map((e) => again.score(e.text, ''))), scores);
});

test('stacked: a member that is missing or of another kind, or a broken blend, is a clear error', async () => {
  const dir = join(scratchDir(), 'stacked-bad');
  trainStacked(pages, { epochs: 2, folds: 2 }).save(dir, {});
  const manifest = JSON.parse(readFileSync(join(dir, 'classifier.json'), 'utf8'));
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ ...manifest, blend: { a: 1, b: 'x', c: 0 } }));
  await assert.rejects(loadEduClassifier(dir), /stacked-bad\/classifier\.json: 'blend' must be/);
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ ...manifest, linear: '.' }));
  await assert.rejects(loadEduClassifier(dir), /'linear' must name a folder inside the classifier's, got '\.'/);
  trainStacked(pages, { epochs: 2, folds: 2 }).save(join(dir, 'other'), {});
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ ...manifest, linear: 'other' }));
  await assert.rejects(loadEduClassifier(dir), /member must be a linear-ngram classifier, not 'stacked'/);
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify(manifest));
  rmSync(join(dir, 'linear'), { recursive: true });
  await assert.rejects(loadEduClassifier(dir), /stacked-bad\/linear: no classifier\.json/);
  assert.throws(() => trainStacked(pages.slice(0, 5), { folds: 5 }), /5 labelled rows are too few for 5 folds/);
});
