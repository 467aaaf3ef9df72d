// Plain TypeScript kernels for training: the backward of each forward op in reference-kernels.ts,
// the fused softmax-cross-entropy, AdamW, the sum of squares used for gradient clipping and
// dropout (its own backward), and zero (the tape clears activation gradients with it).
// Slow and obviously right (float64 sums); the test oracle for the C versions. Gradient buffers
// (d*) accumulate, as the contract says, except where the contract says in place.
import type { ReferenceKernel } from './reference-kernels.ts';

export type BackwardKernelName =
  | 'rmsnorm_backward' | 'rope_backward' | 'attention_backward' | 'swiglu_backward'
  | 'embedding_backward' | 'softmax_cross_entropy' | 'adamw' | 'sumsq' | 'dropout' | 'zero';

export const referenceBackwardKernels: { [K in BackwardKernelName]: ReferenceKernel<K> } = {
  rmsnorm_backward({ f }, dx, dw, dout, x, w, M, C, eps) {
    const dxo = dx >> 2, dwo = dw >> 2, go = dout >> 2, xo = x >> 2, wo = w >> 2;
    for (let m = 0; m < M; m++) {
      let ss = 0, dot = 0;
      for (let c = 0; c < C; c++) {
        const xv = f[xo + m * C + c];
        ss += xv * xv;
        dot += f[go + m * C + c] * f[wo + c] * xv;
      }
      const r = 1 / Math.sqrt(ss / C + eps);
      for (let c = 0; c < C; c++) {
        const xv = f[xo + m * C + c], g = f[go + m * C + c];
        f[dwo + c] += g * xv * r;
        f[dxo + m * C + c] += r * f[wo + c] * g - (r * r * r / C) * dot * xv;
      }
    }
  },

  rope_backward({ f }, dx, M, T, H, D, pos0, theta) {
    const xo = dx >> 2;
    for (let m = 0; m < M; m++) {
      const pos = pos0 + (m % T);
      for (let h = 0; h < H; h++) {
        for (let i = 0; i < D; i += 2) {
          const angle = pos / Math.pow(theta, i / D);
          const c = Math.cos(angle), s = Math.sin(angle);
          const p = xo + m * H * D + h * D + i;
          const g0 = f[p], g1 = f[p + 1];
          f[p] = g0 * c + g1 * s;
          f[p + 1] = -g0 * s + g1 * c;
        }
      }
    }
  },

  attention_backward({ f }, dq, dk, dv, dout, out, lse, q, k, v, B, T, H, Hkv, D) {
    const scale = 1 / Math.sqrt(D), group = H / Hkv, qs = H * D, ks = Hkv * D;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const kvh = Math.floor(h / group);
        for (let t = 0; t < T; t++) {
          const qo = (b * T + t) * qs + h * D;
          let delta = 0; // Σ_d dout·out = Σ_s p_s·dp_s
          for (let d = 0; d < D; d++) delta += f[(dout >> 2) + qo + d] * f[(out >> 2) + qo + d];
          const l = f[(lse >> 2) + (b * H + h) * T + t];
          for (let s = 0; s <= t; s++) {
            const ko = (b * T + s) * ks + kvh * D;
            let score = 0, dp = 0;
            for (let d = 0; d < D; d++) {
              score += f[(q >> 2) + qo + d] * f[(k >> 2) + ko + d];
              dp += f[(dout >> 2) + qo + d] * f[(v >> 2) + ko + d];
            }
            const p = Math.exp(score * scale - l);
            const ds = p * (dp - delta) * scale;
            for (let d = 0; d < D; d++) {
              f[(dv >> 2) + ko + d] += p * f[(dout >> 2) + qo + d];
              f[(dq >> 2) + qo + d] += ds * f[(k >> 2) + ko + d];
              f[(dk >> 2) + ko + d] += ds * f[(q >> 2) + qo + d];
            }
          }
        }
      }
    }
  },

  swiglu_backward({ f }, dgate, dup, dout, gate, up, n) {
    for (let j = 0; j < n; j++) {
      const g = f[(gate >> 2) + j], sig = 1 / (1 + Math.exp(-g)), go = f[(dout >> 2) + j];
      f[(dgate >> 2) + j] += go * f[(up >> 2) + j] * sig * (1 + g * (1 - sig));
      f[(dup >> 2) + j] += go * g * sig;
    }
  },

  embedding_backward({ f, i }, dtable, dout, ids, M, C) {
    for (let m = 0; m < M; m++) {
      const row = i[(ids >> 2) + m];
      for (let c = 0; c < C; c++) f[(dtable >> 2) + row * C + c] += f[(dout >> 2) + m * C + c];
    }
  },

  softmax_cross_entropy({ f, i }, losses, dlogits, logits, targets, M, V, gradScale) {
    for (let m = 0; m < M; m++) {
      const xo = (logits >> 2) + m * V, go = (dlogits >> 2) + m * V, target = i[(targets >> 2) + m];
      if (target < 0) {
        f[(losses >> 2) + m] = 0;
        for (let n = 0; n < V; n++) f[go + n] = 0;
        continue;
      }
      let max = -Infinity;
      for (let n = 0; n < V; n++) if (f[xo + n] > max) max = f[xo + n];
      let sum = 0;
      for (let n = 0; n < V; n++) sum += Math.exp(f[xo + n] - max);
      const lse = max + Math.log(sum);
      f[(losses >> 2) + m] = lse - f[xo + target];
      for (let n = 0; n < V; n++) f[go + n] = (Math.exp(f[xo + n] - lse) - (n === target ? 1 : 0)) * gradScale;
    }
  },

  adamw({ f }, param, grad, m, v, decay, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2, gradScale) {
    const po = param >> 2, go = grad >> 2, mo = m >> 2, vo = v >> 2, dO = decay >> 2;
    for (let j = 0; j < n; j++) {
      const g = f[go + j] * gradScale;
      const mj = (f[mo + j] = beta1 * f[mo + j] + (1 - beta1) * g);
      const vj = (f[vo + j] = beta2 * f[vo + j] + (1 - beta2) * g * g);
      const p = f[po + j];
      f[po + j] = p - lr * (mj / bc1 / (Math.sqrt(vj / bc2) + eps) + weightDecay * f[dO + j] * p);
    }
  },

  sumsq({ f }, partials, x, n) {
    let s = 0;
    for (let j = 0; j < n; j++) s += f[(x >> 2) + j] ** 2;
    f[partials >> 2] = s;
  },

  zero({ f }, x, n) {
    f.fill(0, x >> 2, (x >> 2) + n);
  },

  dropout({ f }, out, x, n, threshold, scale, seed, accumulate) {
    const oo = out >> 2, xo = x >> 2, mix = Math.imul(seed, 0x9e3779b9);
    for (let j = 0; j < n; j++) {
      let h = (j ^ mix) >>> 0; // lowbias32, as dropout.c
      h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
      h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
      h = (h ^ (h >>> 16)) >>> 1;
      const y = h >= threshold ? Math.fround(f[xo + j] * scale) : 0;
      f[oo + j] = accumulate ? f[oo + j] + y : y;
    }
  },
};
