// `wren bench compare` and `wren bench generate --profile` as a user runs them, on stories260K with
// a few tokens: what they print, never how fast (timing belongs to the benchmarks themselves).
// run.c is a stand-in script that reports a rate the way run.c does; the other anchors are absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const stories = sharedFile('llama2c-stories260K/stories260K.bin');
const skip = stories.skip;
const lines = (out: string) => out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

test('compare: one interleaved run prints each engine with ISA, threads and load, a ratio line, and skips absent anchors with a reason', { skip }, () => {
  const dir = scratchDir('wren-bench-compare-test-');
  try {
    const fakeRunc = join(dir, 'run');
    writeFileSync(fakeRunc, '#!/bin/sh\necho "achieved tok/s: 1000.0" >&2\n');
    chmodSync(fakeRunc, 0o755);
    const r = runCli(['bench', 'compare', '--cases', 'stories260K', '--threads', '1', '--tokens', '8', '--rounds', '2', '--runc', fakeRunc, '--python', join(dir, 'no-python')],
      { env: { WREN_NODE_LLAMA_CPP: join(dir, 'no-node-llama-cpp') }, timeoutMs: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = lines(r.stdout);
    assert.ok('loadavg' in out[0] && 'cpu_isa' in out[0], 'the machine line comes first');
    const skipped = (anchor: string) => out.find((l) => l.anchor === anchor && typeof l.skipped === 'string');
    assert.match(String(skipped('llama.cpp')?.skipped), /node-llama-cpp not found/);
    assert.match(String(skipped('pytorch')?.skipped), /cannot import torch/);
    const engines = out.filter((l) => l.case === 'stories260K' && typeof l.engine === 'string');
    assert.ok(engines.some((l) => l.engine === 'wren wasm'));
    assert.equal(engines.find((l) => l.engine === 'run.c -Ofast')?.tokens_per_s, 1000);
    assert.equal(engines.find((l) => l.engine === 'run.c -Ofast')?.isa, 'run.c (run, as given)', 'a given binary is not labelled with flags it may not have');
    for (const l of engines) {
      assert.equal(typeof l.isa, 'string');
      assert.equal(l.threads, 1);
      assert.equal(typeof l.load1m, 'number');
    }
    const ratios = out.find((l) => l.case === 'stories260K' && l.ratios)?.ratios as Record<string, number>;
    assert.ok(ratios && ratios['wren wasm / run.c -Ofast'] > 0, JSON.stringify(ratios));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare: a run.c path that does not exist is skipped with a reason', { skip }, () => {
  const r = runCli(['bench', 'compare', '--cases', 'stories260K', '--threads', '1', '--tokens', '4', '--rounds', '1', '--runc', '/nonexistent/run.c'],
    { env: { WREN_NODE_LLAMA_CPP: '/nonexistent' }, timeoutMs: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.find((l) => l.anchor === 'run.c')?.skipped, 'not found: /nonexistent/run.c');
  assert.match(String(out.find((l) => l.anchor === 'pytorch')?.skipped), /--python/);
  assert.ok(out.some((l) => l.ratios), 'WASM against native (or alone) still gets its ratio line');
});

test('compare: a run.c binary that fails is skipped with what it said, and the rest still compare', { skip }, () => {
  const dir = scratchDir('wren-bench-compare-test-');
  try {
    const broken = join(dir, 'run');
    writeFileSync(broken, '#!/bin/sh\necho "cannot open checkpoint" >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    const r = runCli(['bench', 'compare', '--cases', 'stories260K', '--threads', '1', '--tokens', '4', '--rounds', '1', '--runc', broken, '--no-train'],
      { env: { WREN_NODE_LLAMA_CPP: '/nonexistent' }, timeoutMs: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = lines(r.stdout);
    assert.ok(!out.some((l) => l.anchor === 'pytorch' || l.bench === 'train'), '--no-train runs no training comparison');
    assert.match(String(out.find((l) => l.engine === 'run.c -Ofast')?.skipped), /Command failed/);
    const ratios = out.find((l) => l.ratios)?.ratios as Record<string, number>;
    assert.ok(ratios && !Object.keys(ratios).some((k) => k.includes('run.c')), JSON.stringify(ratios));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generate --profile: per-op, per-layer and total lines, with the calls a token makes', { skip }, () => {
  const r = runCli(['bench', 'generate', '--case', 'stories260K', '--tokens', '8', '--runs', '1', '--threads', '1,2', '--profile'], { timeoutMs: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout).slice(1);
  for (const threads of [1, 2]) {
    const mine = out.filter((l) => l.threads === threads);
    const ops = mine.filter((l) => l.profile === 'op').map((l) => l.op);
    for (const op of ['matmul3 wq+wk+wv', 'matmul wo', 'matmul3 w1+w3', 'matmul w2', 'matmul classifier', 'attention', 'rope', 'embedding']) {
      assert.ok(ops.includes(op), `${op} in ${ops}`);
    }
    const layers = mine.filter((l) => l.profile === 'layer').map((l) => l.layer);
    assert.deepEqual(layers, ['embedding', 'layer 0', 'layer 1', 'layer 2', 'layer 3', 'layer 4', 'final']);
    const total = mine.find((l) => l.profile === 'total')!;
    assert.equal(total.calls_per_token, 1 + 5 * 12 + 2); // embedding, 12 kernels a layer (q/k/v and gate/up fused), final norm + classifier
    assert.equal(typeof total.load1m, 'number');
  }
});
