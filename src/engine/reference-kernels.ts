// Plain TypeScript kernels: slow and obviously right. They are the test oracle for the WASM
// and native kernels and the `reference` backend. Each follows the contract in kernels.ts;
// `f` and `i` are float32/int32 views of the whole arena, so a Ptr p is element p >> 2.
import type { KernelArgs, KernelName } from './kernels.ts';
import { referenceBackwardKernels } from './reference-kernels-backward.ts';
import { halfToFloat } from '../formats/f16.ts';

export type ArenaViews = { f: Float32Array; i: Int32Array };
export type ReferenceKernel<K extends KernelName> = (mem: ArenaViews, ...args: KernelArgs[K]) => void;
export type ReferenceKernels = { [K in KernelName]: ReferenceKernel<K> };

/** out (M,N) = x (M,K) · wᵀ for w in 32-value blocks of `bytes` bytes: an f16 scale d, then what
 *  `level(q, blockStart, j)` reads as value j's integer level; w = level·d (in float32, as ggml). */
function quantizedMatmul(f: Float32Array, out: number, x: number, w: number, M: number, K: number, N: number, bytes: number,
                         level: (q: Uint8Array, block: number, j: number) => number): void {
  const q = new Uint8Array(f.buffer), blocks = K / 32;
  const row = new Float32Array(K);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const at = w + (n * blocks + b) * bytes, d = halfToFloat(q[at] | (q[at + 1] << 8));
      for (let j = 0; j < 32; j++) row[b * 32 + j] = level(q, at, j) * d;
    }
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += f[(x >> 2) + m * K + k] * row[k];
      f[(out >> 2) + m * N + n] = s;
    }
  }
}

export const referenceKernels: ReferenceKernels = {
  matmul({ f }, out, a, b, M, K, N, transA, transB, accumulate) {
    const o = out >> 2, ao = a >> 2, bo = b >> 2;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = transA ? f[ao + k * M + m] : f[ao + m * K + k];
          const bv = transB ? f[bo + n * K + k] : f[bo + k * N + n];
          s += av * bv;
        }
        f[o + m * N + n] = accumulate ? f[o + m * N + n] + s : s;
      }
    }
  },

  rmsnorm({ f }, out, x, w, M, C, eps) {
    const o = out >> 2, xo = x >> 2, wo = w >> 2;
    for (let m = 0; m < M; m++) {
      let ss = 0;
      for (let c = 0; c < C; c++) ss += f[xo + m * C + c] ** 2;
      const r = 1 / Math.sqrt(ss / C + eps);
      for (let c = 0; c < C; c++) f[o + m * C + c] = f[xo + m * C + c] * r * f[wo + c];
    }
  },

  rope({ f }, x, M, T, H, D, pos0, theta) {
    const xo = x >> 2;
    for (let m = 0; m < M; m++) {
      const pos = pos0 + (m % T);
      for (let h = 0; h < H; h++) {
        for (let i = 0; i < D; i += 2) {
          const freq = 1 / Math.pow(theta, i / D);
          const angle = pos * freq;
          const c = Math.cos(angle), s = Math.sin(angle);
          const p = xo + m * H * D + h * D + i;
          const v0 = f[p], v1 = f[p + 1];
          f[p] = v0 * c - v1 * s;
          f[p + 1] = v0 * s + v1 * c;
        }
      }
    }
  },

  attention({ f }, out, lse, q, k, v, B, Tq, Tk, H, Hkv, D) {
    const scale = 1 / Math.sqrt(D);
    const group = H / Hkv;
    const att = new Float64Array(Tk);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const kvh = Math.floor(h / group);
        for (let t = 0; t < Tq; t++) {
          const last = Tk - Tq + t;
          const qo = (q >> 2) + (b * Tq + t) * H * D + h * D;
          let max = -Infinity;
          for (let s = 0; s <= last; s++) {
            const ko = (k >> 2) + (b * Tk + s) * Hkv * D + kvh * D;
            let dot = 0;
            for (let d = 0; d < D; d++) dot += f[qo + d] * f[ko + d];
            att[s] = dot * scale;
            if (att[s] > max) max = att[s];
          }
          let sum = 0;
          for (let s = 0; s <= last; s++) sum += (att[s] = Math.exp(att[s] - max));
          const oo = (out >> 2) + (b * Tq + t) * H * D + h * D;
          for (let d = 0; d < D; d++) {
            let acc = 0;
            for (let s = 0; s <= last; s++) acc += att[s] * f[(v >> 2) + (b * Tk + s) * Hkv * D + kvh * D + d];
            f[oo + d] = acc / sum;
          }
          if (lse) f[(lse >> 2) + (b * H + h) * Tq + t] = max + Math.log(sum);
        }
      }
    }
  },

  swiglu({ f }, out, gate, up, n) {
    for (let j = 0; j < n; j++) {
      const g = f[(gate >> 2) + j];
      f[(out >> 2) + j] = (g / (1 + Math.exp(-g))) * f[(up >> 2) + j];
    }
  },

  add({ f }, out, a, b, n) {
    for (let j = 0; j < n; j++) f[(out >> 2) + j] = f[(a >> 2) + j] + f[(b >> 2) + j];
  },

  embedding({ f, i }, out, table, ids, M, C) {
    for (let m = 0; m < M; m++) {
      const row = i[(ids >> 2) + m];
      for (let c = 0; c < C; c++) f[(out >> 2) + m * C + c] = f[(table >> 2) + row * C + c];
    }
  },

  softmax({ f }, out, x, M, N) {
    for (let m = 0; m < M; m++) {
      const xo = (x >> 2) + m * N, o = (out >> 2) + m * N;
      let max = -Infinity;
      for (let n = 0; n < N; n++) if (f[xo + n] > max) max = f[xo + n];
      let sum = 0;
      for (let n = 0; n < N; n++) sum += (f[o + n] = Math.exp(f[xo + n] - max));
      for (let n = 0; n < N; n++) f[o + n] /= sum;
    }
  },

  argmax({ f, i }, idx, x, M, N) {
    for (let m = 0; m < M; m++) {
      const xo = (x >> 2) + m * N;
      let best = 0;
      for (let n = 1; n < N; n++) if (f[xo + n] > f[xo + best]) best = n;
      i[(idx >> 2) + m] = best;
    }
  },
  matmul3(mem, out0, out1, out2, x, w0, w1, w2, M, K, N0, N1, N2) {
    const parts: [number, number, number][] = [[out0, w0, N0], [out1, w1, N1], [out2, w2, N2]];
    for (const [out, w, N] of parts) if (N > 0) referenceKernels.matmul(mem, out, x, w, M, K, N, 0, 1, 0);
  },
  matmul_q8_0({ f }, out, x, w, M, K, N) {
    quantizedMatmul(f, out, x, w, M, K, N, 34, (q, b, j) => (q[b + 2 + j] << 24) >> 24);
  },

  matmul_q4_0({ f }, out, x, w, M, K, N) {
    quantizedMatmul(f, out, x, w, M, K, N, 18, (q, b, j) => (j < 16 ? q[b + 2 + j] & 15 : q[b + 2 + j - 16] >> 4) - 8);
  },
  ...referenceBackwardKernels, // training kernels: reference-kernels-backward.ts
};
