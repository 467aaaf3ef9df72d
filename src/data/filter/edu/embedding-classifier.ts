// The 'embedding' edu classifier, the way FineWeb-Edu and phi-1 built theirs: a frozen pretrained
// Wren trunk (classify/trunk-features.ts: mean-pooled, final-normed hidden states) and a small
// regression head on top, ridge regression on the standardised features:
//   score = clip(b + w·(f − μ)/σ, 0, 5),   (w, b) = argmin Σ (y − b − w·z)² + λ‖w‖².
// λ is picked by 5-fold cross-validation on the training rows (MSE over a grid), so no held-out
// row chooses it. `balance` weights rows as linear-ngram's option does (weighted least squares);
// `calibrate` 1 stretches the score so round(score) ≥ keepThreshold is the cut that was best on
// the same folds' out-of-fold scores (keep-calibration.ts). The trunk is frozen: only the C + 1 head numbers are learned.
//
// Directory (loaded by kind through classifier.ts):
//   classifier.json   manifest: kind 'embedding', threshold, maxLen, lambda, mean, std, w, bias
//   trunk/            the LM folder the features come from (config.json, model.safetensors,
//                     tokenizer.json), copied so the classifier folder stands alone
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrunkFeatures } from '../../../classify/trunk-features.ts';
import { WrenError } from '../../../errors.ts';
import { makeDir, writeFileAtomic } from '../../../formats/atomic.ts';
import { resolveModelFiles } from '../../../nn/load.ts';
import { BatchQueue } from './batch-queue.ts';
import { CLASSIFIER_FORMAT, CLASSIFIER_VERSION, registerEduClassifier, type EduClassifier, type EduClassifierManifest, type LabeledText } from './classifier.ts';
import { fitKeepCut, stretchScore, type KeepCut } from './keep-calibration.ts';
import { labelBalanceWeights } from './linear-classifier.ts';
import { clampScore } from './scorer.ts';

export const embeddingDefaults = { maxLen: 128, folds: 5, balance: 0, calibrate: 0, keepThreshold: 3 };
const LAMBDAS = [0.01, 0.1, 1, 10, 100, 1000];

type Head = { mean: Float64Array; std: Float64Array; w: Float64Array; bias: number; lambda: number; keepCut?: KeepCut };

export class EmbeddingEduClassifier implements EduClassifier {
  readonly kind = 'embedding';
  private queue = new BatchQueue((texts) => this.scoreBatch(texts));

  constructor(readonly trunk: TrunkFeatures, readonly trunkDir: string, readonly head: Head) {}

  scoreFeatures(f: ArrayLike<number>): number {
    const h = this.head;
    let s = h.bias;
    for (let k = 0; k < f.length; k++) s += h.w[k] * (f[k] - h.mean[k]) / h.std[k];
    return h.keepCut ? stretchScore(s, h.keepCut) : clampScore(s);
  }

  scoreBatch(texts: string[]): number[] {
    return this.trunk.features(texts).map((f) => this.scoreFeatures(f));
  }

  score(text: string): Promise<number> {
    return this.queue.score(text);
  }

  save(dir: string, extra: Record<string, unknown>): void {
    const t = join(dir, 'trunk');
    makeDir(t);
    const src = resolveModelFiles(this.trunkDir);
    for (const [from, name] of [[src.config!, 'config.json'], [src.weights, 'model.safetensors'], [src.tokenizer!, 'tokenizer.json']]) {
      if (join(t, name) !== from) copyFileSync(from, join(t, name));
    }
    const h = this.head, r = (xs: Float64Array) => [...xs].map((x) => Number(x.toPrecision(8)));
    writeFileAtomic(join(dir, 'classifier.json'), JSON.stringify({
      format: CLASSIFIER_FORMAT, version: CLASSIFIER_VERSION, kind: this.kind, threshold: 3, ...extra,
      maxLen: this.trunk.maxLen, trunk: 'trunk', features: 'mean-pooled final-normed hidden states', lambda: h.lambda,
      mean: r(h.mean), std: r(h.std), w: r(h.w), bias: h.bias, ...(h.keepCut ? { keepCut: h.keepCut } : {}),
    }, null, 2) + '\n');
  }

  async close(): Promise<void> {
    this.trunk.close();
  }
}

/** Solve (A + λI)x = b for the symmetric positive-definite C×C A (Gaussian elimination; C is small). */
function solve(A: Float64Array, b: Float64Array, C: number, lambda: number): Float64Array {
  const M = Float64Array.from(A), x = Float64Array.from(b);
  for (let i = 0; i < C; i++) M[i * C + i] += lambda;
  for (let i = 0; i < C; i++) {
    const d = M[i * C + i];
    for (let r = i + 1; r < C; r++) {
      const f = M[r * C + i] / d;
      if (f === 0) continue;
      for (let k = i; k < C; k++) M[r * C + k] -= f * M[i * C + k];
      x[r] -= f * x[i];
    }
  }
  for (let i = C - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < C; k++) s -= M[i * C + k] * x[k];
    x[i] = s / M[i * C + i];
  }
  return x;
}

