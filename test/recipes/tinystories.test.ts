// The real-text recipe: the plan's rules, and a short run end to end on real TinyStories text —
// a held-out side that never reaches training, bits per byte equal to `wren eval` on the same
// file, every stage reused on a rerun, and clear errors for bad data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_UPDATES, SHAPES, dropoutFor, planRun, vocabFor } from '../../src/recipes/plan.ts';
import { isHeldOut } from '../../src/recipes/tinystories.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

test('plan: the largest shape that still gets MIN_UPDATES updates; dropout and vocabulary from the data', () => {
  // step times that double with each shape: in 30 min base (1200 ms) gets 1500 updates, large 750
  const ms = Object.fromEntries(SHAPES.map((s, i) => [s.name, 300 * 2 ** i]));
  const p = planRun(30, 900_000, 2048, (s) => ms[s.name]);
  assert.equal(p.shape, 'base');
  assert.equal(p.steps, 1500);
  assert.ok(p.steps >= MIN_UPDATES);
  assert.equal(p.epochs, +((p.steps * 32 * 256) / 900_000).toFixed(2));
  assert.equal(p.dropout, 0.1, `${p.epochs} epochs repeat the data`);
  assert.equal(p.timings.length, 4, 'no shape beyond the first too slow one is timed');
  assert.equal(planRun(30, 1e9, 2048, (s) => ms[s.name]).dropout, 0, 'one pass over plenty of data needs no dropout');
  assert.equal(planRun(0.5, 1e6, 1024, (s) => ms[s.name]).shape, 'tiny', 'a budget too short for any shape takes the smallest');
  assert.deepEqual([dropoutFor(2), dropoutFor(10), dropoutFor(50)], [0, 0.1, 0.2]);
  assert.deepEqual([vocabFor(500_000), vocabFor(3_400_000), vocabFor(80_000_000)], [1024, 2048, 4096]);
});

test('the held-out side is a function of the text: case and spacing do not move a document', () => {
  const a = 'Once upon a time, there was a cat.', b = 'once upon  a time,\nthere was a CAT.';
  for (const p of [5, 20, 50]) assert.equal(isHeldOut(a, p), isHeldOut(b, p));
  const docs = Array.from({ length: 2000 }, (_, i) => `Story number ${i} about a dog.`);
  const share = docs.filter((d) => isHeldOut(d, 5)).length / docs.length;
  assert.ok(share > 0.03 && share < 0.07, `5% asked, ${share} held out`);
});

const stories = sharedFile('tinystories/TinyStories-train_head2MiB.txt');

test('wren recipe tinystories: split → tokenizer → plan → train → held-out bits per byte, resumable', { skip: stories.skip, timeout: 300_000 }, () => {
  const dir = scratchDir('wren-recipe-'), data = join(dir, 'stories.txt'), out = join(dir, 'run');
  writeFileSync(data, readFileSync(stories.path, 'utf8').slice(0, 200_000)); // ~230 stories
  let r = runCli(['recipe', 'tinystories', '--data', data, '--out', out, '--minutes', '0.1', '--samples', '1', '--threads', '2', '--held-out-percent', '10'], { timeoutMs: 280_000 });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const split = (f: string) => readFileSync(join(out, 'data', f), 'utf8').split(/\n?<\|endoftext\|>\n?/).map((d) => d.trim()).filter(Boolean);
  const train = new Set(split('train.txt')), held = split('heldout.txt');
  assert.equal(train.size + held.length, report.split.train.documents + report.split.held_out.documents);
  assert.ok(held.length > 5 && held.every((d) => !train.has(d) && isHeldOut(d, 10)), 'held-out documents never train');
  assert.equal(report.held_out.documents, held.length);
  assert.equal(report.held_out.bytes, held.reduce((n, d) => n + Buffer.byteLength(d), 0));
  assert.ok(report.held_out.bits_per_byte > 0.5 && report.held_out.bits_per_byte < 8, `${report.held_out.bits_per_byte}`);
  assert.equal(report.plan.config.vocab_size, 1024);
  assert.equal(report.samples.length, 1);
  assert.match(r.stdout, /held-out bits per byte \d\.\d{4} \(\d+ documents\)/);

  // the figure is what `wren eval` gives on the held-out file (the same protocol, the same backend)
  const e = runCli(['eval', '--model', report.model_dir, '--data', join(out, 'data', 'heldout.txt'), '--threads', '2', '--batch-size', '16']);
  assert.equal(e.status, 0, e.stderr);
  assert.ok(Math.abs(JSON.parse(e.stdout).bits_per_byte - report.held_out.bits_per_byte) < 1e-4);

  // a rerun reuses every stage; other data in the same folder is refused
  r = runCli(['recipe', 'tinystories', '--data', data, '--out', out, '--minutes', '0.1', '--samples', '0', '--held-out-percent', '10'], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  for (const stage of ['1/5 data: reusing', '2/5 tokenizer: reusing', '3/5 plan: reusing', '4/5 training: reusing']) assert.ok(r.stdout.includes(stage), `${stage} in\n${r.stdout}`);
  writeFileSync(data, readFileSync(stories.path, 'utf8').slice(0, 150_000));
  r = runCli(['recipe', 'tinystories', '--data', data, '--out', out, '--minutes', '0.1', '--held-out-percent', '10']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /split from other data/);
});

test('bad input: a missing file, one document, an unknown recipe', () => {
  const dir = scratchDir('wren-recipe-bad-');
  let r = runCli(['recipe', 'tinystories', '--data', join(dir, 'nope.txt'), '--out', join(dir, 'a')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nope\.txt: no such data file/);
  writeFileSync(join(dir, 'one.txt'), 'Once upon a time there was one story.\n');
  r = runCli(['recipe', 'tinystories', '--data', join(dir, 'one.txt'), '--out', join(dir, 'b')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /1 documents leave .* the recipe needs both/);
  r = runCli(['recipe', 'shakespeare', '--data', join(dir, 'one.txt')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown recipe 'shakespeare'; known: tinystories/);
});
