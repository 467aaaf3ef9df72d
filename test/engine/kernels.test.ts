// One table per kernel, run on every backend (test-backends.ts): each backend's output must match
// the reference kernel within 1e-5 relative on seeded random inputs with odd sizes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Arena, type Ptr } from '../../src/engine/arena.ts';
import type { Backend } from '../../src/engine/backend.ts';
import { testBackends, seededFloats, relativeError, type TestBackend } from './test-backends.ts';

const TOLERANCE = 1e-5;

type Data = Float32Array | Int32Array;
type Case = {
  name: string;
  inputs: Record<string, Data>;
  /** outputs with their starting contents (accumulate and in-place kernels read them) */
  outputs: Record<string, Data>;
  run(b: Backend, p: Record<string, Ptr>): void;
};

const arena = new Arena(64 << 20);
const backends: TestBackend[] = await testBackends(arena);
after(() => { for (const { backend } of backends) backend.dispose(); });

function place(data: Data): Ptr {
  const p = arena.alloc(data.byteLength);
  arena.u8.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), p);
  return p;
}

function read(p: Ptr, like: Data): Data {
  return like instanceof Int32Array ? arena.i32At(p, like.length).slice() : arena.f32At(p, like.length).slice();
}

/** Run the case on a backend; returns its outputs (null when the backend does not support the kernel). */
function runCase(c: Case, b: Backend, kernel: Parameters<Backend['supports']>[0]): Record<string, Data> | null {
  if (!b.supports(kernel)) return null;
  const mark = arena.mark();
  const p: Record<string, Ptr> = {};
  for (const [k, v] of Object.entries(c.inputs)) p[k] = place(v);
  for (const [k, v] of Object.entries(c.outputs)) p[k] = place(v);
  c.run(b, p);
  const out: Record<string, Data> = {};
  for (const [k, v] of Object.entries(c.outputs)) out[k] = read(p[k], v);
  arena.release(mark);
  return out;
}

function table(kernel: Parameters<Backend['supports']>[0], cases: Case[]) {
  test(`${kernel}: every backend matches the reference`, () => {
    const [ref, ...others] = backends;
    for (const c of cases) {
      const want = runCase(c, ref.backend, kernel);
      assert.ok(want, `reference lacks ${kernel}`);
      for (const { label, backend } of others) {
        const got = runCase(c, backend, kernel);
        if (!got) continue;
        for (const [k, w] of Object.entries(want)) {
          const g: Data | undefined = got[k];
          if (w instanceof Int32Array) assert.deepEqual(g, w, `${kernel} ${c.name} ${label}: ${k}`);
          else {
            assert.ok(g instanceof Float32Array);
            const err = relativeError(g, w);
            assert.ok(err <= TOLERANCE, `${kernel} ${c.name} on ${label}: ${k} relative error ${err.toExponential(2)} > ${TOLERANCE}`);
          }
        }
      }
    }
  });
}

let seed = 1;
const rand = (n: number, scale = 1) => seededFloats(seed++, n, scale);

// matmul (M,K,N): matrix-vector (M = 1), odd sizes, K past the 256-deep panel, rows enough to split,
// a K of one deeper block (≤ 512) over more columns and rows than such a block packs at a time.
const matmulShapes = [[1, 1, 1], [1, 3, 17], [1, 257, 255], [1, 288, 768], [2, 1, 3], [3, 17, 5],
  [17, 255, 257], [64, 64, 64], [255, 3, 33], [130, 300, 40], [33, 513, 17], [100, 400, 420],
  [1030, 20, 24]]; // a transposed a over 1,024 columns: packed on WebAssembly too (matmul.c, IN_PLACE_A_MAX)
table('matmul', matmulShapes.flatMap(([M, K, N]) => [0, 1, 2, 3].flatMap((t) => [0, 1].map((acc): Case => {
  const transA = t & 1, transB = t >> 1;
  return {
    name: `${M}x${K}x${N} tA${transA} tB${transB} acc${acc}`,
    inputs: { a: rand(M * K), b: rand(K * N) },
    outputs: { out: rand(M * N) },
    run: (be, p) => be.run('matmul', p.out, p.a, p.b, M, K, N, transA, transB, acc),
  };
}))));

table('rmsnorm', [[1, 1], [3, 17], [17, 255], [5, 257], [2, 768]].map(([M, C]): Case => ({
  name: `${M}x${C}`,
  inputs: { x: rand(M * C, 3), w: rand(C) },
  outputs: { out: new Float32Array(M * C) },
  run: (be, p) => be.run('rmsnorm', p.out, p.x, p.w, M, C, 1e-5),
})));

