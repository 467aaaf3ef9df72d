// The classifier router (the Wren text classifier) and the linear baseline, trained by `wren
// router train` on 36 MMLU subjects and evaluated on 9 others held out by subject (a seeded pick,
// seed 1, recorded in router.json), with RouteLLM's metrics and a bootstrap interval on APGR.
// The test asserts only what holds on any CPU: on this split both beat random (APGR > 0.5) on
// subjects they never saw. It is not a claim about every split: this small classifier (sized so
// the test trains in under a minute) fell below random on the seed-2 split, where the larger one
// stayed above it (docs/routing.md has the table). The figures are printed as test diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluateRouter } from '../../src/router/evaluate.ts';
import { loadRouter } from '../../src/router/load.ts';
import { readRoutingData } from '../../src/router/routing-data.ts';
import { splitBySubject } from '../../src/router/train.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const data = sharedFile('router');

for (const [policy, flags] of [
  ['linear', []],
  ['classifier', ['--epochs', '2', '--max-len', '64', '--hidden', '32', '--layers', '1', '--threads', '1']],
] as const) {
  test(`${policy} router on 9 held-out MMLU subjects beats random`, { skip: data.skip, timeout: 600_000 }, async (t) => {
    const dir = join(scratchDir('wren-heldout-'), policy);
    const r = runCli(['router', 'train', '--policy', policy, '--data', data.path, '--out', dir, '--hold-out-count', '9', '--seed', '1', ...flags], { timeoutMs: 540_000 });
    assert.equal(r.status, 0, r.stderr);
    const { router, manifest } = await loadRouter(dir);
    try {
      assert.equal(manifest.heldOutSubjects?.length, 9);
      const { train, test: heldOut } = splitBySubject(readRoutingData([data.path]), manifest.heldOutSubjects!);
      assert.equal(train.length + heldOut.length, 12057);
      const e = await evaluateRouter(router, heldOut, { resamples: 300 });
      const b = e.bootstrap;
      t.diagnostic(`${policy}: held out ${manifest.heldOutSubjects!.join(', ')} (${e.rows} prompts); weak ${e.weakAccuracy.toFixed(1)}%, strong ${e.strongAccuracy.toFixed(1)}%`);
      t.diagnostic(`${policy}: APGR ${b.apgr.toFixed(3)} [${b.low.toFixed(3)}, ${b.high.toFixed(3)}] (95%, ${b.resamples} resamples); over random [${b.lowOverRandom.toFixed(3)}, ${b.highOverRandom.toFixed(3)}]; random ${e.random.apgr.toFixed(3)}; CPT(50%) ${e.router.cpt50.toFixed(1)}% (random ${e.random.cpt50.toFixed(1)}%)`);
      assert.ok(e.router.apgr > 0.5, `APGR ${e.router.apgr}`);
      assert.ok(Math.abs(e.random.apgr - 0.5) < 0.03, `random APGR ${e.random.apgr}`);
      assert.ok(e.optimal.apgr > 1, `optimal APGR ${e.optimal.apgr}`);
    } finally {
      await router.close();
    }
  });
}
