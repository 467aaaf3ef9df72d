// The 'linear-ngram' edu classifier: all-threshold ordinal logistic regression (Rennie & Srebro
// 2005) on hashed unigram+bigram features. One weight vector w and cut points θ_1 … θ_5:
//   P(score ≥ k | x) = σ(w·x − θ_k),   predicted score = Σ_k P(score ≥ k)  ∈ [0, 5].
// Trained with AdaGrad and L2, seeded shuffles. Trains on thousands of rows in seconds.
// `balance` b weights each row by (share of its label)^−b, normalised to mean 1: 0 is the plain
// loss; 0.5 (square-root inverse frequency) stops the rare high scores from being averaged away,
// which is what lets the expected score reach the keep threshold on skewed labels.
// `calibrate` k ≥ 2 trains k more models for out-of-fold scores of the training rows and stretches
// the score so round(score) ≥ keepThreshold is the cut that was best there (keep-calibration.ts).
//
// Files: classifier.json (manifest with bits, ngrams, thresholds θ) and weights.f32 — 2^bits
// little-endian float32 weights.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { makeDir, writeFileAtomic } from '../../../formats/atomic.ts';
import { mulberry32 } from '../../../util/rng.ts';
import {
  CLASSIFIER_FORMAT, CLASSIFIER_VERSION, registerEduClassifier,
  type EduClassifier, type EduClassifierManifest, type LabeledText,
} from './classifier.ts';
import { hashedFeatures, type SparseVector } from './hashed-features.ts';
import { fitKeepCut, stretchScore, type KeepCut } from './keep-calibration.ts';
import { EDU_MAX, clampScore } from './scorer.ts';

const LEVELS = EDU_MAX; // cut points for score ≥ 1 … ≥ 5

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export class LinearNgramClassifier implements EduClassifier {
  readonly kind = 'linear-ngram';
  constructor(
    readonly bits: number,
    readonly ngrams: number,
    readonly w: Float32Array, // (2^bits,)
    readonly theta: Float64Array, // (LEVELS,) cut points, increasing
    readonly keepCut?: KeepCut,
  ) {}

  margin(x: SparseVector): number {
    let z = 0;
    for (let i = 0; i < x.index.length; i++) z += this.w[x.index[i]] * x.value[i];
    return z;
  }

  scoreFeatures(x: SparseVector): number {
    const z = this.margin(x);
    let s = 0;
    for (let k = 0; k < LEVELS; k++) s += sigmoid(z - this.theta[k]);
    return this.keepCut ? stretchScore(s, this.keepCut) : clampScore(s);
  }

  score(text: string): number {
    return this.scoreFeatures(hashedFeatures(text, this.bits, this.ngrams));
  }

  save(dir: string, extra: Record<string, unknown>): void {
    makeDir(dir);
    const weights = join(dir, 'weights.f32');
    writeFileAtomic(weights, new Uint8Array(this.w.buffer, this.w.byteOffset, this.w.byteLength));
    const manifest = {
      format: CLASSIFIER_FORMAT, version: CLASSIFIER_VERSION, kind: this.kind,
      threshold: 3, ...extra,
      bits: this.bits, ngrams: this.ngrams, theta: [...this.theta], weights: 'weights.f32', ...(this.keepCut ? { keepCut: this.keepCut } : {}),
    };
    writeFileAtomic(join(dir, 'classifier.json'), JSON.stringify(manifest, null, 2) + '\n');
  }
}

export interface LinearTrainOptions {
  bits: number;
  ngrams: number;
  epochs: number;
  learningRate: number;
  l2: number;
  balance: number;
  calibrate: number;
  keepThreshold: number;
  seed: number;
}

export const linearDefaults: LinearTrainOptions = { bits: 18, ngrams: 2, epochs: 40, learningRate: 0.5, l2: 1e-4, balance: 0, calibrate: 0, keepThreshold: 3, seed: 1 };

/** Per-row weights (share of the row's label)^−balance, mean 1. */
export function labelBalanceWeights(ys: number[], balance: number): Float64Array {
  const count = new Map<number, number>();
  for (const y of ys) count.set(y, (count.get(y) ?? 0) + 1);
  const w = Float64Array.from(ys, (y) => (count.get(y)! / ys.length) ** -balance);
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return w.map((x) => x / mean);
}

