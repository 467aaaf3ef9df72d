// `wren doctor` through the real CLI: it names the backend, SIMD level and threads in use, says why
// native is absent when it is, and rejects bad flags with exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../_helpers.ts';
import { nativeAvailable } from '../../src/engine/native-backend.ts';

test('doctor reports the backend, SIMD level and thread count it was asked for', () => {
  const r = runCli(['doctor', '--backend', 'wasm', '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wasm: +(relaxed-simd|simd128)/m);
  assert.match(r.stdout, /^in use: +wasm — wasm (relaxed-simd|simd128), 1 thread$/m);
  assert.match(r.stdout, nativeAvailable() ? /^native: +built, (avx512f|avx2-fma|neon|portable-c)/m : /^native: +unavailable: /m);
});

test('doctor with the default backend uses native when it is built, else WASM (or WREN_BACKEND)', () => {
  const r = runCli(['doctor', '--threads', '2']);
  assert.equal(r.status, 0, r.stderr);
  const expected = process.env.WREN_BACKEND || (nativeAvailable() ? 'native' : 'wasm');
  assert.match(r.stdout, new RegExp(`^in use: +${expected} — .*, 2 threads( \\(WREN_BACKEND=\\w+\\))?$`, 'm'));
  if (expected === 'wasm' && !process.env.WREN_BACKEND) assert.match(r.stderr, /native kernels unavailable .*using WebAssembly/);
});

test('doctor rejects a bad backend or thread count', () => {
  for (const args of [['--backend', 'gpu'], ['--threads', '0'], ['--threads', 'many']]) {
    const r = runCli(['doctor', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /--(backend|threads)/);
  }
});