// rope (M,T,H,D,pos0,theta): positions into the thousands, where float angles would drift.
table('rope', [[1, 1, 1, 2, 0, 10000], [3, 3, 2, 8, 5, 10000], [17, 5, 3, 16, 1000, 10000],
  [7, 7, 6, 48, 4090, 10000], [4, 2, 1, 64, 0, 500000], [3, 1, 5, 6, 65533, 10000]].map(([M, T, H, D, pos0, theta]): Case => ({
  name: `M${M} T${T} H${H} D${D} pos0 ${pos0} theta ${theta}`,
  inputs: {},
  outputs: { x: rand(M * H * D) },
  run: (be, p) => be.run('rope', p.x, M, T, H, D, pos0, theta),
})));

// attention (B,Tq,Tk,H,Hkv,D): decode (Tq = 1), prefill, GQA groups, more keys than one 64-key block.
table('attention', [[1, 1, 1, 1, 1, 1], [1, 1, 17, 6, 6, 48], [2, 3, 3, 2, 1, 8], [1, 17, 17, 4, 2, 16],
  [1, 5, 133, 8, 4, 8], [2, 70, 70, 2, 2, 3], [1, 1, 257, 3, 1, 64],
  // the tiled prefill path (Tq ≥ 8): several query and key blocks, a cache longer than the queries, D at its limit
  [1, 40, 100, 4, 2, 64], [1, 9, 9, 2, 2, 128], [1, 8, 300, 3, 3, 20], [1, 33, 33, 1, 1, 200], [1, 20, 20, 6, 6, 48],
  // a head narrower than a 16-wide vector in the tiled path (stories260K's D 8), an odd query count
  [2, 65, 90, 8, 4, 8]].flatMap(([B, Tq, Tk, H, Hkv, D]) => [0, 1].map((withLse): Case => ({
  name: `B${B} Tq${Tq} Tk${Tk} H${H} Hkv${Hkv} D${D}${withLse ? ' lse' : ''}`,
  inputs: { q: rand(B * Tq * H * D, 2), k: rand(B * Tk * Hkv * D, 2), v: rand(B * Tk * Hkv * D) },
  outputs: { out: new Float32Array(B * Tq * H * D), ...(withLse ? { lse: new Float32Array(B * H * Tq) } : {}) },
  run: (be, p) => be.run('attention', p.out, withLse ? p.lse : 0, p.q, p.k, p.v, B, Tq, Tk, H, Hkv, D),
}))));

// attention_backward (B,T,H,Hkv,D): one key, GQA groups, several key blocks (16 or 32 keys, by
// ISA) with a partial last one, row counts that do not fill a block of queries, D below and at a
// vector, D at the blocked path's limit (64) and above it (the row-by-row loop). out and lse need not come from
// a forward pass: the kernel's formulas are checked as they are.
table('attention_backward', [[1, 1, 1, 1, 8], [2, 5, 4, 2, 6], [1, 70, 6, 6, 48], [2, 33, 2, 1, 8], [1, 40, 4, 2, 64],
  [1, 9, 2, 2, 66], [1, 37, 3, 3, 20], [1, 100, 2, 1, 16], [1, 67, 1, 1, 2]].map(([B, T, H, Hkv, D]): Case => ({
  name: `B${B} T${T} H${H} Hkv${Hkv} D${D}`,
  inputs: { q: rand(B * T * H * D, 2), k: rand(B * T * Hkv * D, 2), v: rand(B * T * Hkv * D), dout: rand(B * T * H * D), out: rand(B * T * H * D),
    lse: rand(B * H * T, 0.5).map((x) => x + 1.5) },
  outputs: { dq: rand(B * T * H * D), dk: rand(B * T * Hkv * D), dv: rand(B * T * Hkv * D) },
  run: (be, p) => be.run('attention_backward', p.dq, p.dk, p.dv, p.dout, p.out, p.lse, p.q, p.k, p.v, B, T, H, Hkv, D),
})));

const lengths = [1, 3, 17, 255, 257, 1000];
table('swiglu', lengths.map((n): Case => ({
  name: `${n}`,
  inputs: { gate: rand(n, 8), up: rand(n) },
  outputs: { out: new Float32Array(n) },
  run: (be, p) => be.run('swiglu', p.out, p.gate, p.up, n),
})));

