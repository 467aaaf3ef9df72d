// Gradient checks: every training op's backward kernel against central finite differences of a
// float64 reference (test/train/f64-model.ts), on every backend this machine has, plus the fused
// cross-entropy, AdamW and sum-of-squares against their float64 formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, type Backend, type BackendName } from '../../src/engine/backend.ts';
import type { Ptr } from '../../src/engine/arena.ts';
import type { KernelName } from '../../src/engine/kernels.ts';
import { NormalRng } from '../../src/util/rng.ts';
import {
  attention64, centralDifference, crossEntropy64, embedding64, linear64, rmsnorm64, rope64, swiglu64, type F64,
} from './f64-model.ts';

async function backends(): Promise<Backend[]> {
  const out: Backend[] = [];
  for (const name of ['reference', 'wasm', 'native'] as BackendName[]) {
    try { out.push(await createBackend({ backend: name, threads: name === 'reference' ? 1 : 2 })); } catch { /* not on this machine */ }
  }
  return out;
}

type GradCase = {
  name: string;
  kernels: KernelName[];                              // what the backend must support
  inputs: number[];                                   // sizes of the float inputs
  outSize: number;
  ints?: number[];                                    // an int32 input (ids / targets)
  f64(xs: F64[]): F64;
  forward(k: Backend, out: Ptr, xs: Ptr[], ints: Ptr): void;
  /** accumulate ∂(Σ dout·out)/∂xs into dxs */
  backward(k: Backend, dxs: Ptr[], dout: Ptr, out: Ptr, xs: Ptr[], ints: Ptr): void;
  skipGrad?: number[];                                // inputs without a gradient
};

const B = 2, T = 5, H = 4, Hkv = 2, D = 6, C = 12, M = B * T, V = 7;
const ids = [3, 0, 6, 6, 1, 2, 5, 4, 0, 3];
const targets = [1, -1, 6, 0, 2, 3, 3, 5, 4, 0];

function copy(k: Backend, dst: Ptr, src: Ptr, n: number) {
  k.arena.f32.copyWithin(dst >> 2, src >> 2, (src >> 2) + n);
}

