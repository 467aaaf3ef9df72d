// `wren tokenizer train|encode|decode` end to end through bin/wren.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizerJson } from '../../src/tokenizer/hf-tokenizer-json.ts';
import { runCli } from '../_helpers.ts';

const run = (...args: string[]) => runCli(['tokenizer', ...args]);

test('wren tokenizer train writes a loadable tokenizer.json; encode/decode use it; bad flags exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-cli-tok-'));
  const a = join(dir, 'a.txt');
  const b = join(dir, 'b.txt');
  writeFileSync(a, 'the cat sat on the mat. <|endoftext|> the dog sat too.\n'.repeat(50));
  writeFileSync(b, 'a bird sang on the tree, the end.\n'.repeat(50));
  const out = join(dir, 'tok.json');
  const r = run('train', '--in', a, b, '--vocab-size', '280', '--special', '<|endoftext|>', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.vocab_size, 280);
  assert.equal(summary.merges, 280 - 257);
  assert.equal(summary.stopped_early, false);
  const tok = loadTokenizerJson(out);
  assert.equal(tok.specialTokens.get('<|endoftext|>'), 0);
  const enc = run('encode', '--tokenizer', out, '--text', 'the cat<|endoftext|>');
  assert.equal(enc.status, 0, enc.stderr);
  const ids = JSON.parse(enc.stdout) as number[];
  assert.deepEqual(ids, tok.encode('the cat<|endoftext|>'));
  const dec = run('decode', '--tokenizer', out, ...ids.map(String));
  assert.equal(dec.stdout, 'the cat<|endoftext|>\n');

  const again = run('train', '--in', a, '--vocab-size', '300', '--out', out);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /exists; pass --force/);
  const small = run('train', '--in', a, '--vocab-size', '256', '--special', 'X', '--out', join(dir, 'x.json'));
  assert.equal(small.status, 2);
  assert.match(small.stderr, /too small/);
  assert.ok(!existsSync(join(dir, 'x.json')));
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const e = run('train', '--in', empty, '--vocab-size', '300', '--out', join(dir, 'e.json'));
  assert.equal(e.status, 2);
  assert.match(e.stderr, /corpus is empty/);
  assert.equal(run('train', '--vocab-size', '300', '--out', join(dir, 'e.json')).status, 2);
  assert.equal(run('decode', '--tokenizer', out, '999').status, 2);
});