table('add', lengths.flatMap((n) => [false, true].map((inPlace): Case => ({
  name: `${n}${inPlace ? ' in place' : ''}`,
  inputs: { b: rand(n) },
  outputs: { a: rand(n) },
  run: (be, p) => be.run('add', p.a, p.a, p.b, n),
}))).filter((c, i) => i % 2 === 1).concat(lengths.map((n): Case => ({
  name: `${n}`,
  inputs: { a: rand(n), b: rand(n) },
  outputs: { out: new Float32Array(n) },
  run: (be, p) => be.run('add', p.out, p.a, p.b, n),
}))));

// dropout: p 0, 0.1, 0.5 and 0.9; forward (into a fresh buffer and in place) and the accumulating backward.
table('dropout', lengths.flatMap((n) => [0, 0.1, 0.5, 0.9].flatMap((prob) => [0, 1, 2].map((mode): Case => {
  const threshold = Math.round(prob * 2 ** 31), scale = Math.fround(1 / (1 - prob)), dseed = 12345 + n;
  return {
    name: `${n} p${prob} ${['forward', 'in place', 'accumulate'][mode]}`,
    inputs: mode === 1 ? {} : { x: rand(n) },
    outputs: mode === 1 ? { out: rand(n) } : { out: mode === 2 ? rand(n) : new Float32Array(n) },
    run: (be, p) => be.run('dropout', p.out, mode === 1 ? p.out : p.x, n, threshold, scale, dseed, mode === 2 ? 1 : 0),
  };
}))));

// zero: the whole range, and no float past it (the guard float after x keeps its value).
table('zero', lengths.map((n): Case => ({
  name: `${n}`,
  inputs: {},
  outputs: { x: rand(n + 1) },
  run: (be, p) => be.run('zero', p.x, n),
})));

table('embedding', [[1, 1, 1], [3, 17, 5], [17, 255, 100], [4, 257, 3]].map(([M, C, V]): Case => ({
  name: `M${M} C${C} V${V}`,
  inputs: { table: rand(V * C), ids: Int32Array.from({ length: M }, (_, m) => (m * 7 + 3) % V) },
  outputs: { out: new Float32Array(M * C) },
  run: (be, p) => be.run('embedding', p.out, p.table, p.ids, M, C),
})));

table('softmax', [[1, 1], [3, 17], [17, 255], [2, 257], [1, 4096]].flatMap(([M, N]) => [false, true].map((inPlace): Case => ({
  name: `${M}x${N}${inPlace ? ' in place' : ''}`,
  inputs: inPlace ? {} : { x: rand(M * N, 10) },
  outputs: inPlace ? { x: rand(M * N, 10) } : { out: new Float32Array(M * N) },
  run: (be, p) => inPlace ? be.run('softmax', p.x, p.x, M, N) : be.run('softmax', p.out, p.x, M, N),
}))));

// argmax: exact indices; the tied rows check that the first maximum wins.
const tied = new Float32Array([1, 5, 5, 2, 5, -1, 0, 0, 0]);
table('argmax', [[1, 1], [3, 17], [17, 255], [2, 4096]].map(([M, N]): Case => ({
  name: `${M}x${N}`,
  inputs: { x: rand(M * N) },
  outputs: { idx: new Int32Array(M) },
  run: (be, p) => be.run('argmax', p.idx, p.x, M, N),
})).concat([{
  name: 'ties', inputs: { x: tied }, outputs: { idx: new Int32Array(3) },
  run: (be, p) => be.run('argmax', p.idx, p.x, 3, 3),
}]));

test('matmul, the forward linear: a row batched with others gives the bits it gives alone (decode vs. a server batch)', () => {
  // K: whole blocks of two vectors, a short last vector, a scalar tail; N: whole tiles of 4 rows of w and not;
  // M: tiles of 3, 2 and 1 rows of a, up to the batch-invariant limit (64)
  for (const [M, K, N] of [[2, 64, 8], [3, 288, 12], [5, 104, 9], [7, 45, 5], [64, 96, 7]]) {
    const x = seededFloats(7 * M + K, M * K), w = seededFloats(N + K, N * K, 0.1);
    for (const { label, backend } of backends) {
      const mark = arena.mark();
      const px = place(x), pw = place(w), all = arena.allocF32(M * N), one = arena.allocF32(N);
      backend.run('matmul', all, px, pw, M, K, N, 0, 1, 0);
      for (let m = 0; m < M; m++) {
        backend.run('matmul', one, px + m * K * 4, pw, 1, K, N, 0, 1, 0);
        assert.deepEqual(arena.f32At(all + m * N * 4, N), arena.f32At(one, N), `${M}x${K}x${N} row ${m} on ${label}`);
      }
      arena.release(mark);
    }
  }
});

