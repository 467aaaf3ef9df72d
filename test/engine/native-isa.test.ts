// Choosing the native addon's ISA (WREN_NATIVE_ISA / --isa): what each CPU may be built for, and a
// request this CPU cannot run is refused in one line before anything is compiled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../_helpers.ts';

const { resolveIsa, supportedIsas, ISAS } = createRequire(import.meta.url)('../../src/kernels/native/isa.cjs') as {
  resolveIsa(r: string, arch: string, cpuinfo: string): string; supportedIsas(arch: string, cpuinfo: string): string[];
  ISAS: Record<string, { flags: string; simd: string }>;
};
const zen4 = 'flags : fpu sse2 avx fma avx2 avx512f avx512dq avx512bw\n';
const zen3 = 'flags : fpu sse2 avx fma avx2 bmi2\n';
const old = 'flags : fpu sse2 avx\n';

test('each CPU may be built for its best ISA or any below it', () => {
  assert.deepEqual(supportedIsas('x64', zen4), ['avx512', 'avx2', 'portable']);
  assert.deepEqual(supportedIsas('x64', zen3), ['avx2', 'portable']);
  assert.deepEqual(supportedIsas('x64', old), ['portable']);
  assert.deepEqual(supportedIsas('arm64', ''), ['neon', 'portable']);
  assert.equal(resolveIsa('best', 'x64', zen4), 'avx512');
  assert.equal(resolveIsa('avx2', 'x64', zen4), 'avx2');
  assert.equal(resolveIsa('portable', 'arm64', ''), 'portable');
  assert.match(ISAS.portable.flags, /-DWREN_PORTABLE/);
  assert.doesNotMatch(ISAS.avx2.flags, /avx512/);
  assert.throws(() => resolveIsa('avx512', 'x64', zen3), /this CPU \(x64\) cannot run avx512 code; it can run: avx2, portable/);
  assert.throws(() => resolveIsa('neon', 'x64', zen4), /cannot run neon/);
  assert.throws(() => resolveIsa('sse9', 'x64', zen4), /unknown ISA 'sse9'; known: best, avx512, avx2, neon, portable/);
});

test('a strict build for an ISA this CPU lacks fails in one line, before compiling', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'src/kernels/native/install.mjs'), '--strict', '--isa', 'sse9'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), "wren: native addon build failed: --isa / WREN_NATIVE_ISA: unknown ISA 'sse9'; known: best, avx512, avx2, neon, portable");
  const lax = spawnSync(process.execPath, [join(repoRoot, 'src/kernels/native/install.mjs')], { encoding: 'utf8', env: { ...process.env, WREN_NATIVE_ISA: 'sse9', WREN_NATIVE_STRICT: '', WREN_SKIP_NATIVE: '' } });
  assert.equal(lax.status, 0, 'an ordinary install stays green and falls back to WebAssembly');
  assert.match(lax.stdout, /native kernels not built .*unknown ISA 'sse9'.*WebAssembly/);
});
