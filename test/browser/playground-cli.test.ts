// `wren playground build` refusals, without a browser: each is one line naming what is wrong,
// exit 2, and nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir } from '../_helpers.ts';
import { stories260K } from './_chromium.ts';

const data = stories260K();

test('wren playground build refuses what it cannot serve and writes nothing', { skip: data.skip }, () => {
  const dir = scratchDir('wren-playground-cli-');
  const out = join(dir, 'site');
  const noTokenizer = runCli(['playground', 'build', '--model', data.model, '--out', out]);
  assert.equal(noTokenizer.status, 2);
  assert.match(noTokenizer.stderr, /stories260K\.bin: no tokenizer beside the model; pass --tokenizer PATH/);
  const wrong = join(dir, 'other.bin');
  writeFileSync(wrong, Buffer.concat([Buffer.from(new Int32Array([16]).buffer), Buffer.from(new Float32Array([0]).buffer), Buffer.from(new Int32Array([1]).buffer), Buffer.from('a')]));
  const mismatch = runCli(['playground', 'build', '--model', data.model, '--tokenizer', wrong, '--out', out]);
  assert.equal(mismatch.status, 2);
  assert.match(mismatch.stderr, /other\.bin/);
  const gguf = join(dir, 'm.gguf');
  writeFileSync(gguf, 'GGUF');
  const g = runCli(['playground', 'build', '--model', gguf, '--out', out]);
  assert.equal(g.status, 2);
  assert.match(g.stderr, /m\.gguf: truncated GGUF file/);
  const badName = runCli(['playground', 'build', '--model', data.model, '--tokenizer', data.tokenizer, '--name', '../x', '--out', out]);
  assert.equal(badName.status, 2);
  assert.match(badName.stderr, /--name must be letters, digits/);
  assert.equal(existsSync(out), false);
  assert.equal(runCli(['playground']).status, 2);
});
