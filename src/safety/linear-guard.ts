// The guard's fast baseline: multinomial logistic regression over the K guard labels on the
// edu-value filter's hashed unigram+bigram features (data/filter/edu/hashed-features.ts). The edu
// filter's own linear model is ordinal (one score 0–5); the guard needs K classes, so this is
// the same features with a softmax: W (K, 2^bits), b (K). AdaGrad, L2, seeded shuffles, classes
// weighted by (N / (K·n_k))^½ so the small categories are not drowned by 'safe'.
//
// Files: weights.f32 — K·2^bits + K little-endian float32 (W row-major, then b).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashedFeatures, type SparseVector } from '../data/filter/edu/hashed-features.ts';
import { WrenError } from '../errors.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { mulberry32 } from '../util/rng.ts';

export type LinearGuardOptions = { bits: number; ngrams: number; epochs: number; lr: number; l2: number; seed: number };
export const linearGuardDefaults: LinearGuardOptions = { bits: 16, ngrams: 2, epochs: 12, lr: 0.5, l2: 1e-5, seed: 1 };

export class LinearGuard {
  constructor(readonly K: number, readonly bits: number, readonly ngrams: number,
              readonly w: Float32Array) { // (K·2^bits + K,)
    if (w.length !== K * (1 << bits) + K) throw new WrenError(`linear guard: ${w.length} weights, expected ${K * (1 << bits) + K}`);
  }

  features(text: string): SparseVector {
    return hashedFeatures(text, this.bits, this.ngrams);
  }

  /** Logits (K,) of one feature vector. */
  logitsOf(x: SparseVector, out = new Float64Array(this.K)): Float64Array {
    const D = 1 << this.bits, bias = this.K * D;
    for (let k = 0; k < this.K; k++) {
      let z = this.w[bias + k];
      const row = k * D;
      for (let i = 0; i < x.index.length; i++) z += this.w[row + x.index[i]] * x.value[i];
      out[k] = z;
    }
    return out;
  }

  logits(texts: string[]): number[][] {
    return texts.map((t) => Array.from(this.logitsOf(this.features(t))));
  }

  save(dir: string): void {
    writeFileAtomic(join(dir, 'weights.f32'), new Uint8Array(this.w.buffer, this.w.byteOffset, this.w.byteLength));
  }

  static load(dir: string, K: number, bits: number, ngrams: number): LinearGuard {
    const file = join(dir, 'weights.f32');
    let buf: Buffer;
    try { buf = readFileSync(file); } catch { throw new WrenError(`${file}: missing; a linear guard folder holds guard.json and weights.f32`); }
    const n = K * (1 << bits) + K;
    if (buf.byteLength !== 4 * n) throw new WrenError(`${file}: ${buf.byteLength} bytes, expected ${4 * n} (${K}·2^${bits} + ${K} float32)`);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = buf.readFloatLE(4 * i);
    return new LinearGuard(K, bits, ngrams, w);
  }
}

export function trainLinearGuard(texts: string[], labels: number[], K: number, options: Partial<LinearGuardOptions> = {}): LinearGuard {
  const o = { ...linearGuardDefaults, ...options };
  if (texts.length === 0) throw new WrenError('linear guard: no training rows');
  const D = 1 << o.bits, N = texts.length;
  const guard = new LinearGuard(K, o.bits, o.ngrams, new Float32Array(K * D + K));
  const w = guard.w, g2 = new Float32Array(K * D + K).fill(1e-8); // AdaGrad accumulators
  const counts = new Array<number>(K).fill(0);
  for (const y of labels) counts[y]++;
  const classWeight = counts.map((c) => c === 0 ? 0 : Math.sqrt(N / (K * c)));
  const xs = texts.map((t) => guard.features(t));
  const order = texts.map((_, i) => i), rand = mulberry32(o.seed);
  const z = new Float64Array(K), bias = K * D;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = N - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    for (const idx of order) {
      const x = xs[idx], y = labels[idx], cw = classWeight[y];
      guard.logitsOf(x, z);
      let max = -Infinity, sum = 0;
      for (let k = 0; k < K; k++) max = Math.max(max, z[k]);
      for (let k = 0; k < K; k++) sum += (z[k] = Math.exp(z[k] - max));
      for (let k = 0; k < K; k++) {
        const g = cw * (z[k] / sum - (k === y ? 1 : 0)); // d loss / d logit_k
        if (g === 0) continue;
        const row = k * D;
        g2[bias + k] += g * g;
        w[bias + k] -= (o.lr * g) / Math.sqrt(g2[bias + k]);
        for (let i = 0; i < x.index.length; i++) {
          const j = row + x.index[i];
          const gj = g * x.value[i] + o.l2 * w[j];
          g2[j] += gj * gj;
          w[j] -= (o.lr * gj) / Math.sqrt(g2[j]);
        }
      }
    }
  }
  return guard;
}
