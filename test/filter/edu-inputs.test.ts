// Edu-value inputs and small parts, without shared data: label fields by dotted path and the
// errors for bad label files and classifier folders of another kind; Kendall's τ-b and the
// keep-cut calibration against hand-computed values; TF-IDF ridge's dual solve against the
// primal normal equations; `wren filter score` writing one score per line in input order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EduAnnotator } from '../../src/data/filter/edu/annotator.ts';
import { loadEduClassifier } from '../../src/data/filter/edu/classifier.ts';
import { emptyTeacherStats, type Teacher } from '../../src/llm/teacher.ts';
import { kendall, keepMetrics } from '../../src/data/filter/edu/evaluate.ts';
import { fitKeepCut, stretchScore } from '../../src/data/filter/edu/keep-calibration.ts';
import { readLabelFiles, readLabels } from '../../src/data/filter/edu/labels.ts';
import { trainLinearNgram } from '../../src/data/filter/edu/linear-classifier.ts';
import { scoreFile } from '../../src/data/filter/edu/score-file.ts';
import { TfidfRidge } from '../../src/data/filter/edu/tfidf-ridge.ts';
import { scratchDir } from '../_helpers.ts';

const FIELDS = { text: 'text', score: 'scores.score' };

test('labels: a dotted score path, several files; scores outside 0–5 and missing fields name file, line and field', () => {
  const dir = scratchDir();
  const a = join(dir, 'a.jsonl'), b = join(dir, 'b.jsonl');
  writeFileSync(a, [{ text: 'one', scores: { score: 1 } }, { text: 'two', scores: { score: null } }].map((x) => JSON.stringify(x)).join('\n') + '\n');
  writeFileSync(b, JSON.stringify({ text: 'three', scores: { score: 4 } }) + '\n');
  const r = readLabelFiles([a, b], FIELDS);
  assert.deepEqual(r.examples, [{ text: 'one', score: 1 }, { text: 'three', score: 4 }]);
  assert.equal(r.skipped, 1, 'a null score is a failed annotation: skipped and counted');

  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, JSON.stringify({ text: 'ok', scores: { score: 2 } }) + '\n' + JSON.stringify({ text: 'x', scores: { score: 7 } }) + '\n');
  assert.throws(() => readLabels(bad, FIELDS), /bad\.jsonl:2: score must be a number in \[0, 5\], got 7/);
  writeFileSync(bad, JSON.stringify({ text: 'x', scores: { score: -1 } }) + '\n');
  assert.throws(() => readLabels(bad, FIELDS), /bad\.jsonl:1: score must be a number in \[0, 5\], got -1/);
  // The 2,000-row files read with the default field: no 'score' at the top level.
  assert.throws(() => readLabels(b), /b\.jsonl:1: no field 'score' \(the score\); name it with --score-field/);
  assert.throws(() => readLabels(b, { text: 'body', score: 'scores.score' }), /b\.jsonl:1: field 'body' must be a string/);
  const csv = join(dir, 'l.csv');
  writeFileSync(csv, 'text,label\nhello,3\n');
  assert.throws(() => readLabels(csv), /l\.csv:1: the header needs 'text' and 'score' columns, has text, label/);
  writeFileSync(csv, 'text,score\nhello,5.5\n');
  assert.throws(() => readLabels(csv), /l\.csv:2: score must be a number in \[0, 5\], got "5\.5"/);
});

