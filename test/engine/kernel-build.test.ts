// The checked-in .wasm kernels are exactly what their C sources build to: `npm run build:kernels`
// (src/kernels/build-wasm.sh) into a temporary folder must reproduce them byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kernelsDir = fileURLToPath(new URL('../../src/kernels/', import.meta.url));
const haveToolchain = ['clang-16', 'wasm-ld-16'].every((t) => spawnSync(t, ['--version']).status === 0);

test('npm run build:kernels reproduces the checked-in wasm byte for byte', (t) => {
  if (!haveToolchain) {
    assert.ok(!process.env.CI, 'CI is set but clang-16/wasm-ld-16 are missing: install clang-16 lld-16');
    t.skip('clang-16 or wasm-ld-16 not installed (apt-get install -y clang-16 lld-16)');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'wren-wasm-'));
  try {
    const r = spawnSync('npm', ['run', '--silent', 'build:kernels'], { env: { ...process.env, WREN_WASM_OUT: out }, encoding: 'utf8' });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}\n${r.stderr}`);
    for (const file of ['kernels.wasm', 'kernels-relaxed.wasm']) {
      const built = readFileSync(join(out, file)), committed = readFileSync(join(kernelsDir, 'wasm', file));
      assert.ok(built.equals(committed), `${file}: the rebuilt module (${built.length} bytes) differs from the checked-in one (${committed.length} bytes); run npm run build:kernels and commit`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