const cases: GradCase[] = [
  {
    name: 'matmul (linear)', kernels: ['matmul'], inputs: [M * C, 9 * C], outSize: M * 9,
    f64: ([x, w]) => linear64(x, w, M, C, 9),
    forward: (k, out, [x, w]) => k.run('matmul', out, x, w, M, C, 9, 0, 1, 0),
    backward: (k, [dx, dw], dout, _o, [x, w]) => {
      k.run('matmul', dx, dout, w, M, 9, C, 0, 0, 1);
      k.run('matmul', dw, dout, x, 9, M, C, 1, 0, 1);
    },
  },
  {
    name: 'rmsnorm', kernels: ['rmsnorm', 'rmsnorm_backward'], inputs: [M * C, C], outSize: M * C,
    f64: ([x, w]) => rmsnorm64(x, w, M, C, 1e-5),
    forward: (k, out, [x, w]) => k.run('rmsnorm', out, x, w, M, C, 1e-5),
    backward: (k, [dx, dw], dout, _o, [x, w]) => k.run('rmsnorm_backward', dx, dw, dout, x, w, M, C, 1e-5),
  },
  {
    name: 'rope', kernels: ['rope', 'rope_backward', 'add'], inputs: [M * H * D], outSize: M * H * D,
    f64: ([x]) => rope64(x, M, T, H, D, 10000),
    forward: (k, out, [x]) => { copy(k, out, x, M * H * D); k.run('rope', out, M, T, H, D, 0, 10000); },
    backward: (k, [dx], dout) => {
      const tmp = k.arena.allocF32(M * H * D);
      copy(k, tmp, dout, M * H * D);
      k.run('rope_backward', tmp, M, T, H, D, 0, 10000);
      k.run('add', dx, dx, tmp, M * H * D);
    },
  },
  {
    name: 'attention', kernels: ['attention', 'attention_backward'], inputs: [M * H * D, M * Hkv * D, M * Hkv * D], outSize: M * H * D,
    f64: ([q, kk, v]) => attention64(q, kk, v, B, T, H, Hkv, D),
    forward: (k, out, [q, kk, v]) => {
      (k as Backend & { lse?: Ptr }).lse = k.arena.allocF32(B * H * T);
      k.run('attention', out, (k as Backend & { lse?: Ptr }).lse!, q, kk, v, B, T, T, H, Hkv, D);
    },
    backward: (k, [dq, dk, dv], dout, out, [q, kk, v]) =>
      k.run('attention_backward', dq, dk, dv, dout, out, (k as Backend & { lse?: Ptr }).lse!, q, kk, v, B, T, H, Hkv, D),
  },
  {
    // head size above the kernels' blocked path (64): the row-by-row backward
    name: 'attention, head size 66', kernels: ['attention', 'attention_backward'], inputs: [2 * 3 * 2 * 66, 2 * 3 * 66, 2 * 3 * 66], outSize: 2 * 3 * 2 * 66,
    f64: ([q, kk, v]) => attention64(q, kk, v, 2, 3, 2, 1, 66),
    forward: (k, out, [q, kk, v]) => {
      (k as Backend & { lse?: Ptr }).lse = k.arena.allocF32(2 * 2 * 3);
      k.run('attention', out, (k as Backend & { lse?: Ptr }).lse!, q, kk, v, 2, 3, 3, 2, 1, 66);
    },
    backward: (k, [dq, dk, dv], dout, out, [q, kk, v]) =>
      k.run('attention_backward', dq, dk, dv, dout, out, (k as Backend & { lse?: Ptr }).lse!, q, kk, v, 2, 3, 2, 1, 66),
  },
  {
    name: 'swiglu', kernels: ['swiglu', 'swiglu_backward'], inputs: [37, 37], outSize: 37,
    f64: ([g, u]) => swiglu64(g, u),
    forward: (k, out, [g, u]) => k.run('swiglu', out, g, u, 37),
    backward: (k, [dg, du], dout, _o, [g, u]) => k.run('swiglu_backward', dg, du, dout, g, u, 37),
  },
  {
    name: 'add', kernels: ['add'], inputs: [23, 23], outSize: 23,
    f64: ([a, b]) => a.map((x, i) => x + b[i]),
    forward: (k, out, [a, b]) => k.run('add', out, a, b, 23),
    backward: (k, [da, db], dout) => { k.run('add', da, da, dout, 23); k.run('add', db, db, dout, 23); },
  },
  {
    name: 'embedding', kernels: ['embedding', 'embedding_backward'], inputs: [V * C], outSize: M * C, ints: ids,
    f64: ([table]) => embedding64(table, ids, C),
    forward: (k, out, [table], ii) => k.run('embedding', out, table, ii, M, C),
    backward: (k, [dt], dout, _o, _x, ii) => k.run('embedding_backward', dt, dout, ii, M, C),
  },
  {
    name: 'softmax_cross_entropy', kernels: ['softmax_cross_entropy'], inputs: [M * V], outSize: M, ints: targets,
    f64: ([logits]) => crossEntropy64(logits, targets, V),
    forward: (k, out, [logits], tg) => {
      const dl = k.arena.allocF32(M * V);
      k.run('softmax_cross_entropy', out, dl, logits, tg, M, V, 1);
    },
    backward: (k, [dlogits], dout, _o, [logits], tg) => {
      const tmp = k.arena.allocF32(M * V), losses = k.arena.allocF32(M);
      k.run('softmax_cross_entropy', losses, tmp, logits, tg, M, V, 1);
      const f = k.arena.f32, r = dout >> 2;
      for (let m = 0; m < M; m++) for (let n = 0; n < V; n++) f[(dlogits >> 2) + m * V + n] += f[r + m] * f[(tmp >> 2) + m * V + n];
    },
  },
];

