// Every edu scorer on one held-out split (split.ts), side by side: the keep-everything baseline,
// the built-in heuristic, TF-IDF ridge (the bar a learned scorer has to clear; also with the
// calibrated keep cut, for a like-for-like F1), and the Wren classifiers — linear-ngram, the
// linear model stacked with the heuristic, the transformer (from scratch, or fine-tuned from a pretrained
// LM), and the embedding head on a frozen pretrained trunk. Each is trained on the split's train
// side only and measured on its held-out side: Spearman, Kendall, MAE, confusion matrix, and
// precision/recall/F1 and keep rate of the keep decision round(clip(score)) ≥ threshold
// (FineWeb-Edu's rule). Writes report.md, report.json, calibration.svg, heldout-scores.jsonl
// and each trained classifier's folder (wren filter score reads them).
import { join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { makeDir, writeFileAtomic } from '../../../formats/atomic.ts';
import { calibrationSvg } from './calibration-svg.ts';
import { eduClassifierTrainer, type EduClassifier, type EduTrainProgress, type LabeledText } from './classifier.ts';
import { keepMetrics, roundClip, spearman, type KeepMetrics } from './evaluate.ts';
import { mulberry32 } from '../../../util/rng.ts';
import { scoreWeb } from './heuristic-scorer.ts';
import { histogram, type EduSplit } from './split.ts';
import { fitKeepCut, stretchScore } from './keep-calibration.ts';
import { TfidfRidge } from './tfidf-ridge.ts';
import './all-kinds.ts';

export type ScorerSpec = { name: string; kind: string; baseline?: boolean; needsInit?: boolean; options: Record<string, number> };

/** The line-up, in report order. The transformer options are cut to what trains in minutes on 2
 *  cores (128 tokens a page, 4 epochs); the defaults (256, 12) take about ten times longer. */
export const EDU_SCORERS: ScorerSpec[] = [
  { name: 'keep-all', kind: 'keep-all', baseline: true, options: {} },
  { name: 'heuristic', kind: 'heuristic', baseline: true, options: {} },
  { name: 'tfidf-ridge', kind: 'tfidf-ridge', baseline: true, options: {} },
  { name: 'tfidf-ridge-calibrated', kind: 'tfidf-ridge', baseline: true, options: { calibrate: 5 } },
  { name: 'linear-ngram', kind: 'linear-ngram', options: {} },
  { name: 'linear-ngram-calibrated', kind: 'linear-ngram', options: { calibrate: 5 } },
  { name: 'stacked', kind: 'stacked', options: { folds: 5 } },
  { name: 'transformer', kind: 'transformer', options: { maxLen: 128, epochs: 4, meanPool: 1 } },
  { name: 'transformer-init', kind: 'transformer', needsInit: true, options: { maxLen: 128, epochs: 3, meanPool: 1, lr: 1e-3 } },
  { name: 'embedding', kind: 'embedding', needsInit: true, options: { maxLen: 128 } },
  { name: 'embedding-calibrated', kind: 'embedding', needsInit: true, options: { maxLen: 128, calibrate: 1 } },
];

export interface CompareOptions {
  split: EduSplit;
  out: string;
  threshold?: number;
  /** Pretrained LM folder for 'transformer-init' and 'embedding' (skipped without one). */
  init?: string;
  only?: string[];
  onProgress?: (line: string) => void;
}

export interface ScorerResult {
  name: string;
  kind: string;
  baseline: boolean;
  metrics: KeepMetrics;
  trainSeconds: number;
  /** Scoring the held-out texts, wall clock, in this process (see `wren bench edu-classifier` for docs/s). */
  scoreSeconds: number;
  folder?: string;
  /** Against TF-IDF ridge on the same held-out pages: differences and their 95% paired-bootstrap intervals. */
  vsRidge?: { spearman: number; spearmanCi95: [number, number]; f1: number; f1Ci95: [number, number] };
}

const BOOTSTRAP = 1000;

function f1Of(labels: number[], pred: number[], threshold: number, idx: number[]): number {
  let tp = 0, fp = 0, fn = 0;
  for (const i of idx) {
    const t = labels[i] >= threshold, p = roundClip(pred[i]) >= threshold;
    if (t && p) tp++; else if (p) fp++; else if (t) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Paired bootstrap (seeded) of a − b on resampled held-out pages: the observed difference and the 2.5/97.5 percentiles. */
function pairedBootstrap(labels: number[], a: number[], b: number[], threshold: number): NonNullable<ScorerResult['vsRidge']> {
  const rand = mulberry32(20261201), n = labels.length, ds: number[] = [], df: number[] = [];
  const all = labels.map((_, i) => i);
  for (let r = 0; r < BOOTSTRAP; r++) {
    const idx = all.map(() => Math.floor(rand() * n));
    const y = idx.map((i) => labels[i]);
    ds.push(spearman(y, idx.map((i) => a[i])) - spearman(y, idx.map((i) => b[i])));
    df.push(f1Of(labels, a, threshold, idx) - f1Of(labels, b, threshold, idx));
  }
  const ci = (xs: number[]): [number, number] => { const s = xs.sort((p, q) => p - q); return [s[Math.floor(0.025 * BOOTSTRAP)], s[Math.ceil(0.975 * BOOTSTRAP) - 1]]; };
  return { spearman: spearman(labels, a) - spearman(labels, b), spearmanCi95: ci(ds), f1: f1Of(labels, a, threshold, all) - f1Of(labels, b, threshold, all), f1Ci95: ci(df) };
}

export interface CompareReport {
  split: { labels: string[]; fields: { text: string; score: string }; seed: number; heldOutFraction: number; train: number; test: number; histogram: { train: number[]; test: number[] } };
  threshold: number;
  init?: string;
  results: ScorerResult[];
  skipped: { name: string; why: string }[];
}

/** TF-IDF ridge, and with `folds` ≥ 2 the same keep cut the calibrated Wren scorers get: read off
 *  out-of-fold predictions of the training rows, so its F1 is compared like for like. */
function ridgeScorer(train: LabeledText[], folds: number, threshold: number): (text: string) => number {
  const m = TfidfRidge.train(train, 1);
  if (folds < 2) return (x) => m.predict(x);
  const oof = new Array<number>(train.length);
  for (let f = 0; f < folds; f++) {
    const fm = TfidfRidge.train(train.filter((_, i) => i % folds !== f), 1);
    train.forEach((e, i) => { if (i % folds === f) oof[i] = fm.predict(e.text); });
  }
  const cut = fitKeepCut(oof, train.map((e) => e.score), threshold);
  return (x) => stretchScore(m.predict(x), cut);
}

async function scoreAll(m: EduClassifier, texts: string[]): Promise<number[]> {
  return (await Promise.all(texts.map((t) => m.score(t, '')))).map(Number); // all queued first: a batching scorer batches
}

export async function compareEduScorers(o: CompareOptions): Promise<CompareReport> {
  const threshold = o.threshold ?? 3, { train, test } = o.split, say = o.onProgress ?? (() => {});
  const labels = test.map((e) => e.score), texts = test.map((e) => e.text);
  const specs = EDU_SCORERS.filter((s) => !o.only || o.only.includes(s.name));
  for (const n of o.only ?? []) if (!EDU_SCORERS.some((s) => s.name === n)) throw new WrenError(`--only: unknown scorer '${n}'; known: ${EDU_SCORERS.map((s) => s.name).join(', ')}`);
  makeDir(o.out);
  const results: ScorerResult[] = [], skipped: { name: string; why: string }[] = [], predictions: Record<string, number[]> = {};
  for (const s of specs) {
    if (s.needsInit && !o.init) { skipped.push({ name: s.name, why: 'needs a pretrained LM (--init)' }); continue; }
    say(`${s.name}: training on ${train.length} rows…`);
    const t0 = performance.now();
    let predict: (xs: string[]) => Promise<number[]>, close = async () => {}, folder: string | undefined;
    if (s.kind === 'keep-all') predict = async (xs) => xs.map(() => 5);
    else if (s.kind === 'heuristic') predict = async (xs) => xs.map((x) => scoreWeb(x));
    else if (s.kind === 'tfidf-ridge') { const m = ridgeScorer(train, s.options.calibrate ?? 0, threshold); predict = async (xs) => xs.map(m); }
    else {
      const trainer = eduClassifierTrainer(s.kind);
      const onEpoch = (p: EduTrainProgress) => say(`  ${s.name}: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(3)}, ${p.seconds.toFixed(0)} s`);
      const keep: Record<string, number> = 'keepThreshold' in trainer.defaults ? { keepThreshold: threshold } : {}; // calibrated cuts at the compared threshold
      const m = await trainer.train(train, { ...trainer.defaults, ...s.options, ...keep }, s.needsInit ? o.init : undefined, onEpoch);
      folder = join(o.out, s.name);
      m.save(folder, { threshold, trainRows: train.length, options: s.options, ...(s.needsInit ? { initFrom: o.init } : {}) });
      predict = (xs) => scoreAll(m, xs);
      close = async () => { await m.close?.(); };
    }
    const trainSeconds = (performance.now() - t0) / 1000, t1 = performance.now();
    const pred = await predict(texts);
    const scoreSeconds = (performance.now() - t1) / 1000;
    await close();
    predictions[s.name] = pred;
    const r: ScorerResult = { name: s.name, kind: s.kind, baseline: !!s.baseline, metrics: keepMetrics(labels, pred, threshold, 'rounded'), trainSeconds, scoreSeconds, folder };
    results.push(r);
    say(`${s.name}: Spearman ${r.metrics.spearman.toFixed(3)}, F1@${threshold} ${r.metrics.f1.toFixed(3)}, MAE ${r.metrics.mae.toFixed(3)} (train ${trainSeconds.toFixed(1)} s)`);
  }
  // Against ridge with the calibrated cut where it ran (the same ranks, a like-for-like F1).
  const ridgePred = predictions['tfidf-ridge-calibrated'] ?? predictions['tfidf-ridge'];
  if (ridgePred) for (const r of results) if (!r.baseline) r.vsRidge = pairedBootstrap(labels, predictions[r.name], ridgePred, threshold);
  const report: CompareReport = {
    split: { ...o.split.spec, train: train.length, test: test.length, histogram: { train: histogram(train), test: histogram(test) } },
    threshold, ...(o.init ? { init: o.init } : {}), results, skipped,
  };
  writeFileAtomic(join(o.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileAtomic(join(o.out, 'report.md'), compareMarkdown(report));
  writeFileAtomic(join(o.out, 'calibration.svg'), calibrationSvg(`calibration on ${test.length} held-out pages`,
    results.filter((r) => r.kind !== 'keep-all').map((r) => ({ name: r.name, predicted: predictions[r.name], labels }))));
  writeFileAtomic(join(o.out, 'heldout-scores.jsonl'), test.map((e: LabeledText, i) =>
    JSON.stringify({ label: e.score, ...Object.fromEntries(Object.entries(predictions).map(([k, v]) => [k, Number(v[i].toFixed(4))])) })).join('\n') + '\n');
  return report;
}

/** The best learned (non-baseline) result by held-out Spearman, ties (a recalibrated twin ranks
 *  identically) broken by F1. */
export function bestLearned(r: CompareReport): ScorerResult | undefined {
  return r.results.filter((x) => !x.baseline).sort((a, b) => b.metrics.spearman - a.metrics.spearman || b.metrics.f1 - a.metrics.f1)[0];
}

export function compareMarkdown(r: CompareReport): string {
  const f = (x: number) => x.toFixed(3), pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const ridge = r.results.find((x) => x.name === 'tfidf-ridge-calibrated') ?? r.results.find((x) => x.name === 'tfidf-ridge'), best = bestLearned(r);
  const lines = [
    `# Edu-value scorers on one held-out split`,
    '',
    `Labels: ${r.split.labels.map((l) => `\`${l}\``).join(', ')} (score field \`${r.split.fields.score}\`).`,
    `Split: stratified by rounded score, seed ${r.split.seed}, ${pct(r.split.heldOutFraction)} held out: ${r.split.train} train / ${r.split.test} held-out rows;`,
    `scores 0–5 train ${r.split.histogram.train.join('/')}, held-out ${r.split.histogram.test.join('/')}. Keep = round(clip(score, 0, 5)) ≥ ${r.threshold}.`,
    ...(r.init ? [`Pretrained LM for the embedding head and transformer-init: \`${r.init}\`.`] : []),
    '',
    '| scorer | Spearman | Kendall τ-b | MAE | precision | recall | F1 | keep rate | train s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.results.map((x) => `| ${x.name}${x.baseline ? ' (baseline)' : ''} | ${f(x.metrics.spearman)} | ${f(x.metrics.kendall)} | ${f(x.metrics.mae)} | ${pct(x.metrics.precision)} | ${pct(x.metrics.recall)} | ${f(x.metrics.f1)} | ${pct(x.metrics.keepRate)} | ${x.trainSeconds.toFixed(1)} |`),
    '',
    ...(r.skipped.length ? [`Not run: ${r.skipped.map((s) => `${s.name} (${s.why})`).join('; ')}.`, ''] : []),
  ];
  if (best && ridge) {
    const sp = best.metrics.spearman > ridge.metrics.spearman, f1 = best.metrics.f1 > ridge.metrics.f1, v = best.vsRidge;
    const ci = (c: [number, number]) => `[${f(c[0])}, ${f(c[1])}]`;
    lines.push(`Best learned scorer (Spearman, then F1): **${best.name}** (${f(best.metrics.spearman)}, F1 ${f(best.metrics.f1)}) against ${ridge.name} (${f(ridge.metrics.spearman)}, F1 ${f(ridge.metrics.f1)}):`,
      `${sp ? 'higher' : '**not higher**'} on Spearman, ${f1 ? 'higher' : '**not higher**'} on F1 at ${r.threshold}.` +
      (v ? ` Paired bootstrap over the held-out pages (${BOOTSTRAP} resamples): Spearman difference ${f(v.spearman)}, 95% interval ${ci(v.spearmanCi95)}; F1 difference ${f(v.f1)}, ${ci(v.f1Ci95)}. An interval that spans 0 means the split cannot tell the two apart.` : ''),
      `With ${r.results[0]?.metrics.positives ?? 0} held-out pages at or above the threshold, F1 moves by several points per page.`, '');
    lines.push(`| scorer | Spearman − ${ridge.name} (95%) | F1 − ${ridge.name} (95%) |`, '| --- | --- | --- |',
      ...r.results.filter((x) => x.vsRidge).map((x) => `| ${x.name} | ${f(x.vsRidge!.spearman)} ${ci(x.vsRidge!.spearmanCi95)} | ${f(x.vsRidge!.f1)} ${ci(x.vsRidge!.f1Ci95)} |`), '');
  }
  lines.push('Confusion matrices (rows: LLM label 0–5, columns: rounded prediction 0–5):', '');
  for (const x of r.results) {
    lines.push(`${x.name}:`, '```', ...x.metrics.confusion.map((c, i) => `${i}: ${c.map((v) => String(v).padStart(4)).join('')}`), '```');
  }
  lines.push('', 'Calibration: `calibration.svg` (mean label per bin of predicted score).', '');
  return lines.join('\n');
}
