// `wren bench wasm-builds` as a user runs it: the checked-in kernels twice (a build against
// itself), a few tokens of stories260K; what it prints and how it refuses a bad build, never how fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeAvailable } from '../../src/engine/native-backend.ts';
import { runCli, sharedFile } from '../_helpers.ts';

const stories = sharedFile('llama2c-stories260K/stories260K.bin');
const build = 'src/kernels/wasm/kernels-relaxed.wasm';
const lines = (out: string) => out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

for (const mode of [[], ['--prefill', '20']]) {
  test(`wasm-builds${mode.length ? ' --prefill' : ''}: one line per engine, the second build against the first and against native`, { skip: stories.skip }, () => {
    const r = runCli(['bench', 'wasm-builds', '--build', build, '--build', build, '--case', 'stories260K', '--threads', '1', '--tokens', '4', '--rounds', '2', ...mode], { timeoutMs: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = lines(r.stdout);
    assert.ok('cpu_isa' in out[0], 'the machine line comes first');
    const engines = out.filter((l) => l.case === 'stories260K');
    assert.equal(engines.length, nativeAvailable() ? 3 : 2, r.stdout);
    const builds = engines.filter((l) => l.engine === build);
    assert.equal(builds.length, 2);
    assert.equal(builds[0].vs_first_build, undefined);
    assert.ok((builds[1].vs_first_build as number) > 0);
    for (const l of builds) {
      assert.equal(l.isa, 'wasm (given build)');
      assert.equal(l.bench, mode.length ? 'prefill 20' : 'decode 4');
      assert.ok((l.tokens_per_s as number) > 0);
      assert.equal(typeof l.vs_native, nativeAvailable() ? 'number' : 'undefined');
    }
  });
}

test('wasm-builds: a build that is missing or not WebAssembly is refused by name', () => {
  const missing = runCli(['bench', 'wasm-builds', '--build', '/nonexistent/k.wasm'], { timeoutMs: 30_000 });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--build: not found: \/nonexistent\/k\.wasm/);
  const notWasm = runCli(['bench', 'wasm-builds', '--build', 'README.md'], { timeoutMs: 30_000 });
  assert.notEqual(notWasm.status, 0);
  assert.match(notWasm.stderr, /--build README\.md: not a WebAssembly module/);
  const none = runCli(['bench', 'wasm-builds'], { timeoutMs: 30_000 });
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /give at least one --build/);
});
