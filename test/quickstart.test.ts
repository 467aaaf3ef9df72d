// The main job end to end through the real CLI, on a tiny budget with the fast built-in teacher:
// every stage runs and the run folder holds a loadable model, a loss plot and a report with the
// student's bits per byte (held-out teacher stories and real text); a used folder is refused untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir } from './_helpers.ts';

test('quickstart runs every stage and writes a usable run folder', () => {
  const out = join(scratchDir(), 'run');
  const real = join(scratchDir(), 'real.txt');
  writeFileSync(real, 'Once upon a time, a little dog ran in the park.\n<|endoftext|>\nTom had a red ball. He gave it to his sister.\n');
  const r = runCli(['quickstart', '--teacher', 'builtin', '--minutes', '0.1', '--stories', '600', '--samples', '1', '--out', out, '--seed', '3', '--held-out', real], { timeoutMs: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  for (const stage of ['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']) assert.match(r.stdout, new RegExp(stage));
  assert.match(r.stdout, /— words: \w+, \w+, \w+/);
  for (const f of ['report.md', 'report.json', 'loss.svg', 'tokenizer.json', 'data/stories.jsonl', 'data/kept.jsonl', 'data/heldout-teacher.txt', 'train/checkpoint/model.safetensors', 'train/checkpoint/config.json']) {
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
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(json.teacher, 'builtin');
  assert.equal(json.stories.written, 600);
  assert.ok(json.stories.kept <= 600 && json.stories.heldOut > 0 && json.stories.heldOut < json.stories.kept / 5);
  assert.equal(json.teacherSeedWords.allThree, 600, 'the grammar uses its seed words every time');
  assert.equal(json.studentSeedWords.prompts, 20);
  assert.ok(json.bitsPerByte.teacherHeldOut > 0 && json.bitsPerByte.realHeldOut.value > 0 && json.bitsPerByte.realHeldOut.documents === 2);
  assert.match(report, /student's stories with all three seed words: \d+ of 20/);
  // the held-out teacher stories never reached training
  const held = readFileSync(join(out, 'data/heldout-teacher.txt'), 'utf8').split(/\n?<\|endoftext\|>\n?/).map((d) => d.trim()).filter(Boolean);
  const trained = readFileSync(join(out, 'data/train.jsonl'), 'utf8');
  assert.equal(held.length, json.stories.heldOut);
  assert.ok(held.every((d) => !trained.includes(JSON.stringify(d).slice(1, -1))));
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
