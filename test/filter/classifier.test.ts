// The edu-value classifier end to end on the 150 FineWeb-Edu rows scored by Llama-3.3-70B:
// train, save, load, score, held-out metrics; determinism; use in a recipe; bad label files; the
// annotation prompt matches the published one. What 150 rows can show: that the pipeline works and
// roughly whether the model ranks documents — not filtering quality (see metrics.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEduClassifier } from '../../src/data/filter/edu/classifier.ts';
import { parseCsv, readLabels } from '../../src/data/filter/edu/labels.ts';
import { FINEWEB_EDU_PROMPT, parseEduScore } from '../../src/data/filter/edu/prompts.ts';
import { trainEduClassifierFromLabels } from '../../src/data/filter/edu/train-classifier.ts';
import { keepMetrics, spearman } from '../../src/data/filter/edu/evaluate.ts';
import { runFilter } from '../../src/data/filter/pipeline.ts';
import { loadRecipe } from '../../src/data/filter/recipe.ts';
import { scoreCode, scoreStory, scoreWeb } from '../../src/data/filter/edu/heuristic-scorer.ts';
import { sharedFile } from '../_helpers.ts';

const csv = sharedFile('edu-value/fineweb_edu_llama3.3-70b_scored_150.csv');

test('train-classifier on the 150 scored FineWeb rows: held-out metrics, saved model reloads to the same scores', { skip: csv.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-clf-'));
  const r = await trainEduClassifierFromLabels({ labels: csv.path, out: join(dir, 'a'), seed: 1 });
  assert.equal(r.labels.rows, 150);
  assert.deepEqual(r.labels.histogram, [0, 0, 16, 39, 77, 18]); // as the data README states
  assert.equal(r.heldOut.n, 30);
  assert.equal(r.train, 120);
  assert.equal(r.heldOut.n - r.heldOut.positives, 3, 'stratified: 20% of the 16 rows scored 2 are held out');
  assert.equal(r.crossValidation.n, 150);
  for (const m of [r.heldOut, r.crossValidation, r.heuristicHeldOut]) {
    for (const x of [m.precision, m.recall, m.f1, m.accuracy]) assert.ok(x >= 0 && x <= 1);
    assert.ok(m.mae >= 0 && m.mae <= 5);
  }
  const md = readFileSync(join(dir, 'a', 'metrics.md'), 'utf8');
  assert.match(md, /held-out split \(this model\) \| 30 \|/);
  assert.match(md, /keep-all baseline/);
  // Same seed → identical weights; the reloaded model scores exactly as the trained one.
  await trainEduClassifierFromLabels({ labels: csv.path, out: join(dir, 'b'), seed: 1 });
  assert.ok(readFileSync(join(dir, 'a', 'weights.f32')).equals(readFileSync(join(dir, 'b', 'weights.f32'))));
  const model = await loadEduClassifier(join(dir, 'a'));
  const { examples } = readLabels(csv.path);
  const scores = examples.map((e) => Number(model.score(e.text, '')));
  assert.ok(scores.every((s) => s >= 0 && s <= 5));
  const saved = JSON.parse(readFileSync(join(dir, 'a', 'metrics.json'), 'utf8'));
  assert.deepEqual(saved.heldOut, r.heldOut);
  // The model learned something about its training rows (it is not constant).
  assert.ok(Math.max(...scores) - Math.min(...scores) > 0.5, `score spread ${Math.min(...scores)}…${Math.max(...scores)}`);
  assert.ok(spearman(examples.map((e) => e.score), scores) > 0.3, 'ranks its own training data');
});

test('a trained classifier drives the edu-value stage of a recipe', { skip: csv.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-clf-run-'));
  await trainEduClassifierFromLabels({ labels: csv.path, out: join(dir, 'clf') });
  const { examples } = readLabels(csv.path);
  writeFileSync(join(dir, 'in.jsonl'), examples.slice(0, 40).map((e, i) => JSON.stringify({ id: `r${i}`, text: e.text, label: e.score })).join('\n') + '\n');
  writeFileSync(join(dir, 'r.yaml'), 'stages:\n  - stage: edu-value\n    scorer: classifier\n    model: clf\n    threshold: 3.9\n');
  const { pass } = await runFilter({ inputs: [join(dir, 'in.jsonl')], output: join(dir, 'out.jsonl'), recipe: loadRecipe(join(dir, 'r.yaml')), reportDir: join(dir, 'rep') });
  const h = pass.stages[0].histogram!;
  assert.equal(h.kept.reduce((a, b) => a + b, 0) + h.dropped.reduce((a, b) => a + b, 0), 40);
  const out = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(out.length, pass.docsOut);
  assert.ok(out.every((d) => d.edu_score >= 3.9 && typeof d.label === 'number'));
  assert.match(readFileSync(join(dir, 'rep', 'edu-value-histogram.svg'), 'utf8'), /^<svg[\s\S]*keep ≥ 3\.9[\s\S]*<\/svg>\n$/);
});

