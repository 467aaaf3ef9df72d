// Held-out evaluation of an edu scorer against labels: precision/recall/F1 of "keep" (score ≥
// threshold) against the labels' own keep decision, beside the keep-everything baseline (whose
// precision is the base rate — with skewed labels a model must beat it to mean anything), MAE,
// Spearman rank correlation and a confusion matrix of rounded scores.
import { mulberry32 } from '../../../util/rng.ts';
import type { LabeledText } from './classifier.ts';

export interface KeepMetrics {
  n: number;
  threshold: number;
  positives: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  baselineKeepAll: { precision: number; recall: number; f1: number };
  mae: number;
  spearman: number;
  /** confusion[label][predicted], rounded scores 0…5. */
  confusion: number[][];
}

function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function spearman(a: number[], b: number[]): number {
  const ra = ranks(a), rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n, mb = rb.reduce((s, x) => s + x, 0) / n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

export function keepMetrics(labels: number[], predicted: number[], threshold: number): KeepMetrics {
  let tp = 0, fp = 0, fn = 0, tn = 0, abs = 0;
  const confusion = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i] >= threshold, pred = predicted[i] >= threshold;
    if (truth && pred) tp++; else if (pred) fp++; else if (truth) fn++; else tn++;
    abs += Math.abs(labels[i] - predicted[i]);
    confusion[Math.round(labels[i])][Math.round(predicted[i])]++;
  }
  const n = labels.length;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const base = (tp + fn) / Math.max(1, n);
  return {
    n, threshold, positives: tp + fn, precision, recall, f1: f1(precision, recall), accuracy: (tp + tn) / Math.max(1, n),
    baselineKeepAll: { precision: base, recall: 1, f1: f1(base, 1) },
    mae: abs / Math.max(1, n), spearman: spearman(labels, predicted), confusion,
  };
}

/** Seeded split stratified by rounded label, so rare scores reach the held-out side too. */
export function stratifiedSplit(examples: LabeledText[], heldOutFraction: number, seed: number): { train: LabeledText[]; test: LabeledText[] } {
  const rand = mulberry32(seed);
  const byLabel = new Map<number, LabeledText[]>();
  for (const e of examples) {
    const k = Math.round(e.score);
    byLabel.set(k, [...(byLabel.get(k) ?? []), e]);
  }
  const train: LabeledText[] = [], test: LabeledText[] = [];
  for (const k of [...byLabel.keys()].sort()) {
    const group = byLabel.get(k)!;
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [group[i], group[j]] = [group[j], group[i]];
    }
    const nTest = Math.round(group.length * heldOutFraction);
    test.push(...group.slice(0, nTest));
    train.push(...group.slice(nTest));
  }
  return { train, test };
}
