// The router commands as a user runs them: train a linear router on two MMLU subjects, calibrate
// it to a 20 % strong share on a third, check `score` sends that share at the stored threshold,
// `eval --out` writes its JSON and a real SVG, and `serve --strong-share` recalibrates from the
// stored prompts the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRouterManifest } from '../../src/router/router-file.ts';
import { readRoutingData } from '../../src/router/routing-data.ts';
import { loadRouting } from '../../src/serve/route-load.ts';
import { createBackend } from '../../src/engine/backend.ts';
import { ServedModel } from '../../src/serve/served-model.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { skip as noStories, stories, storiesTok } from '../serve/_server.ts';

const mmlu = sharedFile('router/routellm/mmlu_responses');

test('train → calibrate → score → eval, and serve --strong-share', { skip: mmlu.skip, timeout: 120_000 }, async () => {
  const dir = scratchDir('wren-router-cli-'), r = join(dir, 'router');
  const tables = ['mmlu_high_school_biology.csv', 'mmlu_moral_scenarios.csv'].map((f) => join(mmlu.path, f));
  const t = runCli(['router', 'train', '--policy', 'linear', '--data', ...tables, '--out', r, '--epochs', '5']);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /router linear in .*: trained on 1205 prompts \(\d+ strong-needed\)/);
  const prompts = readRoutingData([join(mmlu.path, 'mmlu_prehistory.csv')]).map((x) => x.prompt);
  writeFileSync(join(dir, 'prompts.jsonl'), prompts.map((prompt) => JSON.stringify({ prompt })).join('\n') + '\n');

  const c = runCli(['router', 'calibrate', '--router', r, '--prompts', join(dir, 'prompts.jsonl'), '--strong-share', '0.2']);
  assert.equal(c.status, 0, c.stderr);
  const m = readRouterManifest(r);
  assert.deepEqual(m.calibration, { strongShare: 0.2, prompts: join(dir, 'prompts.jsonl'), count: prompts.length });
  assert.ok(m.threshold > 0 && m.threshold < 1);

  const s = runCli(['router', 'score', '--router', r, '--in', join(dir, 'prompts.jsonl'), '--out', join(dir, 'scores.jsonl')]);
  assert.equal(s.status, 0, s.stderr);
  const scores = readFileSync(join(dir, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).score as number);
  assert.equal(scores.length, prompts.length);
  const share = scores.filter((x) => x >= m.threshold).length / scores.length;
  assert.ok(Math.abs(share - 0.2) < 0.01, String(share));

  const e = runCli(['router', 'eval', '--router', r, '--data', join(mmlu.path, 'mmlu_prehistory.csv'), '--out', join(dir, 'eval'), '--resamples', '50']);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /\| linear \| -?[0-9.]+ \| [0-9.]+% \| [0-9.]+% \| [0-9.]+% \|/);
  const report = JSON.parse(readFileSync(join(dir, 'eval', 'eval.json'), 'utf8'));
  assert.equal(report.rows, prompts.length);
  assert.equal(report.router.points.length, 11);
  assert.match(readFileSync(join(dir, 'eval', 'curve.svg'), 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<path d="M[\s\S]*<\/svg>\n$/);
  const held = runCli(['router', 'eval', '--router', r, '--data', mmlu.path, '--held-out']);
  assert.match(held.stderr, /names no held-out subjects; train with --hold-out or --hold-out-count/);

  // serve --strong-share recomputes the same threshold from the prompts the router was calibrated on
  if (!noStories) {
    const backend = await createBackend({ threads: 1 });
    const small = ServedModel.load(stories.path, backend, { tokenizer: storiesTok.path, parallel: 1, queueLimit: 1 });
    const routing = await loadRouting({ small: stories.path, large: 'http://127.0.0.1:9/v1', router: r, strongShare: '0.2' }, small);
    assert.ok(routing);
    assert.ok(Math.abs(routing.o.threshold - m.threshold) < 1e-12, `${routing.o.threshold} vs ${m.threshold}`);
    await routing.close();
    backend.dispose();
  }
  const bad = runCli(['router', 'train', '--policy', 'llm', '--out', join(dir, 'llm')]);
  assert.match(bad.stderr, /--policy llm needs --client SPEC/);
  const opt = runCli(['router', 'train', '--policy', 'linear', '--data', tables[0], '--out', join(dir, 'x'), '--hidden', '32']);
  assert.match(opt.stderr, /--hidden is a classifier option; --policy is linear/);
});