function check(k: Backend, c: GradCase) {
  const a = k.arena, rng = new NormalRng(42);
  const xs = c.inputs.map((n) => a.allocF32(n)), dxs = c.inputs.map((n) => a.allocF32(n));
  const out = a.allocF32(c.outSize), dout = a.allocF32(c.outSize);
  let ints = 0;
  if (c.ints) { ints = a.alloc(c.ints.length * 4); a.i32At(ints, c.ints.length).set(c.ints); }
  const x64 = c.inputs.map((n, i) => { const v = a.f32At(xs[i], n); for (let j = 0; j < n; j++) v[j] = rng.normal(); return Float64Array.from(v); });
  const r = Float64Array.from(a.f32At(dout, c.outSize).map(() => rng.normal()));
  a.f32At(dout, c.outSize).set(r);
  c.forward(k, out, xs, ints);
  const want = c.f64(x64), got = a.f32At(out, c.outSize);
  for (let j = 0; j < c.outSize; j++) assert.ok(Math.abs(got[j] - want[j]) <= 1e-4 * (1 + Math.abs(want[j])), `${c.name} forward [${j}]: ${got[j]} vs ${want[j]}`);
  c.inputs.forEach((n, i) => a.f32At(dxs[i], n).fill(0.25)); // gradients accumulate onto what is there
  c.backward(k, dxs, dout, out, xs, ints);
  const h = 1e-6, obj = (xx: F64[]) => c.f64(xx).reduce((s, v, j) => s + v * r[j], 0);
  c.inputs.forEach((n, i) => {
    const dx = a.f32At(dxs[i], n);
    for (let j = 0; j < n; j++) {
      const num = centralDifference(x64[i], j, () => obj(x64), h), ana = dx[j] - 0.25;
      assert.ok(Math.abs(ana - num) <= 1e-3 * (1 + Math.abs(num)), `${c.name} ∂input${i}[${j}]: kernel ${ana}, finite difference ${num}`);
    }
  });
}

const all = await backends();
for (const k of all) {
  for (const c of cases) {
    const missing = c.kernels.filter((n) => !k.supports(n));
    test(`${k.name}: ${c.name} forward matches float64 and backward matches finite differences`, { skip: missing.length ? `${k.name} lacks ${missing.join(', ')}` : false }, () => {
      const mark = k.arena.mark();
      try { check(k, c); } finally { k.arena.release(mark); }
    });
  }

  test(`${k.name}: adamw matches the float64 update, decay masked per element`, { skip: !k.supports('adamw') && `${k.name} lacks adamw` }, () => {
    const a = k.arena, n = 103, rng = new NormalRng(7), mark = a.mark();
    const [p, g, m, v, decay] = [0, 1, 2, 3, 4].map(() => a.allocF32(n));
    const P = Float64Array.from({ length: n }, () => rng.normal()), G = Float64Array.from({ length: n }, () => rng.normal());
    const Mm = Float64Array.from({ length: n }, () => rng.normal() * 0.1), Vv = Float64Array.from({ length: n }, () => rng.uniform() * 0.1);
    const Dm = Float64Array.from({ length: n }, (_, j) => (j % 3 ? 1 : 0));
    a.f32At(p, n).set(P); a.f32At(g, n).set(G); a.f32At(m, n).set(Mm); a.f32At(v, n).set(Vv); a.f32At(decay, n).set(Dm);
    const lr = 0.01, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1, bc1 = 1 - b1 ** 3, bc2 = 1 - b2 ** 3, gs = 0.5;
    k.run('adamw', p, g, m, v, decay, n, lr, b1, b2, eps, wd, bc1, bc2, gs);
    const pv = a.f32At(p, n), mv = a.f32At(m, n), vv = a.f32At(v, n);
    for (let j = 0; j < n; j++) {
      const gj = Math.fround(G[j]) * gs, mj = b1 * Math.fround(Mm[j]) + (1 - b1) * gj, vj = b2 * Math.fround(Vv[j]) + (1 - b2) * gj * gj;
      const pj = Math.fround(P[j]) - lr * (mj / bc1 / (Math.sqrt(vj / bc2) + eps) + wd * Dm[j] * Math.fround(P[j]));
      assert.ok(Math.abs(mv[j] - mj) < 1e-6 && Math.abs(vv[j] - vj) < 1e-6, `adamw moments [${j}]`);
      assert.ok(Math.abs(pv[j] - pj) < 1e-5 * (1 + Math.abs(pj)), `adamw param [${j}]: ${pv[j]} vs ${pj}`);
    }
    a.release(mark);
  });

  test(`${k.name}: sumsq partials add up to the float64 sum of squares`, { skip: !k.supports('sumsq') && `${k.name} lacks sumsq` }, () => {
    const a = k.arena, n = 1001, mark = a.mark(), rng = new NormalRng(3);
    const x = a.allocF32(n), parts = a.allocF32(16);
    const v = a.f32At(x, n);
    for (let j = 0; j < n; j++) v[j] = rng.normal();
    a.f32At(parts, 16).fill(0);
    k.run('sumsq', parts, x, n);
    const got = a.f32At(parts, 16).reduce((s, y) => s + y, 0), want = v.reduce((s, y) => s + y * y, 0);
    assert.ok(Math.abs(got - want) < 1e-4 * want, `${got} vs ${want}`);
    a.release(mark);
  });
}
