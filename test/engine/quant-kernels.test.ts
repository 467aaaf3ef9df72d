// The quantized matmuls (matmul_q8_0, matmul_q4_0) on every backend against the reference, on
// blocks made by ggml's reference quantizers (formats/gguf.ts); the reference against a plain
// product with the GGUF dequantizer; and batch invariance: a row computed with others gives the
// same bits as the row alone, on every backend.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Arena, type Ptr } from '../../src/engine/arena.ts';
import type { Backend } from '../../src/engine/backend.ts';
import { ggmlDequantize, ggmlQuantize } from '../../src/formats/gguf.ts';
import { testBackends, seededFloats, relativeError } from './test-backends.ts';

const TOLERANCE = 1e-5;
const KERNELS = [['matmul_q8_0', 'Q8_0'], ['matmul_q4_0', 'Q4_0']] as const;
// (M, K, N): decoding (M = 1) with odd row counts, a 15M layer, prefill rows that are not whole tiles
const SHAPES = [[1, 32, 1], [1, 32, 5], [1, 64, 17], [1, 288, 768], [2, 96, 3], [3, 64, 7], [5, 96, 13], [17, 288, 33], [64, 128, 9]];

const arena = new Arena(64 << 20);
const backends = await testBackends(arena);
after(() => { for (const { backend } of backends) backend.dispose(); });

function place(bytes: Uint8Array): Ptr {
  const p = arena.alloc(bytes.byteLength);
  arena.u8.set(bytes, p);
  return p;
}

function run(b: Backend, kernel: 'matmul_q8_0' | 'matmul_q4_0', x: Float32Array, w: Uint8Array, M: number, K: number, N: number): Float32Array {
  const mark = arena.mark();
  const px = place(new Uint8Array(x.buffer)), pw = place(w), out = arena.allocF32(M * N);
  arena.f32At(out, M * N).fill(NaN); // every element must be written
  b.run(kernel, out, px, pw, M, K, N);
  const got = arena.f32At(out, M * N).slice();
  arena.release(mark);
  return got;
}

let seed = 100;
for (const [kernel, type] of KERNELS) {
  test(`${kernel}: every backend matches the reference, and the reference is the dequantized product`, () => {
    const [ref, ...others] = backends;
    for (const [M, K, N] of SHAPES) {
      const x = seededFloats(seed++, M * K), wf = seededFloats(seed++, N * K, 0.1), w = ggmlQuantize(wf, type);
      const want = run(ref.backend, kernel, x, w, M, K, N);
      const deq = ggmlDequantize(w, type, N * K), plain = new Float32Array(M * N);
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += x[m * K + k] * deq[n * K + k];
        plain[m * N + n] = s;
      }
      assert.ok(relativeError(want, plain) <= 1e-6, `${kernel} ${M}x${K}x${N}: reference vs dequantized product`);
      for (const { label, backend } of others) {
        if (!backend.supports(kernel)) continue;
        const err = relativeError(run(backend, kernel, x, w, M, K, N), want);
        assert.ok(err <= TOLERANCE, `${kernel} ${M}x${K}x${N} on ${label}: relative error ${err.toExponential(2)} > ${TOLERANCE}`);
      }
    }
  });

  test(`${kernel}: a row batched with others gives the bits it gives alone`, () => {
    const M = 9, K = 160, N = 21;
    const x = seededFloats(seed++, M * K), w = ggmlQuantize(seededFloats(seed++, N * K, 0.1), type);
    for (const { label, backend } of backends) {
      if (!backend.supports(kernel)) continue;
      const all = run(backend, kernel, x, w, M, K, N);
      for (let m = 0; m < M; m++) {
        const alone = run(backend, kernel, x.slice(m * K, (m + 1) * K), w, 1, K, N);
        assert.deepEqual(all.subarray(m * N, (m + 1) * N), alone, `${kernel} row ${m} on ${label}`);
      }
    }
  });
}
