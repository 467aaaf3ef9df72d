// `wren filter train-classifier`: read labels, split off a seeded stratified held-out set, train a
// classifier of the chosen kind on the rest, and report held-out keep-metrics beside the
// keep-everything baseline and the built-in heuristic on the same rows. With few labels a single
// split is noisy, so k-fold cross-validated metrics (every row held out once) are reported too.
// The saved model is the one trained on the training split: the held-out numbers describe it.
import { join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { makeDir, writeFileAtomic } from '../../../formats/atomic.ts';
import { eduClassifierTrainer, type EduTrainProgress, type LabeledText } from './classifier.ts';
import { keepMetrics, stratifiedSplit, type KeepMetrics } from './evaluate.ts';
import { scoreWeb } from './heuristic-scorer.ts';
import { readLabels, type LabelFields } from './labels.ts';
import './all-kinds.ts';

export interface TrainClassifierOptions {
  labels: string;
  out: string;
  kind?: string;
  threshold?: number;
  heldOutFraction?: number;
  folds?: number;
  seed?: number;
  /** Start from this pretrained model (transformer: an LM folder with tokenizer.json). */
  init?: string;
  /** Progress of each model trained: 'saved model', then 'fold 1/5' … */
  onEpoch?: (model: string, p: EduTrainProgress) => void;
  /** Label columns / JSONL paths (default text, score). */
  fields?: LabelFields;
  /** Kind-specific numeric options (e.g. bits, epochs for linear-ngram; hidden, maxLen for transformer). */
  trainOptions?: Record<string, number>;
}

export interface TrainClassifierResult {
  kind: string;
  labels: { file: string; rows: number; skipped: number; histogram: number[] };
  train: number;
  heldOut: KeepMetrics;
  heuristicHeldOut: KeepMetrics;
  crossValidation: KeepMetrics & { folds: number };
  /** Training the saved model (on the training split). */
  trainSeconds: number;
  /** The whole run: training, scoring, and the k cross-validation trainings. */
  seconds: number;
}

function histogram(xs: LabeledText[]): number[] {
  const h = new Array<number>(6).fill(0);
  for (const e of xs) h[Math.round(e.score)]++;
  return h;
}

export async function trainEduClassifierFromLabels(o: TrainClassifierOptions): Promise<TrainClassifierResult> {
  const t0 = performance.now();
  const kind = o.kind ?? 'linear-ngram';
  const threshold = o.threshold ?? 3;
  const heldOutFraction = o.heldOutFraction ?? 0.2;
  const folds = o.folds ?? 5;
  const seed = o.seed ?? 1;
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new WrenError(`--held-out must be in (0, 1), got ${heldOutFraction}`);
  const trainer = eduClassifierTrainer(kind);
  if (o.init && kind !== 'transformer' && kind !== 'embedding') throw new WrenError(`--init is for --kind transformer or embedding, not ${kind}`);
  const opts = { ...trainer.defaults, ...o.trainOptions, seed };
  const { examples, skipped } = readLabels(o.labels, o.fields);
  if (examples.length < 10) throw new WrenError(`${o.labels}: ${examples.length} labelled rows; need at least 10 to hold some out`);

  const { train, test } = stratifiedSplit(examples, heldOutFraction, seed);
  const tTrain = performance.now();
  const model = await trainer.train(train, opts, o.init, (p) => o.onEpoch?.('saved model', p));
  const trainSeconds = (performance.now() - tTrain) / 1000;
  // All texts are handed to the scorer before any is awaited, so a batching scorer sees them together.
  const predict = async (m: typeof model, xs: LabeledText[]) => (await Promise.all(xs.map((e) => m.score(e.text, '')))).map(Number);
  const heldOut = keepMetrics(test.map((e) => e.score), await predict(model, test), threshold);
  const heuristicHeldOut = keepMetrics(test.map((e) => e.score), test.map((e) => scoreWeb(e.text)), threshold);

  // k-fold: fold f holds out every k-th row of a seeded stratified order.
  const order = stratifiedSplit(examples, 0.5, seed + 1);
  const all = [...order.test, ...order.train];
  const truth: number[] = [], pred: number[] = [];
  for (let f = 0; f < folds; f++) {
    const tr = all.filter((_, i) => i % folds !== f), te = all.filter((_, i) => i % folds === f);
    const m = await trainer.train(tr, opts, o.init, (p) => o.onEpoch?.(`fold ${f + 1}/${folds}`, p));
    truth.push(...te.map((e) => e.score));
    pred.push(...await predict(m, te));
    await m.close?.();
  }
  const crossValidation = { ...keepMetrics(truth, pred, threshold), folds };

  const result: TrainClassifierResult = {
    kind,
    labels: { file: o.labels, rows: examples.length, skipped, histogram: histogram(examples) },
    train: train.length,
    heldOut,
    heuristicHeldOut,
    crossValidation,
    trainSeconds,
    seconds: (performance.now() - t0) / 1000,
  };
  makeDir(o.out);
  model.save(o.out, { threshold, trainedOn: o.labels, trainRows: train.length, options: opts, ...(o.init ? { initFrom: o.init } : {}), metrics: { heldOut, crossValidation } });
  await model.close?.();
  writeFileAtomic(join(o.out, 'metrics.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(join(o.out, 'metrics.md'), metricsMarkdown(result));
  return result;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function row(name: string, m: KeepMetrics): string {
  return `| ${name} | ${m.n} | ${pct(m.precision)} | ${pct(m.recall)} | ${m.f1.toFixed(3)} | ${pct(m.baselineKeepAll.precision)} / ${m.baselineKeepAll.f1.toFixed(3)} | ${m.mae.toFixed(2)} | ${m.spearman.toFixed(2)} |`;
}

/** One plain sentence on whether the model beats keeping everything. */
function verdict(r: TrainClassifierResult): string {
  const cv = r.crossValidation;
  const gain = cv.f1 - cv.baselineKeepAll.f1;
  if (Math.abs(gain) < 0.01) {
    return `**At threshold ${cv.threshold} this model is no better than keeping everything** (cross-validated F1 ${cv.f1.toFixed(3)} vs ${cv.baselineKeepAll.f1.toFixed(3)}): with these labels it has not learned a useful keep/drop boundary. Its rank correlation with the labels (Spearman ${cv.spearman.toFixed(2)}) says how much ordering signal it has.`;
  }
  return gain > 0
    ? `Cross-validated F1 beats the keep-all baseline by ${gain.toFixed(3)}.`
    : `**Cross-validated F1 is ${(-gain).toFixed(3)} below the keep-all baseline**: at this threshold the model drops documents the labels would keep.`;
}

export function metricsMarkdown(r: TrainClassifierResult): string {
  const t = r.heldOut.threshold;
  return [
    `# Edu-value classifier (${r.kind})`,
    '',
    `Labels: \`${r.labels.file}\` — ${r.labels.rows} rows (${r.labels.skipped} skipped), score histogram 0–5: ${r.labels.histogram.join(' / ')}.`,
    `Trained on ${r.train} rows; keep threshold: score ≥ ${t}.`,
    '',
    '| evaluated on | rows | precision | recall | F1 | keep-all baseline P / F1 | MAE | Spearman |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('held-out split (this model)', r.heldOut),
    row('held-out split (built-in heuristic)', r.heuristicHeldOut),
    row(`${r.crossValidation.folds}-fold cross-validation`, r.crossValidation),
    '',
    '## How to read this',
    '',
    verdict(r),
    '',
    `The held-out split has ${r.heldOut.n} rows, ${r.heldOut.n - r.heldOut.positives} of them below the threshold. With so few`,
    'negatives one document more or less moves precision by several points: the numbers can show that the pipeline',
    'trains, saves and scores end to end and whether the model ranks documents at all (Spearman), not how well it',
    'will filter a real corpus. Compare with the keep-all baseline: when labels are skewed towards "keep", a model that',
    'keeps everything already has high precision and recall. Thousands of annotated rows (FineWeb-Edu used 450k) are',
    'needed for numbers that generalise; `wren filter annotate` produces them from a teacher.',
    '',
    `Confusion (rows: label, columns: predicted, rounded 0–5), held-out:`,
    '',
    '```',
    ...r.heldOut.confusion.map((c, i) => `${i}: ${c.map((x) => String(x).padStart(3)).join(' ')}`),
    '```',
    '',
  ].join('\n');
}
