// `wren router eval`: a router's scores on a routing table → RouteLLM's metrics beside the random
// and optimal lines, a bootstrap interval on APGR, the curve as SVG and a JSON report.
import { join } from 'node:path';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { curveMetrics, accuracyOf, bootstrapApgr, evaluateScores, optimalAccuracy, randomCurve, type BootstrapInterval, type CurvePoint, type RouterMetrics } from './metrics.ts';
import { routingCurveSvg } from './curve-svg.ts';
import type { Router } from './router.ts';
import type { RoutedPrompt } from './routing-data.ts';

export type RouterEvaluation = {
  rows: number;
  subjects: string[];
  weakAccuracy: number;
  strongAccuracy: number;
  router: RouterMetrics & { points: CurvePoint[]; policy: string };
  random: RouterMetrics & { points: CurvePoint[] };
  optimal: RouterMetrics & { points: CurvePoint[] };
  bootstrap: BootstrapInterval;
  seconds: number;
};

export async function evaluateRouter(router: Router, rows: RoutedPrompt[], o: { resamples?: number; seed?: number } = {}): Promise<RouterEvaluation> {
  const t0 = performance.now();
  const scores = await router.scoreAll(rows.map((r) => r.prompt));
  const weakAccuracy = accuracyOf(rows, 'weak'), strongAccuracy = accuracyOf(rows, 'strong');
  const randomPoints = randomCurve(rows, 10, o.seed ?? 0);
  const optimalPoints = Array.from({ length: 11 }, (_, i) => ({ threshold: NaN, strongShare: i * 10, accuracy: optimalAccuracy(rows, i / 10) }));
  return {
    rows: rows.length,
    subjects: [...new Set(rows.map((r) => r.subject))].sort(),
    weakAccuracy, strongAccuracy,
    router: { ...evaluateScores(scores, rows), policy: router.policy },
    random: { ...curveMetrics(randomPoints, weakAccuracy, strongAccuracy), points: randomPoints },
    optimal: { ...curveMetrics(optimalPoints, weakAccuracy, strongAccuracy), points: optimalPoints },
    bootstrap: bootstrapApgr(scores, rows, o.resamples ?? 1000, o.seed ?? 1),
    seconds: (performance.now() - t0) / 1000,
  };
}

export function writeEvaluation(out: string, e: RouterEvaluation, names = { weak: 'weak', strong: 'strong' }): void {
  makeDir(out);
  writeFileAtomic(join(out, 'eval.json'), JSON.stringify(e, null, 2) + '\n');
  const svg = routingCurveSvg(`router ${e.router.policy}: ${e.rows} prompts, APGR ${e.router.apgr.toFixed(3)}`,
    [{ name: `${e.router.policy} (APGR ${e.router.apgr.toFixed(3)})`, points: e.router.points }, { name: `random (${e.random.apgr.toFixed(3)})`, points: e.random.points }, { name: 'optimal', points: e.optimal.points, dashed: true }],
    { name: names.weak, accuracy: e.weakAccuracy }, { name: names.strong, accuracy: e.strongAccuracy });
  writeFileAtomic(join(out, 'curve.svg'), svg);
}
