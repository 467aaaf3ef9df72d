// The main job end to end through the real CLI, on a tiny budget: every stage runs and the run
// folder holds a loadable model, a loss plot and a report; a used folder is refused untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir } from './_helpers.ts';

test('quickstart runs every stage and writes a usable run folder', () => {
  const out = join(scratchDir(), 'run');
  const r = runCli(['quickstart', '--minutes', '0.1', '--stories', '600', '--samples', '1', '--out', out, '--seed', '3'], { timeoutMs: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  for (const stage of ['1/5', '2/5', '3/5', '4/5', '5/5']) assert.match(r.stdout, new RegExp(stage));
  assert.match(r.stdout, /— words: \w+, \w+, \w+/);
  for (const f of ['report.md', 'loss.svg', 'tokenizer.json', 'data/stories.jsonl', 'train/checkpoint/model.safetensors', 'train/checkpoint/config.json']) {
    assert.ok(existsSync(join(out, f)), `${f} exists`);
  }
  assert.match(readFileSync(join(out, 'loss.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
  assert.equal(readFileSync(join(out, 'data/stories.jsonl'), 'utf8').trim().split('\n').length, 600);
  const report = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(report, /1\.12M parameters/);
  assert.match(report, /validation loss (\d+\.\d+|-)/); // "-" when a loaded machine hits the deadline before the last eval
  const gen = runCli(['generate', '--model', join(out, 'train/checkpoint'), '--prompt', 'Words: run, dog, happy\n', '--max-tokens', '20', '--seed', '1', '--stats']);
  assert.equal(gen.status, 0, gen.stderr);
  assert.ok(gen.stdout.startsWith('Words: run, dog, happy\n'), 'the prompt is echoed');
  const stats = /^(\d+) tokens in .* finish_reason: (stop|length)$/m.exec(gen.stderr);
  assert.ok(stats && (stats[2] === 'length' ? Number(stats[1]) === 20 : Number(stats[1]) < 20), gen.stderr);
  const used = /samples used (\d+) of 3 seed words/.exec(report);
  assert.ok(used && Number(used[1]) <= 3, 'the report counts seed words used');
});

test('quickstart refuses a folder that already holds files and leaves it untouched', () => {
  const out = join(scratchDir(), 'used');
  mkdirSync(out);
  writeFileSync(join(out, 'mine.txt'), 'keep me');
  const r = runCli(['quickstart', '--out', out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /already holds files/);
  assert.deepEqual(readdirSync(out), ['mine.txt']);
  assert.equal(readFileSync(join(out, 'mine.txt'), 'utf8'), 'keep me');
});
