// `wren router train`: routing tables → a router folder. Subjects can be held out (named, or a
// seeded pick of N): their rows are never trained on, and router.json lists them so `router eval
// --held-out` measures only them. The learned policies (classifier, linear) learn "strong needed"
// = strong correct ∧ weak wrong (routing-data.ts); heuristic and random need no labels; llm
// stores its client spec. The threshold starts at 0.5 until `router calibrate` sets it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochProgress } from '../classify/train-text-classifier.ts';
import { WrenError } from '../errors.ts';
import { checkOutFolder } from '../formats/out-folder.ts';
import { mulberry32 } from '../util/rng.ts';
import { ClassifierRouter } from './policies/classifier.ts';
import { LinearRouter } from './policies/linear.ts';
import { readRouterManifest, ROUTER_FORMAT, ROUTER_VERSION, STRONG_LABEL, writeRouterManifest, type RouterManifest } from './router-file.ts';
import type { Router, RouterPolicy } from './router.ts';
import { needsStrong, readRoutingData, type RoutedPrompt, type TableColumns } from './routing-data.ts';

export type TrainRouterOptions = {
  data: string[];
  out: string;
  policy: RouterPolicy;
  columns?: TableColumns;
  holdOut?: string[];        // subjects never trained on
  holdOutCount?: number;     // or this many, picked with `seed`
  seed?: number;
  options?: Record<string, number>; // classifier: text-classifier options; linear: bits, epochs, …
  client?: string;           // llm: the client spec
  baseUrl?: string;
  limits?: { concurrency?: number; rpm?: number; tpm?: number }; // llm: the client's limits
  force?: boolean;
  onEpoch?: (p: EpochProgress) => void;
};

export type TrainRouterResult = { manifest: RouterManifest; trainRows: number; positives: number; heldOutRows: number; seconds: number; router?: Router };

/** Seeded pick of `count` subjects (Fisher–Yates on the sorted names). */
export function pickSubjects(subjects: string[], count: number, seed: number): string[] {
  const s = [...new Set(subjects)].sort();
  if (!(Number.isInteger(count) && count >= 1 && count < s.length)) throw new WrenError(`--hold-out-count must be an integer in [1, ${s.length - 1}] (there are ${s.length} subjects), got ${count}`);
  const rand = mulberry32(seed);
  for (let i = s.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [s[i], s[j]] = [s[j], s[i]];
  }
  return s.slice(0, count).sort();
}

export function splitBySubject(rows: RoutedPrompt[], heldOut: string[]): { train: RoutedPrompt[]; test: RoutedPrompt[] } {
  const h = new Set(heldOut);
  return { train: rows.filter((r) => !h.has(r.subject)), test: rows.filter((r) => h.has(r.subject)) };
}

export async function trainRouter(o: TrainRouterOptions): Promise<TrainRouterResult> {
  const t0 = performance.now();
  if (existsSync(join(o.out, 'router.json')) && !o.force) readRouterManifest(o.out); // a broken one gets its own error (--force replaces it)
  checkOutFolder(o.out, { marker: 'router.json', what: 'a router', force: o.force === true });
  const seed = o.seed ?? 1;
  const needsData = o.policy === 'classifier' || o.policy === 'linear';
  const rows = needsData || o.data.length > 0 ? readRoutingData(o.data, o.columns) : [];
  const subjects = rows.map((r) => r.subject);
  let heldOut = o.holdOut ?? [];
  if (o.holdOutCount) heldOut = pickSubjects(subjects, o.holdOutCount, seed);
  const known = new Set(subjects);
  for (const s of heldOut) if (!known.has(s)) throw new WrenError(`--hold-out: no subject '${s}' in the data (it has ${[...known].sort().slice(0, 8).join(', ')}${known.size > 8 ? ', …' : ''})`);
  const { train, test } = splitBySubject(rows, heldOut);
  if (needsData && train.length === 0) throw new WrenError('--hold-out leaves no rows to train on');
  const labels = train.map(needsStrong);
  const manifest: RouterManifest = {
    format: ROUTER_FORMAT, version: ROUTER_VERSION, policy: o.policy, threshold: 0.5,
    ...(needsData ? { label: STRONG_LABEL, trainedOn: o.data, options: { ...o.options, seed } } : {}),
    ...(heldOut.length ? { heldOutSubjects: heldOut } : {}),
    ...(o.policy === 'random' ? { seed } : {}),
  };
  if (o.policy === 'llm') {
    if (!o.client) throw new WrenError('--policy llm needs --client SPEC (e.g. openai:gpt-4o-mini)');
    manifest.client = o.client;
    if (o.baseUrl) manifest.baseUrl = o.baseUrl;
    if (o.limits && Object.values(o.limits).some((x) => x !== undefined)) manifest.limits = o.limits;
  }
  let router: Router | undefined;
  if (o.policy === 'classifier') router = await ClassifierRouter.train(o.out, train.map((r) => r.prompt), labels, { ...o.options, seed }, o.onEpoch);
  if (o.policy === 'linear') router = LinearRouter.train(o.out, train.map((r) => r.prompt), labels, { ...o.options, seed });
  writeRouterManifest(o.out, manifest);
  return { manifest, trainRows: train.length, positives: labels.filter(Boolean).length, heldOutRows: test.length, seconds: (performance.now() - t0) / 1000, router };
}
