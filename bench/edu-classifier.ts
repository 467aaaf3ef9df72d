// wren bench edu-classifier [--labels FILE] [--seeds N] [--folds K] [--docs N]
// wren bench edu-classifier --report DIR [--docs N]
// With --report (a `wren filter compare` output folder): scoring throughput on 2 cores of every
// scorer in it — the heuristic, TF-IDF ridge (retrained on the report's split) and each saved
// classifier folder — docs/s, median of 3, on --docs pages cycled from the split's held-out side.
// wren bench edu-classifier --refine SPLIT_SEED… [--per-round N] [--rounds R]
// With --refine: the repetitive-filtering loop on the 2,000-row split, the train side as the pool
// and the held-out side as the agreement check. The teacher is a REPLAY (a stand-in, it says so):
// it answers each page with the score Llama-3-70B gave it, in FineWeb-Edu's reply format, so the
// loop runs offline on real labels and shows how the classifier and the kept set move per round.
// Without either:
// The edu-value classifiers on labelled texts (default: the 150 FineWeb rows scored by
// Llama-3.3-70B): for linear-ngram and the transformer with last-token and mean pooling, over
// several split/training seeds — training time of the saved model, held-out and k-fold
// cross-validated keep metrics at threshold 3 beside keep-everything; then scoring throughput
// (docs/s, median of 3) of each saved model on --docs documents cycled from the label texts.
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEduClassifier } from '../src/data/filter/edu/classifier.ts';
import { readLabels } from '../src/data/filter/edu/labels.ts';
import { trainEduClassifierFromLabels } from '../src/data/filter/edu/train-classifier.ts';
import { TransformerEduClassifier } from '../src/data/filter/edu/transformer-classifier.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { autoOn, figureLine, jsOn, machineLine, median, ranOnDescription } from './_machine.ts';
import { existsSync, readFileSync } from 'node:fs';
import { scoreWeb } from '../src/data/filter/edu/heuristic-scorer.ts';
import { fineweb2kSplitSpec, makeEduSplit } from '../src/data/filter/edu/split.ts';
import { refineLoop } from '../src/data/filter/edu/refine-loop.ts';
import { emptyTeacherStats, type Teacher } from '../src/llm/teacher.ts';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { TfidfRidge } from '../src/data/filter/edu/tfidf-ridge.ts';
import type { CompareReport } from '../src/data/filter/edu/compare.ts';
import { EmbeddingEduClassifier } from '../src/data/filter/edu/embedding-classifier.ts';

/** docs/s of `score` over `docs`, median of 3 passes (all of a pass queued at once, so batching scorers batch). */
async function throughput(docs: string[], score: (t: string) => number | Promise<number>): Promise<{ seconds: number; docsPerSecond: number }> {
  const times: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    await Promise.all(docs.map((d) => score(d)));
    times.push((performance.now() - t0) / 1000);
  }
  const s = median(times);
  return { seconds: +s.toFixed(3), docsPerSecond: Math.round(docs.length / s) };
}

/** TEST DOUBLE teacher: replays known scores for known pages (matched on the prompt's extract). */
function replayTeacher(labels: Map<string, number>, maxChars: number): Teacher {
  let requests = 0;
  return {
    id: 'replay:llama-3-70b-labels', supports: () => false,
    async complete(req) {
      requests++;
      const prompt = req.messages[0].content, start = prompt.indexOf('The extract: ') + 'The extract: '.length;
      const extract = prompt.slice(start, prompt.lastIndexOf('.\nAfter examining the extract:'));
      const score = labels.get(extract.slice(0, maxChars));
      if (score === undefined) throw new Error(`replay teacher: no label for the page starting ${JSON.stringify(extract.slice(0, 80))}`);
      return { text: `Replayed label.\nEducational score: ${score}`, usage: { promptTokens: 0, completionTokens: 0 }, model: 'replay' };
    },
    stats: () => ({ ...emptyTeacherStats(), requests }),
    close: async () => {},
  };
}