test('a classifier folder of another kind is refused with what it is and what was expected', async () => {
  const dir = scratchDir();
  await assert.rejects(loadEduClassifier(dir), /no classifier\.json \(train one with 'wren filter train-classifier'\)/);
  // A guard/router text-classifier folder: text-classifier.json, no edu manifest.
  writeFileSync(join(dir, 'text-classifier.json'), JSON.stringify({ format: 'wren-text-classifier', version: 1, maxLen: 64 }));
  await assert.rejects(loadEduClassifier(dir), /no classifier\.json: it is a Wren text classifier \(a guard or router model\), not an edu classifier/);
  const lm = scratchDir();
  writeFileSync(join(lm, 'config.json'), '{}');
  await assert.rejects(loadEduClassifier(lm), /no classifier\.json: it is a model folder \(config\.json\); a pretrained LM is given to train-classifier with --init/);
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ format: 'wren-text-classifier', version: 1, kind: 'transformer' }));
  await assert.rejects(loadEduClassifier(dir), /format is 'wren-text-classifier', expected 'wren-edu-classifier'/);
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ format: 'wren-edu-classifier', version: 1, kind: 'router-mf', threshold: 3 }));
  await assert.rejects(loadEduClassifier(dir), /unknown classifier kind 'router-mf'; known: .*linear-ngram.*embedding/);
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ format: 'wren-edu-classifier', version: 1, kind: 'embedding', threshold: 3, maxLen: 16, trunk: 'trunk' }));
  await assert.rejects(loadEduClassifier(dir), /its trunk folder .*trunk is missing/);
  mkdirSync(join(dir, 'trunk'));
  writeFileSync(join(dir, 'classifier.json'), JSON.stringify({ format: 'wren-edu-classifier', version: 1, kind: 'embedding', threshold: 3, maxLen: 16, trunk: 'trunk', mean: [0], std: 'x', w: [0], bias: 0 }));
  await assert.rejects(loadEduClassifier(dir), /'std' must be an array of numbers/);
});

test('Kendall τ-b and the keep rate against hand-computed values', () => {
  // Pairs of (1,2,3,4) against (1,3,2,4): 5 concordant, 1 discordant → (5−1)/6.
  assert.ok(Math.abs(kendall([1, 2, 3, 4], [1, 3, 2, 4]) - 4 / 6) < 1e-12);
  // With ties (scipy's tau-b): a = (1,1,2), b = (1,2,3): c = 2, d = 0, one pair tied in a only → 2/√(2·3).
  assert.ok(Math.abs(kendall([1, 1, 2], [1, 2, 3]) - 2 / Math.sqrt(6)) < 1e-12);
  const m = keepMetrics([0, 1, 3, 4], [2.4, 2.6, 2.5, 3.1], 3, 'rounded'); // rounded: 2, 3, 3, 3
  assert.equal(m.keepRate, 0.75);
  assert.equal(m.precision, 2 / 3);
  assert.equal(keepMetrics([0, 1, 3, 4], [2.4, 2.6, 2.5, 3.1], 3).keepRate, 0.25, 'raw rule: only 3.1 ≥ 3');
});

test('keep cut: the F1-best cut on out-of-fold scores, and a stretch that keeps ranks and puts the cut at T − ½', () => {
  const scores = [1.0, 1.2, 1.5, 1.7, 1.9, 2.1], labels = [1, 1, 3, 1, 3, 4];
  const c = fitKeepCut(scores, labels, 3);
  // Cut at 1.5 keeps 4 (3 positives of 3): F1 = 6/7; at 1.9 keeps 2 positives of 2: F1 = 0.8.
  assert.equal(c.cut, 1.5);
  assert.ok(Math.abs(c.oofF1 - 6 / 7) < 1e-12);
  assert.equal(stretchScore(1.5, c), 2.5);
  const stretched = scores.map((s) => stretchScore(s, c));
  for (let i = 1; i < scores.length; i++) assert.ok(stretched[i] > stretched[i - 1], 'monotone');
  assert.deepEqual(stretched.map((s) => Math.round(s) >= 3), scores.map((s) => s >= 1.5));
  assert.equal(stretchScore(5, c), 5);
});