export function trainLinearNgram(examples: LabeledText[], options: Partial<LinearTrainOptions> = {}): LinearNgramClassifier {
  const o = { ...linearDefaults, ...options };
  if (examples.length === 0) throw new WrenError('train-classifier: no labelled examples');
  if (o.calibrate >= 2) {
    const k = o.calibrate, oof = new Array<number>(examples.length);
    for (let f = 0; f < k; f++) {
      const m = trainLinearNgram(examples.filter((_, i) => i % k !== f), { ...o, calibrate: 0 });
      examples.forEach((e, i) => { if (i % k === f) oof[i] = m.score(e.text); });
    }
    const plain = trainLinearNgram(examples, { ...o, calibrate: 0 });
    return new LinearNgramClassifier(plain.bits, plain.ngrams, plain.w, plain.theta, fitKeepCut(oof, examples.map((e) => e.score), o.keepThreshold));
  }
  const D = 1 << o.bits;
  const w = new Float32Array(D);
  const gw = new Float32Array(D).fill(1e-8); // AdaGrad accumulators
  const theta = new Float64Array(LEVELS);
  const gt = new Float64Array(LEVELS).fill(1e-8);
  // Start the cut points at the label distribution's logits so training begins calibrated.
  for (let k = 0; k < LEVELS; k++) {
    const p = (examples.filter((e) => e.score >= k + 1).length + 0.5) / (examples.length + 1);
    theta[k] = -Math.log(p / (1 - p));
  }
  const xs = examples.map((e) => hashedFeatures(e.text, o.bits, o.ngrams));
  const ys = examples.map((e) => Math.round(clampScore(e.score)));
  const weight = labelBalanceWeights(ys, o.balance);
  const order = examples.map((_, i) => i);
  const rand = mulberry32(o.seed);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const idx of order) {
      const x = xs[idx], y = ys[idx];
      let z = 0;
      for (let i = 0; i < x.index.length; i++) z += w[x.index[i]] * x.value[i];
      let gz = 0;
      for (let k = 0; k < LEVELS; k++) {
        const g = weight[idx] * (sigmoid(z - theta[k]) - (y >= k + 1 ? 1 : 0)); // d loss / d logit_k
        gz += g;
        gt[k] += g * g;
        theta[k] += (o.learningRate * g) / Math.sqrt(gt[k]);
      }
      for (let i = 0; i < x.index.length; i++) {
        const j = x.index[i];
        const g = gz * x.value[i] + o.l2 * w[j];
        gw[j] += g * g;
        w[j] -= (o.learningRate * g) / Math.sqrt(gw[j]);
      }
    }
    for (let k = 1; k < LEVELS; k++) if (theta[k] < theta[k - 1]) theta[k] = theta[k - 1]; // keep cut points ordered
  }
  return new LinearNgramClassifier(o.bits, o.ngrams, w, theta);
}

function loadLinear(dir: string, m: EduClassifierManifest): LinearNgramClassifier {
  const bits = Number(m.bits), ngrams = Number(m.ngrams);
  const theta = m.theta;
  if (!Number.isInteger(bits) || bits < 4 || bits > 26 || !Array.isArray(theta) || theta.length !== LEVELS) {
    throw new WrenError(`${dir}/classifier.json: linear-ngram needs integer 'bits' in [4, 26] and ${LEVELS} 'theta' values`);
  }
  const buf = readFileSync(join(dir, String(m.weights ?? 'weights.f32')));
  if (buf.byteLength !== 4 << bits) throw new WrenError(`${dir}/weights.f32: ${buf.byteLength} bytes, expected ${4 << bits} (2^${bits} float32)`);
  const w = new Float32Array(1 << bits);
  for (let i = 0; i < w.length; i++) w[i] = buf.readFloatLE(4 * i);
  const kc = m.keepCut as KeepCut | undefined;
  if (kc !== undefined && !(typeof kc?.cut === 'number' && typeof kc.target === 'number')) throw new WrenError(`${dir}/classifier.json: 'keepCut' must be {"cut": number, "target": number}`);
  return new LinearNgramClassifier(bits, ngrams, w, Float64Array.from(theta.map(Number)), kc);
}

registerEduClassifier(
  { kind: 'linear-ngram', defaults: { ...linearDefaults }, train: (ex, opts) => trainLinearNgram(ex, opts) },
  loadLinear,
);
