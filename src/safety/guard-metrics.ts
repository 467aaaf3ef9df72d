// Guard evaluation in Llama Guard's terms: for the overall "unsafe" decision and for each
// category, precision, recall, F1, false-positive rate at the guard's threshold, and the area
// under the precision–recall curve (average precision over the ranked scores, threshold-free).
// Per source, the share flagged, which is recall on a harmful source and over-flagging on a safe one.
import { GUARD_CATEGORIES, type GuardCategory } from './categories.ts';
import type { GuardScores } from './guard-model.ts';

export type BinaryMetrics = { n: number; positives: number; precision: number; recall: number; f1: number; fpr: number; auprc: number };
export type GuardEvalReport = {
  threshold: number;
  overall: BinaryMetrics;
  categories: Record<GuardCategory, BinaryMetrics>;
  sources: Record<string, { n: number; harmful: boolean; flagged: number; flaggedRate: number }>;
};

/** Average precision of `scores` against `positive` (ties broken pessimistically: negatives first). */
export function averagePrecision(scores: number[], positive: boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || Number(positive[a]) - Number(positive[b]));
  const P = positive.filter(Boolean).length;
  if (P === 0) return NaN;
  let tp = 0, ap = 0;
  idx.forEach((i, rank) => { if (positive[i]) { tp++; ap += tp / (rank + 1); } });
  return ap / P;
}

export function binaryMetrics(scores: number[], positive: boolean[], threshold: number): BinaryMetrics {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  scores.forEach((s, i) => {
    const flag = s >= threshold;
    if (positive[i]) flag ? tp++ : fn++; else flag ? fp++ : tn++;
  });
  const precision = tp + fp ? tp / (tp + fp) : NaN, recall = tp + fn ? tp / (tp + fn) : NaN;
  return {
    n: scores.length, positives: tp + fn, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    fpr: fp + tn ? fp / (fp + tn) : NaN, auprc: averagePrecision(scores, positive),
  };
}

export type Labelled = { label: string; source: string };

export function evaluateGuard(rows: Labelled[], scores: GuardScores[], threshold: number): GuardEvalReport {
  const overall = binaryMetrics(scores.map((s) => s.score), rows.map((r) => r.label !== 'safe'), threshold);
  const categories = {} as Record<GuardCategory, BinaryMetrics>;
  // a category is flagged when its severity is above 0, i.e. P(c)/(P(c)+P(safe)) ≥ 0.5
  for (const c of GUARD_CATEGORIES) categories[c] = binaryMetrics(scores.map((s) => s.categories[c]), rows.map((r) => r.label === c), 0.5);
  const sources: GuardEvalReport['sources'] = {};
  rows.forEach((r, i) => {
    const s = (sources[r.source] ??= { n: 0, harmful: r.label !== 'safe', flagged: 0, flaggedRate: 0 });
    s.n++;
    if (scores[i].score >= threshold) s.flagged++;
  });
  for (const s of Object.values(sources)) s.flaggedRate = s.flagged / s.n;
  return { threshold, overall, categories, sources };
}

const pct = (x: number) => Number.isNaN(x) ? '   —' : `${(100 * x).toFixed(1).padStart(5)}%`;
const num = (x: number) => Number.isNaN(x) ? '   —' : x.toFixed(3);

export function formatGuardReport(r: GuardEvalReport): string {
  const head = `${'category'.padEnd(18)} ${'n+'.padStart(5)} precision recall     F1   FPR    AUPRC`;
  const line = (name: string, m: BinaryMetrics) =>
    `${name.padEnd(18)} ${String(m.positives).padStart(5)}    ${num(m.precision)}  ${num(m.recall)}  ${num(m.f1)} ${pct(m.fpr)}  ${num(m.auprc)}`;
  const src = Object.entries(r.sources).sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => `  ${name.padEnd(26)} ${s.harmful ? 'harmful' : 'safe   '} ${String(s.n).padStart(5)}  flagged ${pct(s.flaggedRate)}`);
  return [head, line('overall (unsafe)', r.overall), ...GUARD_CATEGORIES.map((c) => line(c, r.categories[c])),
    '', `flagged by source (threshold ${r.threshold}):`, ...src].join('\n');
}
