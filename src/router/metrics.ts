// RouteLLM's router metrics, as its evaluator computes them (lm-sys/RouteLLM @ 0b64fda,
// routellm/evals/benchmarks.py MMLU.evaluate and routellm/evals/evaluate.py generate_results):
//   thresholds  pd.qcut(scores, 10, retbins=True): the 0, 10 %, …, 100 % quantiles of the scores
//               (linear interpolation); threshold i sends a prompt to the strong model when
//               score ≥ t_i, the last when score > t_i (so the curve runs from 100 % to 0 %).
//               pandas refuses duplicate edges; here they are kept (RouteLLM's comment says
//               "including duplicates"): a repeated edge repeats a point and adds no area.
//   point       strong share = strong calls / prompts · 100, accuracy = the routed answers'
//               mean correctness · 100.
//   AUC         np.trapz(accuracy, strong share / 100) over the points sorted by strong share.
//   APGR        (AUC − weak AUC) / (strong AUC − weak AUC), the constant weak and strong lines
//               integrated over the same x: the average share of the quality gap recovered.
//   CPT(x %)    np.interp(weak + x·(strong − weak), accuracy, strong share): the strong-call share
//               (percent) at which the curve reaches x of the gap. np.interp assumes the accuracies
//               rise; where a curve dips, this is the same binary search numpy does on sorted input.
//   random      RouteLLM averages 10 runs of uniform random scores, grouped by strong share.
//   optimal     weak-correct prompts + min(strong calls, prompts only the strong model gets right).
import { mulberry32 } from '../util/rng.ts';

export type Outcome = { weak: boolean; strong: boolean };
export type CurvePoint = { threshold: number; strongShare: number; accuracy: number }; // both in percent
export type RouterMetrics = { auc: number; apgr: number; cpt20: number; cpt50: number; cpt80: number };

/** Pandas' Series.quantile(q) with linear interpolation, on a sorted copy. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of nothing');
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export const accuracyOf = (rows: Outcome[], model: 'weak' | 'strong') => (100 * rows.filter((r) => r[model]).length) / rows.length;

/** The routed curve at the scores' deciles (numResults bins, numResults + 1 points). */
export function routerCurve(scores: ArrayLike<number>, rows: Outcome[], numResults = 10): CurvePoint[] {
  if (scores.length !== rows.length) throw new Error(`${scores.length} scores for ${rows.length} rows`);
  const sorted = Float64Array.from(scores).sort();
  const n = rows.length, points: CurvePoint[] = [];
  for (let i = 0; i <= numResults; i++) {
    const t = quantile(sorted, i / numResults), last = i === numResults;
    let strong = 0, correct = 0;
    for (let k = 0; k < n; k++) {
      const toStrong = last ? scores[k] > t : scores[k] >= t;
      if (toStrong) strong++;
      if (toStrong ? rows[k].strong : rows[k].weak) correct++;
    }
    points.push({ threshold: t, strongShare: (100 * strong) / n, accuracy: (100 * correct) / n });
  }
  return points;
}

/** RouteLLM's random baseline: `iters` runs of uniform scores, points averaged per strong share. */
export function randomCurve(rows: Outcome[], iters = 10, seed = 0, numResults = 10): CurvePoint[] {
  const rand = mulberry32(seed);
  const groups = new Map<number, { t: number; acc: number; k: number }>();
  for (let it = 0; it < iters; it++) {
    const scores = rows.map(() => rand());
    for (const p of routerCurve(scores, rows, numResults)) {
      const g = groups.get(p.strongShare) ?? { t: 0, acc: 0, k: 0 };
      g.t += p.threshold; g.acc += p.accuracy; g.k++;
      groups.set(p.strongShare, g);
    }
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([s, g]) => ({ threshold: g.t / g.k, strongShare: s, accuracy: g.acc / g.k }));
}

