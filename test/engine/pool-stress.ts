// Child process of pool-handoff.test.ts: tiny jobs on a 2-thread backend, every call split,
// alternating between 2 chunks (a matvec, one chunk a thread) and 8 (add, four a thread) for
// `ms` milliseconds; each result is checked against its inputs, which change every call.
// Prints the iterations done. Usage: node --import tsx test/engine/pool-stress.ts wasm|native MS
import { Arena } from '../../src/engine/arena.ts';
import { createWasmBackend } from '../../src/engine/wasm-backend.ts';
import { createNativeBackend } from '../../src/engine/native-backend.ts';

const [which, msArg] = process.argv.slice(2);
const arena = new Arena(16 << 20);
const be = which === 'native' ? await createNativeBackend(arena, 2, { fanOutNs: 0 }) : await createWasmBackend(arena, 2, { fanOutNs: 0 });
const K = 8, N = 8, n = 64;
const x = arena.allocF32(K), w = arena.allocF32(N * K), out = arena.allocF32(N), a = arena.allocF32(n), b = arena.allocF32(n), c = arena.allocF32(n);
const xs = arena.f32At(x, K), outs = arena.f32At(out, N), as = arena.f32At(a, n), cs = arena.f32At(c, n);
xs.fill(1); arena.f32At(w, N * K).fill(1); as.fill(1); arena.f32At(b, n).fill(2);
const t0 = Date.now();
let i = 0;
for (; Date.now() - t0 < Number(msArg); i++) {
  const v = i % 5; // small integers: every sum below is exact
  xs[K - 1] = v;
  be.run('matmul', out, x, w, 1, K, N, 0, 1, 0);
  const row = outs[N - 1]; // read once: a chunk still being written would change it under a second read
  if (row !== K - 1 + v) throw new Error(`call ${i}: matvec row ${N - 1} is ${row}, want ${K - 1 + v}`);
  as[n - 1] = v;
  be.run('add', c, a, b, n);
  const last = cs[n - 1];
  if (last !== v + 2) throw new Error(`call ${i}: add's last element is ${last}, want ${v + 2}`);
}
be.dispose();
console.log(JSON.stringify({ backend: which, iterations: i }));
process.exit(0);