/** Ridge on standardised rows `z` (already centred, so the bias is the mean label). */
function ridge(z: Float64Array[], y: number[], lambda: number, wt: ArrayLike<number>): { w: Float64Array; bias: number } {
  const C = z[0].length, A = new Float64Array(C * C), b = new Float64Array(C), mz = new Float64Array(C);
  let sw = 0, my = 0;
  z.forEach((row, i) => { sw += wt[i]; my += wt[i] * y[i]; for (let p = 0; p < C; p++) mz[p] += wt[i] * row[p]; });
  my /= sw;
  for (let p = 0; p < C; p++) mz[p] /= sw;
  z.forEach((row, i) => {
    for (let p = 0; p < C; p++) {
      const zp = row[p] - mz[p];
      b[p] += wt[i] * zp * (y[i] - my);
      for (let q = 0; q < C; q++) A[p * C + q] += wt[i] * zp * (row[q] - mz[q]);
    }
  });
  const w = solve(A, b, C, lambda);
  let bias = my;
  for (let p = 0; p < C; p++) bias -= w[p] * mz[p];
  return { w, bias };
}

export function fitEmbeddingHead(features: Float32Array[], labels: number[], folds: number, balance = 0, keepThreshold?: number): Head {
  const wt = labelBalanceWeights(labels.map((y) => Math.round(clampScore(y))), balance);
  const n = features.length, C = features[0].length;
  const mean = new Float64Array(C), std = new Float64Array(C);
  for (const f of features) for (let k = 0; k < C; k++) mean[k] += f[k] / n;
  for (const f of features) for (let k = 0; k < C; k++) std[k] += (f[k] - mean[k]) ** 2 / n;
  for (let k = 0; k < C; k++) std[k] = Math.sqrt(std[k]) || 1;
  const z = features.map((f) => Float64Array.from(f, (v, k) => (v - mean[k]) / std[k]));
  let best = { lambda: LAMBDAS[0], mse: Infinity, oof: [] as number[] };
  for (const lambda of LAMBDAS) {
    let se = 0;
    const oof = new Array<number>(n);
    for (let f = 0; f < folds; f++) {
      const keep = (_: unknown, i: number) => i % folds !== f;
      const m = ridge(z.filter(keep), labels.filter(keep), lambda, wt.filter(keep));
      z.forEach((row, i) => {
        if (i % folds !== f) return;
        let s = m.bias;
        for (let k = 0; k < C; k++) s += m.w[k] * row[k];
        se += wt[i] * (clampScore(s) - labels[i]) ** 2;
        oof[i] = clampScore(s);
      });
    }
    if (se / n < best.mse) best = { lambda, mse: se / n, oof };
  }
  const { w, bias } = ridge(z, labels, best.lambda, wt);
  return { mean, std, w, bias, lambda: best.lambda, ...(keepThreshold !== undefined ? { keepCut: fitKeepCut(best.oof, labels, keepThreshold) } : {}) };
}

export async function trainEmbeddingClassifier(examples: LabeledText[], options: Record<string, number>, from?: string): Promise<EmbeddingEduClassifier> {
  if (!from) throw new WrenError("the 'embedding' classifier needs --init DIR: the pretrained LM folder its features come from");
  const o = { ...embeddingDefaults, ...options };
  if (examples.length < 2 * o.folds) throw new WrenError(`embedding classifier: ${examples.length} labelled rows; need at least ${2 * o.folds} for ${o.folds}-fold λ selection`);
  const trunk = await TrunkFeatures.load(from, o.maxLen);
  try {
    const feats = trunk.features(examples.map((e) => e.text));
    return new EmbeddingEduClassifier(trunk, from, fitEmbeddingHead(feats, examples.map((e) => e.score), o.folds, o.balance, o.calibrate ? o.keepThreshold : undefined));
  } catch (err) {
    trunk.close();
    throw err;
  }
}

async function loadEmbedding(dir: string, m: EduClassifierManifest): Promise<EmbeddingEduClassifier> {
  const file = join(dir, 'classifier.json');
  const trunkDir = join(dir, String(m.trunk ?? 'trunk'));
  if (!existsSync(trunkDir)) throw new WrenError(`${file}: its trunk folder ${trunkDir} is missing`);
  const nums = (k: string): Float64Array => {
    const v = m[k];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new WrenError(`${file}: '${k}' must be an array of numbers`);
    return Float64Array.from(v as number[]);
  };
  const maxLen = Number(m.maxLen);
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new WrenError(`${file}: 'maxLen' must be a positive integer, got ${JSON.stringify(m.maxLen)}`);
  if (typeof m.bias !== 'number') throw new WrenError(`${file}: 'bias' must be a number`);
  const kc = m.keepCut as KeepCut | undefined;
  if (kc !== undefined && !(typeof kc?.cut === 'number' && typeof kc.target === 'number')) throw new WrenError(`${file}: 'keepCut' must be {"cut": number, "target": number}`);
  const head: Head = { mean: nums('mean'), std: nums('std'), w: nums('w'), bias: m.bias, lambda: Number(m.lambda), keepCut: kc };
  const trunk = await TrunkFeatures.load(trunkDir, maxLen);
  if (head.w.length !== trunk.dim || head.mean.length !== trunk.dim || head.std.length !== trunk.dim) {
    trunk.close();
    throw new WrenError(`${file}: the head has ${head.w.length} weights, the trunk's hidden size is ${trunk.dim}`);
  }
  return new EmbeddingEduClassifier(trunk, trunkDir, head);
}

registerEduClassifier(
  { kind: 'embedding', defaults: { ...embeddingDefaults }, train: (ex, opts, from) => trainEmbeddingClassifier(ex, opts, from) },
  loadEmbedding,
);