/** The best any router could do with `strongShare` (0–1) of the calls, in percent. */
export function optimalAccuracy(rows: Outcome[], strongShare: number): number {
  const weakCorrect = rows.filter((r) => r.weak).length;
  const onlyStrong = rows.filter((r) => !r.weak && r.strong).length;
  return (100 * (weakCorrect + Math.min(rows.length * strongShare, onlyStrong))) / rows.length;
}

function trapz(y: number[], x: number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return s;
}

/** numpy.interp for increasing xp: fp[0] left of xp, fp[n-1] right of it, linear in between. */
export function interp(x: number, xp: number[], fp: number[]): number {
  const n = xp.length;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let lo = 0, hi = n - 1; // invariant: xp[lo] <= x < xp[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid; else hi = mid;
  }
  return fp[lo] + ((x - xp[lo]) * (fp[hi] - fp[lo])) / (xp[hi] - xp[lo]);
}

/** AUC, APGR and CPT(20/50/80 %) of one curve against the weak and strong accuracies (percent). */
export function curveMetrics(points: CurvePoint[], weakAccuracy: number, strongAccuracy: number): RouterMetrics {
  const p = points.map((q, i) => ({ ...q, i })).sort((a, b) => a.strongShare - b.strongShare || a.i - b.i);
  const x = p.map((q) => q.strongShare / 100), y = p.map((q) => q.accuracy);
  const auc = trapz(y, x);
  const weakAuc = trapz(x.map(() => weakAccuracy), x), strongAuc = trapz(x.map(() => strongAccuracy), x);
  const cpt = (f: number) => interp(f * (strongAccuracy - weakAccuracy) + weakAccuracy, y, p.map((q) => q.strongShare));
  return { auc, apgr: (auc - weakAuc) / (strongAuc - weakAuc), cpt20: cpt(0.2), cpt50: cpt(0.5), cpt80: cpt(0.8) };
}

/** A router's metrics on a table, straight from its scores. */
export function evaluateScores(scores: ArrayLike<number>, rows: Outcome[], numResults = 10): RouterMetrics & { points: CurvePoint[] } {
  const points = routerCurve(scores, rows, numResults);
  return { ...curveMetrics(points, accuracyOf(rows, 'weak'), accuracyOf(rows, 'strong')), points };
}

export type BootstrapInterval = { apgr: number; low: number; high: number; lowOverRandom: number; highOverRandom: number; resamples: number };

/**
 * A percentile bootstrap of APGR: prompts resampled with replacement `resamples` times, the
 * router's APGR and the random baseline's (one uniform draw per resample) recomputed on each; the
 * interval of the difference says by how much the router beats random.
 */
export function bootstrapApgr(scores: ArrayLike<number>, rows: Outcome[], resamples = 1000, seed = 1, level = 0.95): BootstrapInterval {
  const rand = mulberry32(seed), n = rows.length;
  const apgrs: number[] = [], diffs: number[] = [];
  const s = new Float64Array(n), r = new Float64Array(n);
  for (let b = 0; b < resamples; b++) {
    const sample: Outcome[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * n);
      sample[i] = rows[k]; s[i] = scores[k]; r[i] = rand();
    }
    const weak = accuracyOf(sample, 'weak'), strong = accuracyOf(sample, 'strong');
    if (weak === strong) continue; // no gap to recover in this resample
    const a = curveMetrics(routerCurve(s, sample), weak, strong).apgr;
    apgrs.push(a);
    diffs.push(a - curveMetrics(routerCurve(r, sample), weak, strong).apgr);
  }
  const cut = (xs: number[], q: number) => quantile(Float64Array.from(xs).sort(), q);
  const lo = (1 - level) / 2, hi = 1 - lo;
  return {
    apgr: evaluateScores(scores, rows).apgr, low: cut(apgrs, lo), high: cut(apgrs, hi),
    lowOverRandom: cut(diffs, lo), highOverRandom: cut(diffs, hi), resamples: apgrs.length,
  };
}
