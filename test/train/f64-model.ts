// Float64 reference of the training math (each op, and the whole Llama loss), written
// independently of the kernels: the oracle for the finite-difference gradient checks.
// Shapes as in src/nn/ops.ts. Arrays are plain Float64Array, row-major.
import type { ParameterBlock, ParamName } from '../../src/nn/weights.ts';

export type F64 = Float64Array;

export function linear64(x: F64, w: F64, M: number, K: number, N: number): F64 {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += x[m * K + k] * w[n * K + k];
    out[m * N + n] = s;
  }
  return out;
}

export function rmsnorm64(x: F64, w: F64, M: number, C: number, eps: number): F64 {
  const out = new Float64Array(M * C);
  for (let m = 0; m < M; m++) {
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[m * C + c] ** 2;
    const r = 1 / Math.sqrt(ss / C + eps);
    for (let c = 0; c < C; c++) out[m * C + c] = x[m * C + c] * r * w[c];
  }
  return out;
}

export function rope64(x: F64, M: number, T: number, H: number, D: number, theta: number): F64 {
  const out = Float64Array.from(x);
  for (let m = 0; m < M; m++) for (let h = 0; h < H; h++) for (let i = 0; i < D; i += 2) {
    const a = (m % T) / Math.pow(theta, i / D), p = m * H * D + h * D + i;
    out[p] = x[p] * Math.cos(a) - x[p + 1] * Math.sin(a);
    out[p + 1] = x[p] * Math.sin(a) + x[p + 1] * Math.cos(a);
  }
  return out;
}

export function attention64(q: F64, k: F64, v: F64, B: number, T: number, H: number, Hkv: number, D: number): F64 {
  const out = new Float64Array(B * T * H * D), g = H / Hkv;
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) {
    const kh = Math.floor(h / g), s = new Float64Array(t + 1);
    for (let j = 0; j <= t; j++) {
      let d0 = 0;
      for (let d = 0; d < D; d++) d0 += q[(b * T + t) * H * D + h * D + d] * k[(b * T + j) * Hkv * D + kh * D + d];
      s[j] = d0 / Math.sqrt(D);
    }
    const mx = Math.max(...s);
    let sum = 0;
    for (let j = 0; j <= t; j++) sum += (s[j] = Math.exp(s[j] - mx));
    for (let d = 0; d < D; d++) {
      let acc = 0;
      for (let j = 0; j <= t; j++) acc += s[j] * v[(b * T + j) * Hkv * D + kh * D + d];
      out[(b * T + t) * H * D + h * D + d] = acc / sum;
    }
  }
  return out;
}

export function swiglu64(gate: F64, up: F64): F64 {
  return gate.map((g, j) => (g / (1 + Math.exp(-g))) * up[j]);
}

export function embedding64(table: F64, ids: ArrayLike<number>, C: number): F64 {
  const out = new Float64Array(ids.length * C);
  for (let m = 0; m < ids.length; m++) for (let c = 0; c < C; c++) out[m * C + c] = table[ids[m] * C + c];
  return out;
}

/** Per-row cross-entropy losses; rows with a negative target give 0. */
export function crossEntropy64(logits: F64, targets: ArrayLike<number>, V: number): F64 {
  const out = new Float64Array(targets.length);
  for (let m = 0; m < targets.length; m++) {
    if (targets[m] < 0) continue;
    const row = logits.subarray(m * V, (m + 1) * V), mx = Math.max(...row);
    let sum = 0;
    for (const z of row) sum += Math.exp(z - mx);
    out[m] = mx + Math.log(sum) - row[targets[m]];
  }
  return out;
}

const add64 = (a: F64, b: F64): F64 => a.map((x, i) => x + b[i]);

export type Llama64Shape = { C: number; F: number; L: number; H: number; Hkv: number; V: number; eps: number; theta: number; tied: boolean };

/** Mean cross-entropy of the whole model; `p(name, layer)` returns that tensor in float64. */
export function llamaLoss64(s: Llama64Shape, p: (name: string, layer?: number) => F64, ids: number[], targets: number[], B: number, T: number): number {
  const M = B * T, D = s.C / s.H;
  let x = embedding64(p('embed'), ids, s.C);
  for (let l = 0; l < s.L; l++) {
    const xb = rmsnorm64(x, p('attnNorm', l), M, s.C, s.eps);
    const q = rope64(linear64(xb, p('wq', l), M, s.C, s.H * D), M, T, s.H, D, s.theta);
    const k = rope64(linear64(xb, p('wk', l), M, s.C, s.Hkv * D), M, T, s.Hkv, D, s.theta);
    const v = linear64(xb, p('wv', l), M, s.C, s.Hkv * D);
    x = add64(x, linear64(attention64(q, k, v, B, T, s.H, s.Hkv, D), p('wo', l), M, s.H * D, s.C));
    const xf = rmsnorm64(x, p('ffnNorm', l), M, s.C, s.eps);
    const h = swiglu64(linear64(xf, p('w1', l), M, s.C, s.F), linear64(xf, p('w3', l), M, s.C, s.F));
    x = add64(x, linear64(h, p('w2', l), M, s.F, s.C));
  }
  const logits = linear64(rmsnorm64(x, p('finalNorm'), M, s.C, s.eps), p(s.tied ? 'embed' : 'lmHead'), M, s.C, s.V);
  const losses = crossEntropy64(logits, targets, s.V);
  const n = targets.filter((t) => t >= 0).length;
  return losses.reduce((a, b) => a + b, 0) / n;
}

/** A float64 copy of every parameter, and `get(name, layer?)` over it (one layer's slice) for the losses above. */
export function float64Params(params: ParameterBlock): { p64: Map<ParamName, F64>; get: (name: string, layer?: number) => F64 } {
  const p64 = new Map<ParamName, F64>([...params.entries.keys()].map((n) => [n, Float64Array.from(params.view(n))]));
  const get = (name: string, layer?: number) => {
    const e = params.entry(name as ParamName), v = p64.get(name as ParamName)!;
    if (layer === undefined) return v;
    const per = e.size / e.shape[0];
    return v.subarray(layer * per, (layer + 1) * per);
  };
  return { p64, get };
}

/** Central finite difference of loss() in v[j]; v[j] is restored. */
export function centralDifference(v: F64, j: number, loss: () => number, h = 1e-5): number {
  const save = v[j];
  v[j] = save + h; const fp = loss();
  v[j] = save - h; const fm = loss();
  v[j] = save;
  return (fp - fm) / (2 * h);
}

/** Checks `perTensor` random entries of every parameter's gradient against central differences of
 *  the float64 loss; returns how many were checked. */
export function assertGradientsMatch(p64: Map<ParamName, F64>, grads: ParameterBlock, loss: () => number, rng: { below(n: number): number }, perTensor: number): number {
  let checked = 0;
  for (const [name, v] of p64) {
    const g = grads.view(name);
    for (let k = 0; k < perTensor; k++) {
      const j = rng.below(v.length), num = centralDifference(v, j, loss);
      if (!(Math.abs(g[j] - num) <= 2e-4 + 1e-3 * Math.abs(num))) throw new Error(`${name}[${j}]: tape ${g[j]}, finite difference ${num}`);
      checked++;
    }
  }
  return checked;
}
