// Where to cut a regression score into "keep". On skewed labels (FineWeb's: 8% score ≥ 3) a
// model fitted to the 0–5 score shrinks towards the common scores and rarely predicts ≥ 2.5, so
// FineWeb-Edu's rule round(score) ≥ 3 keeps nothing although the ranking is good. The fix reads
// the cut off the training rows only: out-of-fold scores (each row scored by a model that did not
// see it), the cut c that maximises F1 of "score ≥ c" against "label ≥ T" there, and a monotone
// piecewise-linear stretch of the score that sends c to T − ½, so that round(stretched) ≥ T is
// exactly score ≥ c. Ranks (Spearman, Kendall) do not change; only the keep decision and MAE do.
import { clampScore, EDU_MAX } from './scorer.ts';

export type KeepCut = { cut: number; target: number; oofF1: number };

/** The cut over out-of-fold `scores` that maximises F1 of score ≥ cut against label ≥ threshold. */
export function fitKeepCut(scores: number[], labels: number[], threshold: number): KeepCut {
  const order = scores.map((s, i) => [s, labels[i] >= threshold ? 1 : 0] as const).sort((a, b) => b[0] - a[0]);
  const positives = order.reduce((n, [, y]) => n + y, 0);
  let best: KeepCut = { cut: EDU_MAX, target: threshold - 0.5, oofF1: 0 }, tp = 0;
  for (let k = 0; k < order.length; k++) {
    tp += order[k][1];
    if (k + 1 < order.length && order[k + 1][0] === order[k][0]) continue; // a cut keeps all ties
    const f1 = (2 * tp) / (k + 1 + positives);
    if (f1 > best.oofF1) best = { cut: order[k][0], target: threshold - 0.5, oofF1: f1 };
  }
  return best;
}

/** The score stretched so the cut lands on the target: [0, c] → [0, target], [c, 5] → [target, 5]. */
export function stretchScore(s: number, c: KeepCut): number {
  const x = clampScore(s);
  if (c.cut <= 0 || c.cut >= EDU_MAX) return x;
  return x <= c.cut ? (x * c.target) / c.cut : c.target + ((x - c.cut) * (EDU_MAX - c.target)) / (EDU_MAX - c.cut);
}
