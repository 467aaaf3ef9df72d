// Held-out evaluation of an edu scorer against labels: precision/recall/F1 of "keep" (score ≥
// threshold) against the labels' own keep decision, beside the keep-everything baseline (whose
// precision is the base rate — with skewed labels a model must beat it to mean anything), MAE,
// Spearman and Kendall (τ-b, ties counted as scipy does) rank correlations, the keep rate and a
// confusion matrix of rounded scores.
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
  kendall: number;
  /** Share of documents the scorer keeps (predicted ≥ threshold). */
  keepRate: number;
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

/** Kendall's τ-b: (concordant − discordant) / √((n0 − ties in a)(n0 − ties in b)); O(n²). */
export function kendall(a: number[], b: number[]): number {
  let c = 0, d = 0, ta = 0, tb = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const x = Math.sign(a[i] - a[j]), y = Math.sign(b[i] - b[j]);
      if (x === 0 && y === 0) continue;
      if (x === 0) ta++;
      else if (y === 0) tb++;
      else if (x === y) c++;
      else d++;
    }
  }
  const den = Math.sqrt((c + d + ta) * (c + d + tb));
  return den === 0 ? 0 : (c - d) / den;
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** FineWeb-Edu's integer score: the prediction clipped to 0–5 and rounded. */
export function roundClip(x: number): number {
  return Math.round(Math.min(5, Math.max(0, x)));
}

/** `decide`: 'raw' keeps a document when its predicted score ≥ threshold; 'rounded' when
 *  roundClip(score) ≥ threshold, FineWeb-Edu's rule (a raw 2.5 keeps at threshold 3). The rank
 *  correlations and MAE always use the raw scores. */
export function keepMetrics(labels: number[], predicted: number[], threshold: number, decide: 'raw' | 'rounded' = 'raw'): KeepMetrics {
  let tp = 0, fp = 0, fn = 0, tn = 0, abs = 0;
  const confusion = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i] >= threshold, pred = (decide === 'rounded' ? roundClip(predicted[i]) : predicted[i]) >= threshold;
    if (truth && pred) tp++; else if (pred) fp++; else if (truth) fn++; else tn++;
    abs += Math.abs(labels[i] - predicted[i]);
    confusion[roundClip(labels[i])][roundClip(predicted[i])]++;
  }
  const n = labels.length;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const base = (tp + fn) / Math.max(1, n);
  return {
    n, threshold, positives: tp + fn, precision, recall, f1: f1(precision, recall), accuracy: (tp + tn) / Math.max(1, n),
    baselineKeepAll: { precision: base, recall: 1, f1: f1(base, 1) },
    mae: abs / Math.max(1, n), spearman: spearman(labels, predicted), kendall: kendall(labels, predicted),
    keepRate: (tp + fp) / Math.max(1, n), confusion,
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