// matmul3 (M, K, [N0, N1, N2]): a decode's q/k/v, gate/up with one weight left out, a small
// batch, and a prefill past the batch-invariant rows.
const matmul3Shapes: [number, number, number[]][] = [[1, 288, [288, 96, 96]], [1, 45, [7, 13, 0]], [5, 104, [9, 0, 12]],
  [64, 33, [5, 6, 7]], [70, 40, [17, 3, 20]]];
table('matmul3', matmul3Shapes.map(([M, K, Ns]) => ({
  name: `${M}x${K}x${Ns.join('+')}`,
  inputs: { x: rand(M * K), w0: rand(Ns[0] * K, 0.1), w1: rand(Math.max(1, Ns[1]) * K, 0.1), w2: rand(Math.max(1, Ns[2]) * K, 0.1) },
  outputs: { o0: rand(M * Ns[0]), o1: rand(M * Math.max(1, Ns[1])), o2: rand(M * Math.max(1, Ns[2])) },
  run: (be, p) => be.run('matmul3', p.o0, p.o1, p.o2, p.x, p.w0, p.w1, p.w2, M, K, Ns[0], Ns[1], Ns[2]),
})));

test('matmul3 gives each product the bits of its own matmul call, and leaves a product of N = 0 alone', () => {
  for (const [M, K, Ns] of matmul3Shapes) {
    const x = seededFloats(M + K, M * K), ws = Ns.map((N, i) => seededFloats(10 * i + N + K, Math.max(1, N) * K, 0.1));
    for (const { label, backend } of backends) {
      const mark = arena.mark();
      const px = place(x), pw = ws.map(place);
      const fused = Ns.map((N) => place(new Float32Array(M * Math.max(1, N)).fill(7)));
      const alone = Ns.map((N) => arena.allocF32(M * Math.max(1, N)));
      backend.run('matmul3', fused[0], fused[1], fused[2], px, pw[0], pw[1], pw[2], M, K, Ns[0], Ns[1], Ns[2]);
      Ns.forEach((N, i) => {
        if (N === 0) {
          assert.ok(arena.f32At(fused[i], M).every((v) => v === 7), `${M}x${K}x${Ns} on ${label}: product ${i} of N = 0 was written`);
          return;
        }
        backend.run('matmul', alone[i], px, pw[i], M, K, N, 0, 1, 0);
        assert.deepEqual(arena.f32At(fused[i], M * N), arena.f32At(alone[i], M * N), `${M}x${K}x${Ns} product ${i} on ${label}`);
      });
      arena.release(mark);
    }
  }
});

test('argmax ties: first index wins on the reference', () => {
  const got = runCase({ name: 'ties', inputs: { x: tied }, outputs: { idx: new Int32Array(3) },
    run: (be, p) => be.run('argmax', p.idx, p.x, 3, 3) }, backends[0].backend, 'argmax');
  assert.deepEqual(got?.idx, new Int32Array([1, 1, 0]));
});

// WASM bounds-checks every access; the native addon trusts its caller like any C library, so
// checking sizes against the arena is the op layer's job there.
test('a WASM kernel given memory past the arena traps instead of corrupting it, and the backend recovers', () => {
  for (const { label, backend } of backends.filter((b) => b.backend.name === 'wasm')) {
    const past = arena.memory.buffer.byteLength;
    assert.throws(() => backend.run('add', past, past, past, 1 << 20), `${label}: expected a trap`);
    const mark = arena.mark();
    const a = place(new Float32Array([1, 2, 3])), b = place(new Float32Array([10, 20, 30]));
    backend.run('add', a, a, b, 3);
    assert.deepEqual(read(a, new Float32Array(3)), new Float32Array([11, 22, 33]), label);
    arena.release(mark);
  }
});

test('the table covers more than the reference: at least one compiled backend ran', () => {
  assert.ok(backends.some((b) => b.label.startsWith('wasm')), `backends: ${backends.map((b) => b.label).join(', ')}`);
});

// A thread that starts after the first job was published must still run it (this once hung).
test('fresh thread pools run their first job at once, create after create', { timeout: 30_000 }, async () => {
  const { createWasmBackend } = await import('../../src/engine/wasm-backend.ts');
  const mark = arena.mark();
  const a = place(new Float32Array(64).fill(1)), b = place(new Float32Array(64).fill(2));
  for (let i = 0; i < 10; i++) {
    const be = await createWasmBackend(arena, 2, { fanOutNs: 0 });
    be.run('add', a, a, b, 64);
    be.dispose();
  }
  assert.deepEqual(read(a, new Float32Array(64)), new Float32Array(64).fill(21));
  arena.release(mark);
});