test('TF-IDF ridge: the dual solution predicts what the primal normal equations give', () => {
  const ex = [
    { text: 'the cell divides into two cells', score: 3 }, { text: 'buy cheap shoes now', score: 0 },
    { text: 'the cell membrane and the nucleus', score: 4 }, { text: 'cheap shoes on sale now', score: 1 }, { text: 'two cells and one nucleus', score: 2 },
  ];
  const alpha = 0.5, m = TfidfRidge.train(ex, alpha);
  // Primal: the same TF-IDF rows built by hand, centred, (XcᵀXc + αI) w = Xcᵀ(y − ȳ).
  const tok = (t: string) => { const w = t.toLowerCase().match(/\b\w\w+\b/gu)!; return [...w, ...w.slice(1).map((x, i) => `${w[i]} ${x}`)]; };
  const vocab = [...new Set(ex.flatMap((e) => tok(e.text)))], V = vocab.length, n = ex.length;
  const df = vocab.map((g) => ex.filter((e) => tok(e.text).includes(g)).length);
  const row = (t: string) => {
    const r = vocab.map((g, j) => tok(t).filter((x) => x === g).length * (Math.log((1 + n) / (1 + df[j])) + 1));
    const norm = Math.hypot(...r) || 1;
    return r.map((x) => x / norm);
  };
  const X = ex.map((e) => row(e.text)), mx = vocab.map((_, j) => X.reduce((s, r) => s + r[j], 0) / n), my = ex.reduce((s, e) => s + e.score, 0) / n;
  const A = vocab.map((_, p) => vocab.map((_, q) => X.reduce((s, r) => s + (r[p] - mx[p]) * (r[q] - mx[q]), 0) + (p === q ? alpha : 0)));
  const b = vocab.map((_, p) => X.reduce((s, r, i) => s + (r[p] - mx[p]) * (ex[i].score - my), 0));
  for (let i = 0; i < V; i++) for (let r = i + 1; r < V; r++) { const f = A[r][i] / A[i][i]; for (let k = i; k < V; k++) A[r][k] -= f * A[i][k]; b[r] -= f * b[i]; }
  const w = new Array<number>(V).fill(0);
  for (let i = V - 1; i >= 0; i--) { let s = b[i]; for (let k = i + 1; k < V; k++) s -= A[i][k] * w[k]; w[i] = s / A[i][i]; }
  for (const t of ['the nucleus of the cell', 'cheap cheap shoes', 'nothing known here']) {
    const x = row(t), primal = my + x.reduce((s, v, j) => s + w[j] * (v - mx[j]), 0);
    assert.ok(Math.abs(m.predict(t) - primal) < 1e-9, `${t}: dual ${m.predict(t)}, primal ${primal}`);
  }
});

test('wren filter score: one {"score"} per input line, in input order, equal to the model\'s own scores', async () => {
  const dir = scratchDir();
  const texts = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 'we learn how cells divide and why. ' : 'buy shoes now, cheap sale. ').repeat(1 + (i % 5)) + `doc ${i}`);
  const model = trainLinearNgram(texts.map((t, i) => ({ text: t, score: i % 3 === 0 ? 4 : 1 })), { epochs: 3, bits: 12 });
  model.save(join(dir, 'clf'), {});
  writeFileSync(join(dir, 'in.jsonl'), texts.map((t, i) => JSON.stringify({ id: i, body: t })).join('\n') + '\n');
  const r = await scoreFile({ classifier: join(dir, 'clf'), input: join(dir, 'in.jsonl'), output: join(dir, 'out.jsonl'), textField: 'body' });
  assert.equal(r.lines, 300);
  const got = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(got.length, 300);
  got.forEach((g, i) => assert.ok(Math.abs(g.score - model.score(texts[i])) < 1e-4, `line ${i + 1}`));
  assert.ok(got[0].score > got[1].score, 'an educational line scores above a shop line');
  await assert.rejects(scoreFile({ classifier: join(dir, 'clf'), input: join(dir, 'in.jsonl'), output: join(dir, 'out.jsonl') }), /exists; add --force/);
  writeFileSync(join(dir, 'bad.jsonl'), JSON.stringify({ text: 'fine' }) + '\n{"text": 3}\n');
  await assert.rejects(scoreFile({ classifier: join(dir, 'clf'), input: join(dir, 'bad.jsonl'), output: join(dir, 'o2.jsonl') }), /bad\.jsonl:2: field 'text' must be a string/);
});

test('the annotation prompt carries the page verbatim, $-patterns included', async () => {
  // TEST DOUBLE: a teacher that records the prompt it is sent (no LLM runs here).
  const prompts: string[] = [];
  const teacher: Teacher = {
    id: 'recorder', supports: () => false, stats: emptyTeacherStats, close: async () => {},
    complete: async (r) => { prompts.push(r.messages[0].content); return { text: 'Educational score: 2', usage: { promptTokens: 0, completionTokens: 0 }, model: 'recorder' }; },
  };
  const page = "Prices: $5 to $10. In JS, '$&' and \"$'\" and $` are replacement patterns.";
  const a = new EduAnnotator(teacher, { prompt: 'web', cacheFile: '', maxChars: 8000, storeText: false, maxTokens: 10 });
  assert.equal((await a.annotate(page, 'p')).score, 2);
  assert.ok(prompts[0].includes(`The extract: ${page}.\nAfter examining`), prompts[0].slice(-300));
});
