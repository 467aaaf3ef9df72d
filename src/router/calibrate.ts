// Calibration (RouteLLM's calibrate_threshold.py): the threshold that sends `strongShare` of a
// reference prompt set to the strong model is the (1 − strongShare) quantile of the router's
// scores on it (pandas' linear quantile); it is stored in router.json with how it was found.
import { WrenError } from '../errors.ts';
import { quantile } from './metrics.ts';
import { readRouterManifest, writeRouterManifest, type Calibration } from './router-file.ts';
import type { Router } from './router.ts';

export function thresholdForShare(scores: number[], strongShare: number): number {
  if (!(strongShare >= 0 && strongShare <= 1)) throw new WrenError(`--strong-share must be in [0, 1], got ${strongShare}`);
  if (scores.length === 0) throw new WrenError('calibration needs at least one prompt');
  const sorted = Float64Array.from(scores).sort();
  // A share of 0 means none: the quantile would be the top score, which still routes (score ≥ threshold).
  if (strongShare === 0) return sorted[sorted.length - 1] + Number.EPSILON; // above every score (scores are in [0, 1]); NEVER_STRONG when the top is 1
  return quantile(sorted, 1 - strongShare);
}

export type CalibrationResult = Calibration & { threshold: number; measuredShare: number };

export async function calibrateRouter(dir: string, router: Router, prompts: string[], strongShare: number, promptsFile: string): Promise<CalibrationResult> {
  const scores = await router.scoreAll(prompts);
  const threshold = thresholdForShare(scores, strongShare);
  const measuredShare = scores.filter((s) => s >= threshold).length / scores.length;
  const calibration: Calibration = { strongShare, prompts: promptsFile, count: prompts.length };
  writeRouterManifest(dir, { ...readRouterManifest(dir), threshold, calibration });
  return { ...calibration, threshold, measuredShare };
}
