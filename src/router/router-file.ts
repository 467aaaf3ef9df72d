// The router folder's manifest, router.json, read and written in one place:
//   {"format": "wren-router", "version": 1, "policy": "classifier" | "linear" | "heuristic" |
//    "random" | "llm", "threshold": number in [0, 1] (route to strong when score ≥ it),
//    "calibration": {"strongShare", "prompts", "count"} (how the threshold was found, if it was),
//    "label": what the learned policies were trained to predict, "trainedOn", "heldOutSubjects",
//    "options", and per policy: "seed" (random), "client", "baseUrl" and "limits"
//    ({concurrency, rpm, tpm}) (llm)}
// Files beside it: classifier/ (a Wren text classifier folder), linear/ (an edu linear-ngram
// classifier folder, reused as a two-class model), llm-cache.jsonl (the llm policy's ratings).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { isRouterPolicy, ROUTER_POLICIES, type RouterPolicy } from './router.ts';

export const ROUTER_FORMAT = 'wren-router';
export const ROUTER_VERSION = 1;
export const STRONG_LABEL = 'strong model correct and weak model wrong';

export type Calibration = { strongShare: number; prompts: string; count: number };

export type RouterManifest = {
  format: typeof ROUTER_FORMAT;
  version: number;
  policy: RouterPolicy;
  threshold: number;
  calibration?: Calibration;
  label?: string;
  trainedOn?: string[];
  heldOutSubjects?: string[];
  options?: Record<string, number>;
  seed?: number;
  client?: string;
  baseUrl?: string;
  limits?: { concurrency?: number; rpm?: number; tpm?: number };
  [key: string]: unknown;
};

/** The smallest double above 1: a threshold no score reaches (a calibrated strong share of 0 when some score is 1). */
export const NEVER_STRONG = 1 + Number.EPSILON;

export function checkThreshold(t: number, what: string): number {
  if (typeof t !== 'number' || !(t >= 0 && t <= NEVER_STRONG)) throw new WrenError(`${what}: the threshold must be a number in [0, 1], got ${t}`);
  return t;
}

/** What a folder that is not a router most likely is, so the error can say so. */
function otherKind(dir: string): string {
  if (existsSync(join(dir, 'text-classifier.json'))) return ' (it is a Wren text classifier folder)';
  if (existsSync(join(dir, 'classifier.json'))) return ' (it is an edu-value classifier folder)';
  if (existsSync(join(dir, 'config.json'))) return ' (it looks like a model folder)';
  return '';
}

export function readRouterManifest(dir: string): RouterManifest {
  const file = join(dir, 'router.json');
  if (!existsSync(dir)) throw new WrenError(`--router ${dir}: no such folder`);
  if (!existsSync(file)) throw new WrenError(`${dir}: no router.json; not a Wren router folder${otherKind(dir)}. Make one with 'wren router train'`);
  let m: Partial<RouterManifest>;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WrenError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (m.format !== ROUTER_FORMAT) throw new WrenError(`${file}: 'format' is ${JSON.stringify(m.format)}, expected '${ROUTER_FORMAT}'`);
  if (m.version !== ROUTER_VERSION) throw new WrenError(`${file}: version ${m.version}, this Wren reads version ${ROUTER_VERSION}; train the router again`);
  if (typeof m.policy !== 'string' || !isRouterPolicy(m.policy)) throw new WrenError(`${file}: 'policy' must be one of ${ROUTER_POLICIES.join(', ')}, got ${JSON.stringify(m.policy)}`);
  checkThreshold(m.threshold as number, `${file}: 'threshold'`);
  return m as RouterManifest;
}

export function writeRouterManifest(dir: string, m: RouterManifest): void {
  checkThreshold(m.threshold, `${dir}/router.json`);
  makeDir(dir);
  writeFileAtomic(join(dir, 'router.json'), JSON.stringify(m, null, 2) + '\n');
}