test('label files: CSV quoting, bad scores and missing columns are errors with file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-labels-'));
  const { rows, lines } = parseCsv('text,score\n"a, ""quoted""\nline",3\nplain,4\n');
  assert.deepEqual(rows, [['text', 'score'], ['a, "quoted"\nline', '3'], ['plain', '4']]);
  assert.deepEqual(lines, [1, 2, 4]);
  const write = (name: string, body: string) => { writeFileSync(join(dir, name), body); return join(dir, name); };
  assert.throws(() => readLabels(write('a.csv', 'text,score\nhello,7\n')), /a\.csv:2: score must be a number in \[0, 5\], got "7"/);
  assert.throws(() => readLabels(write('b.csv', 'body,score\nhello,3\n')), /b\.csv:1: the header needs 'text' and 'score' columns/);
  assert.throws(() => readLabels(write('c.csv', 'text,score\n"open,3\n')), /c\.csv:2: unterminated quoted field/);
  assert.throws(() => readLabels(write('d.jsonl', '{"text":"a","score":2}\n{"text":\n')), /d\.jsonl:2: not valid JSON/);
  const ok = readLabels(write('e.jsonl', '{"text":"a","score":2}\n{"text":"b","score":null}\n'));
  assert.equal(ok.examples.length, 1);
  assert.equal(ok.skipped, 1);
  await assert.rejects(trainEduClassifierFromLabels({ labels: join(dir, 'e.jsonl'), out: join(dir, 'o') }), /need at least 10/);
});

test('keep metrics: precision, recall, F1 and the keep-all baseline on a hand-checked case', () => {
  const m = keepMetrics([5, 4, 3, 2, 1, 0], [4, 2, 3.5, 3, 0, 0], 3);
  // truth keep: 5,4,3 (3); predicted keep: 4,3.5,3 → tp 2 (5,3), fp 1 (2), fn 1 (4)
  assert.equal(m.precision, 2 / 3);
  assert.equal(m.recall, 2 / 3);
  assert.equal(m.baselineKeepAll.precision, 0.5);
  assert.equal(m.confusion[4][2], 1);
});

const promptPaper = sharedFile('edu-value/fineweb_edu_prompt_paper_appendix.txt');
test('the embedded FineWeb-Edu prompt is the published one; replies parse to scores', { skip: promptPaper.skip }, () => {
  const published = readFileSync(promptPaper.path, 'utf8');
  assert.equal(FINEWEB_EDU_PROMPT.trim(), published.trim());
  assert.equal(parseEduScore('The extract is basic.\nEducational score: 3'), 3);
  assert.equal(parseEduScore('… Educational score: **4**'), 4);
  assert.equal(parseEduScore('Educational score: 2 … revised. Educational score: 1'), 1);
  assert.equal(parseEduScore('Educational score: 9'), null);
  assert.equal(parseEduScore('I cannot score this.'), null);
});

test('heuristic scorer: orders obvious cases (textbook > chatter > shop spam; documented code > bare code; simple story > dense prose)', () => {
  const textbook = 'Photosynthesis is the process by which plants make food. For example, a leaf uses energy from sunlight to ' +
    'turn water and carbon dioxide into sugar. Scientists call this a chemical reaction because new substances are made. ' +
    'Students can observe the process in an experiment: put a plant in the dark and measure how much it grows. ' +
    'Exercise: explain why a plant kept in the dark for a week turns yellow, and describe the result you expect.';
  const chatter = 'I went to the park today with my friends and I had so much fun, my dog ran around and I laughed a lot. ' +
    'Then I got ice cream and my sister got some too and I think it was the best day ever for me, I love summer so much.';
  const spam = 'Buy now! Best price on shoes, free shipping on every order. Click here to shop the sale and get a discount ' +
    'coupon. Limited offer for customers: add to cart, login and subscribe for deals on our best products and brands today.';
  assert.ok(scoreWeb(textbook) > scoreWeb(chatter), `${scoreWeb(textbook)} > ${scoreWeb(chatter)}`);
  assert.ok(scoreWeb(chatter) > scoreWeb(spam), `${scoreWeb(chatter)} > ${scoreWeb(spam)}`);
  const documented = ['/**', ' * Returns the greatest common divisor of a and b (Euclid).', ' * @param a first number', ' * @param b second number', ' */',
    'export function gcd(a, b) {', '  // each step keeps the remainder until it reaches zero', '  while (b !== 0) {', '    const t = a % b;', '    a = b;', '    b = t;', '  }', '  return a;', '}'].join('\n');
  const bare = 'var x=1;var y=2;var z=x+y;console.log(z);';
  assert.ok(scoreCode(documented, 'gcd.js') > scoreCode(bare, 'x.js') + 1);
  const story = 'Once upon a time, a little cat named Tom saw a big red ball. "Can I play?" he asked his friend. ' +
    'They played all day in the sun. Tom felt happy because he had a friend. From that day on, they played every day. The end.';
  const dense = 'Notwithstanding considerable methodological heterogeneity, contemporary epistemological investigations ' +
    'characteristically presuppose foundational commitments regarding justification, consequently generating ' +
    'irreconcilable interpretative disagreements concerning phenomenological manifestations, institutional ' +
    'arrangements, intersubjective accountability, transcendental argumentation and philosophical anthropology.';
  assert.ok(scoreStory(story) > scoreStory(dense) + 1);
});

test('heuristic scorer vs Llama-3.3-70B on the 150 rows: measured, not assumed (printed for the record)', { skip: csv.skip }, () => {
  const { examples } = readLabels(csv.path);
  const rho = spearman(examples.map((e) => e.score), examples.map((e) => scoreWeb(e.text)));
  // These rows are all mid-quality web pages (labels 2–5): surface rules barely rank them. The
  // number is reported, not tuned for (tuning on the evaluation rows would only overfit them).
  console.log(`heuristic web scorer: Spearman ${rho.toFixed(3)} with Llama-3.3-70B's scores on 150 rows`);
  assert.ok(Number.isFinite(rho) && rho > -1 && rho < 1);
});
