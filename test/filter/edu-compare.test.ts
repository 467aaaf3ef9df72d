// `wren filter compare` on a small made-up split (no shared data): every requested scorer gets a
// row, the learned ones a bootstrap comparison with TF-IDF ridge, and the report, the calibration
// SVG and the held-out scores are written; scorers that need a pretrained LM are listed as not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareEduScorers } from '../../src/data/filter/edu/compare.ts';
import { stratifiedSplit } from '../../src/data/filter/edu/evaluate.ts';
import { scratchDir } from '../_helpers.ts';

const EDU = ['cells divide by mitosis', 'the water cycle moves rain', 'fractions are parts of a whole', 'volcanoes erupt molten rock', 'plants make food from light'];
const SHOP = ['buy cheap shoes now', 'discount phones on sale', 'click for casino deals', 'free shipping today only', 'best prices on laptops'];

test('compare: a row per scorer, bootstrap against TF-IDF ridge, report, calibration SVG and held-out scores', async () => {
  const examples = Array.from({ length: 150 }, (_, i) => {
    const score = i % 5; // 0…4; higher scores mix in more educational sentences
    const parts = Array.from({ length: 6 }, (_, k) => (k < score + 1 ? EDU[(i + k) % 5] : SHOP[(i + k) % 5]));
    return { text: `${parts.join('. ')}. Page ${i}.`, score };
  });
  const { train, test: held } = stratifiedSplit(examples, 0.2, 3);
  const out = scratchDir();
  const r = await compareEduScorers({
    split: { spec: { labels: ['made-up'], fields: { text: 'text', score: 'score' }, seed: 3, heldOutFraction: 0.2 }, train, test: held, skipped: 0, duplicates: 0 },
    out, only: ['keep-all', 'heuristic', 'tfidf-ridge', 'linear-ngram', 'embedding'],
  });
  assert.deepEqual(r.results.map((x) => x.name), ['keep-all', 'heuristic', 'tfidf-ridge', 'linear-ngram']);
  assert.deepEqual(r.skipped, [{ name: 'embedding', why: 'needs a pretrained LM (--init)' }]);
  const lin = r.results[3];
  assert.ok(lin.metrics.spearman > 0.8, `linear-ngram Spearman ${lin.metrics.spearman}`);
  assert.ok(lin.vsRidge && lin.vsRidge.spearmanCi95[0] <= lin.vsRidge.spearman && lin.vsRidge.spearman <= lin.vsRidge.spearmanCi95[1]);
  assert.equal(r.results[0].vsRidge, undefined, 'baselines are not compared with ridge');
  assert.equal(r.results[0].metrics.keepRate, 1);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /\| linear-ngram \| [01]\.\d{3} \| [01]\.\d{3} \|/);
  assert.match(md, /Not run: embedding \(needs a pretrained LM \(--init\)\)/);
  const svg = readFileSync(join(out, 'calibration.svg'), 'utf8');
  assert.equal((svg.match(/<polyline/g) ?? []).length, 3, 'one line per scorer except keep-all');
  const scores = readFileSync(join(out, 'heldout-scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(scores.length, held.length);
  assert.deepEqual(scores.map((s) => s.label), held.map((e) => e.score));
  assert.ok(existsSync(join(out, 'linear-ngram', 'classifier.json')));
});