async function benchRefine(rounds: number, perRound: number): Promise<void> {
  const split = makeEduSplit(fineweb2kSplitSpec(fileURLToPath(new URL('../../shared/data/', import.meta.url))));
  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-refine-'));
  try {
    const pool = join(dir, 'pool.jsonl'), maxChars = 8000;
    writeFileSync(pool, split.train.map((e, i) => JSON.stringify({ id: `t${i}`, text: e.text })).join('\n') + '\n');
    const teacher = replayTeacher(new Map(split.train.map((e) => [e.text.slice(0, maxChars), e.score])), maxChars);
    const t0 = performance.now();
    await refineLoop({
      inputs: [pool], dir: join(dir, 'loop'), teacher, rounds, perRound, heldOut: split.test, maxChars, trainOptions: { calibrate: 5 },
      onRound: (r) => console.log(figureLine({ ...r, seconds: +((performance.now() - t0) / 1000).toFixed(1) }, autoOn(os.availableParallelism()))),
    });
    console.log(readFileSync(join(dir, 'loop', 'rounds.md'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchReport(dir: string, nDocs: number): Promise<void> {
  const file = join(dir, 'report.json');
  if (!existsSync(file)) throw new Error(`${dir}: no report.json (run 'wren filter compare --out ${dir}' first)`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as CompareReport;
  const split = makeEduSplit({ labels: report.split.labels, fields: report.split.fields, seed: report.split.seed, heldOutFraction: report.split.heldOutFraction });
  const docs = Array.from({ length: nDocs }, (_, i) => split.test[i % split.test.length].text);
  const mb = docs.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  const line = (name: string, backend: string, r: { seconds: number; docsPerSecond: number }) =>
    console.log(figureLine({ scorer: name, backend, docs: nDocs, mb: +mb.toFixed(2), ...r, mbPerSecond: +(mb / r.seconds).toFixed(2) }, backend === 'TypeScript' ? jsOn() : ranOnDescription(backend)));
  line('heuristic', 'TypeScript', await throughput(docs, (t) => scoreWeb(t)));
  const ridge = TfidfRidge.train(split.train, 1);
  line('tfidf-ridge', 'TypeScript', await throughput(docs, (t) => ridge.predict(t)));
  for (const r of report.results) {
    if (!r.folder) continue;
    const model = await loadEduClassifier(r.folder);
    const backend = model instanceof TransformerEduClassifier ? model.backendDescription : model instanceof EmbeddingEduClassifier ? model.trunk.backend.description : 'TypeScript';
    line(r.name, backend, await throughput(docs, (t) => model.score(t, '')));
    await model.close?.();
  }
}

const VARIANTS: { name: string; kind: string; trainOptions: Record<string, number> }[] = [
  { name: 'linear-ngram', kind: 'linear-ngram', trainOptions: {} },
  { name: 'transformer-last', kind: 'transformer', trainOptions: { meanPool: 0 } },
  { name: 'transformer-mean', kind: 'transformer', trainOptions: { meanPool: 1 } },
];

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { labels: { type: 'string' }, seeds: { type: 'string' }, folds: { type: 'string' }, docs: { type: 'string' }, only: { type: 'string' }, report: { type: 'string' },
    refine: { type: 'boolean' }, rounds: { type: 'string' }, 'per-round': { type: 'string' } },
    'usage: wren bench edu-classifier [--labels FILE] [--seeds N] [--folds K] [--docs N] [--only NAME]\n       wren bench edu-classifier --report DIR [--docs N]\n       wren bench edu-classifier --refine [--rounds R] [--per-round N]');
  if (values.refine === true) {
    console.log(machineLine());
    return benchRefine(intFlag(values.rounds, 'rounds', 4, 1, 100), intFlag(values['per-round'], 'per-round', 200, 2));
  }
  if (typeof values.report === 'string') {
    console.log(machineLine());
    return benchReport(values.report, intFlag(values.docs, 'docs', 400, 1));
  }
  const labels = typeof values.labels === 'string' ? values.labels : new URL('../../shared/data/edu-value/fineweb_edu_llama3.3-70b_scored_150.csv', import.meta.url).pathname;
  const seeds = intFlag(values.seeds, 'seeds', 3, 1, 100), folds = intFlag(values.folds, 'folds', 5, 2, 100), nDocs = intFlag(values.docs, 'docs', 600, 1);
  console.log(machineLine());
  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-edu-'));
  const texts = readLabels(labels).examples.map((e) => e.text);
  const docs = Array.from({ length: nDocs }, (_, i) => texts[i % texts.length]);
  const mb = docs.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  try {
    for (const v of VARIANTS.filter((x) => !values.only || x.name === values.only)) {
      type Metrics = { p: number; r: number; f1: number; keepAllF1: number; mae: number; spearman: number };
      const rows: { variant: string; seed: number; trainRows: number; trainSeconds: number; runSeconds: number; heldOut: Metrics; cv: Metrics }[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const out = join(dir, `${v.name}-${seed}`);
        const r = await trainEduClassifierFromLabels({ labels, out, kind: v.kind, folds, seed, trainOptions: v.trainOptions });
        const pick = (m: typeof r.heldOut): Metrics => ({ p: +m.precision.toFixed(3), r: +m.recall.toFixed(3), f1: +m.f1.toFixed(3), keepAllF1: +m.baselineKeepAll.f1.toFixed(3), mae: +m.mae.toFixed(3), spearman: +m.spearman.toFixed(3) });
        const row = { variant: v.name, seed, trainRows: r.train, trainSeconds: +r.trainSeconds.toFixed(2), runSeconds: +r.seconds.toFixed(1), heldOut: pick(r.heldOut), cv: pick(r.crossValidation) };
        rows.push(row);
        console.log(figureLine(row, v.kind === 'linear-ngram' ? jsOn() : autoOn(os.availableParallelism())));
      }
      const med = (f: (x: (typeof rows)[number]) => number): number => +median(rows.map(f)).toFixed(3);
      console.log(figureLine({ variant: v.name, seeds, median: { trainSeconds: med((x) => x.trainSeconds), heldOutF1: med((x) => x.heldOut.f1), cvF1: med((x) => x.cv.f1), keepAllCvF1: med((x) => x.cv.keepAllF1), cvSpearman: med((x) => x.cv.spearman), cvMae: med((x) => x.cv.mae) } }, v.kind === 'linear-ngram' ? jsOn() : autoOn(os.availableParallelism())));

      const model = await loadEduClassifier(join(dir, `${v.name}-1`));
      const times: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        await Promise.all(docs.map((d) => model.score(d, '')));
        times.push((performance.now() - t0) / 1000);
      }
      await model.close?.();
      const s = median(times);
      const backend = model instanceof TransformerEduClassifier ? model.backendDescription : 'TypeScript';
      console.log(figureLine({ variant: v.name, backend, scoring: { docs: nDocs, mb: +mb.toFixed(2), seconds: +s.toFixed(3), docsPerSecond: Math.round(nDocs / s), mbPerSecond: +(mb / s).toFixed(2) } }, backend === 'TypeScript' ? jsOn() : ranOnDescription(backend)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
