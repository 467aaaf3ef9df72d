// What the CLI refuses before it writes anything: a stray argument (an unquoted value with
// spaces would otherwise be cut to its first word), an --out that is one of the inputs, and an
// existing --out without --force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir } from '../_helpers.ts';

test('a stray argument is an error naming it, not silently dropped', () => {
  const r = runCli(['init', '--preset', 'stories260K', '--out', join(scratchDir(), 'm'), 'extra']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unexpected argument 'extra' \(a value with spaces needs quotes/);
});

test('an --out that is an input is refused and the input kept; an existing --out needs --force', () => {
  const dir = scratchDir(), text = join(dir, 'text.txt');
  writeFileSync(text, 'the cat sat on the mat. '.repeat(50));
  let r = runCli(['tokenizer', 'train', '--in', text, '--vocab-size', '300', '--out', text, '--force']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--out .*text\.txt is also an input; write the output elsewhere/);
  r = runCli(['data', 'chat', '--from-stories', text, '--out', join(dir, '.', 'text.txt'), '--force']);
  assert.match(r.stderr, /is also an input/);
  assert.equal(readFileSync(text, 'utf8'), 'the cat sat on the mat. '.repeat(50));

  const router = join(dir, 'router'), prompts = join(dir, 'prompts.jsonl'), scores = join(dir, 'scores.jsonl');
  assert.equal(runCli(['router', 'train', '--policy', 'heuristic', '--out', router]).status, 0);
  writeFileSync(prompts, '{"prompt":"What is 2 + 2?"}\n');
  r = runCli(['router', 'score', '--router', router, '--in', prompts, '--out', prompts]);
  assert.match(r.stderr, /is also an input/);
  assert.equal(runCli(['router', 'score', '--router', router, '--in', prompts, '--out', scores]).status, 0);
  r = runCli(['router', 'score', '--router', router, '--in', prompts, '--out', scores]);
  assert.match(r.stderr, /scores\.jsonl exists; pass --force to replace it/);
  assert.equal(runCli(['router', 'score', '--router', router, '--in', prompts, '--out', scores, '--force']).status, 0);
  assert.equal(JSON.parse(readFileSync(scores, 'utf8')).prompt, 'What is 2 + 2?');
});
