// Bad input through the real CLI: each case exits non-zero with one clear line naming the file
// and what is wrong — never a stack trace or garbage output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const model = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const tok32k = sharedFile('tokenizers/llama2c-32k/tokenizer.bin');
const dir = scratchDir();

function assertCleanError(r: ReturnType<typeof runCli>, ...needles: (string | RegExp)[]) {
  assert.equal(r.status, 2, `expected exit 2, got ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '', 'no output on error');
  for (const n of needles) assert.match(r.stderr, typeof n === 'string' ? new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : n);
}

test('truncated checkpoint', { skip: model.skip || tok.skip }, () => {
  const bad = join(dir, 'truncated.bin');
  writeFileSync(bad, readFileSync(model.path).subarray(0, 100_000));
  assertCleanError(runCli(['generate', '--model', bad, '--tokenizer', tok.path]), bad, 'truncated');
});

test('checkpoint with trailing garbage (header and size disagree)', { skip: model.skip || tok.skip }, () => {
  const bad = join(dir, 'long.bin');
  writeFileSync(bad, Buffer.concat([readFileSync(model.path), Buffer.alloc(64)]));
  assertCleanError(runCli(['generate', '--model', bad, '--tokenizer', tok.path]), bad, 'unexpected bytes');
});

test('corrupt header', { skip: tok.skip }, () => {
  const bad = join(dir, 'garbage.bin');
  writeFileSync(bad, Buffer.from('this is not a checkpoint at all, just some text padding it out'));
  assertCleanError(runCli(['generate', '--model', bad, '--tokenizer', tok.path]), bad, 'not those of a llama2.c checkpoint');
});

test('checkpoint with non-finite weights', { skip: model.skip || tok.skip }, () => {
  const bytes = Buffer.from(readFileSync(model.path));
  bytes.writeFloatLE(NaN, 28 + 4 * 1000);
  const bad = join(dir, 'nan.bin');
  writeFileSync(bad, bytes);
  assertCleanError(runCli(['generate', '--model', bad, '--tokenizer', tok.path]), bad, 'non-finite');
});

test('tokenizer that does not match the model vocabulary', { skip: model.skip || tok32k.skip }, () => {
  assertCleanError(runCli(['generate', '--model', model.path, '--tokenizer', tok32k.path]), tok32k.path, '32000 tokens', '512');
});

test('config with inconsistent sizes', () => {
  const cfg = join(dir, 'bad-config.json');
  writeFileSync(cfg, JSON.stringify({ hidden_size: 65, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 8, num_key_value_heads: 8, vocab_size: 32, max_position_embeddings: 16 }));
  assertCleanError(runCli(['init', '--config', cfg, '--out', join(dir, 'x')]), cfg, 'hidden_size 65 is not divisible by num_attention_heads 8');
  writeFileSync(cfg, JSON.stringify({ hidden_size: 64, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 8, num_key_value_heads: 3, vocab_size: 32, max_position_embeddings: 16 }));
  assertCleanError(runCli(['init', '--config', cfg, '--out', join(dir, 'x')]), 'not a multiple of num_key_value_heads 3');
  writeFileSync(cfg, JSON.stringify({ hidden_size: 64, intermediate_size: -4, num_hidden_layers: 1, num_attention_heads: 8, vocab_size: 32, max_position_embeddings: 16 }));
  assertCleanError(runCli(['init', '--config', cfg, '--out', join(dir, 'x')]), "'intermediate_size' must be a positive integer");
  writeFileSync(cfg, JSON.stringify({ hidden_size: 64, intermediate_size: 64, num_hidden_layers: 1, num_attention_heads: 8, vocab_size: 32, max_position_embeddings: 16, hiden_size: 3 }));
  assertCleanError(runCli(['init', '--config', cfg, '--out', join(dir, 'x')]), "unknown field 'hiden_size'");
  writeFileSync(cfg, '{ not json');
  assertCleanError(runCli(['init', '--config', cfg, '--out', join(dir, 'x')]), cfg, 'not valid JSON');
});

test('prompt longer than the context', { skip: tok.skip }, () => {
  const cfg = join(dir, 'tiny.json');
  writeFileSync(cfg, JSON.stringify({ hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 512, max_position_embeddings: 8 }));
  const out = join(dir, 'tiny');
  const init = runCli(['init', '--config', cfg, '--out', out, '--tokenizer', tok.path]);
  assert.equal(init.status, 0, init.stderr);
  assertCleanError(runCli(['generate', '--model', out, '--prompt', 'Once upon a time there was a very long prompt indeed']), 'longer than the model\'s context of 8');
});

test('damaged safetensors in a model folder', { skip: tok.skip }, () => {
  const out = join(dir, 'damaged');
  assert.equal(runCli(['init', '--preset', 'stories260K', '--out', out, '--tokenizer', tok.path]).status, 0);
  const st = join(out, 'model.safetensors');
  writeFileSync(st, readFileSync(st).subarray(0, 5000));
  assertCleanError(runCli(['generate', '--model', out]), st, 'truncated');
});

test('missing model and bad flags', () => {
  assertCleanError(runCli(['generate', '--model', join(dir, 'nope')]), 'no such model');
  assertCleanError(runCli(['generate']), '--model is required');
  assertCleanError(runCli(['generate', '--model', 'x', '--temperature', 'hot']), '--temperature must be a number');
  assertCleanError(runCli(['generate', '--model', 'x', '--top-p', '2']), '--top-p must be a number in [0, 1]');
  assertCleanError(runCli(['generate', '--model', 'x', '--threads', '0']), '--threads must be an integer');
  assertCleanError(runCli(['generate', '--model', 'x', '--bogus']), "unknown option '--bogus'");
  // negative numbers are values, not flags: one line naming the flag and its range (issue 20, fault 6)
  assertCleanError(runCli(['generate', '--model', 'x', '--max-tokens', '-1']), "--max-tokens must be an integer in [0, 1048576], got '-1'");
  assertCleanError(runCli(['generate', '--model', 'x', '--temperature', '-1']), "--temperature must be a number in [0, 100], got '-1'");
  assertCleanError(runCli(['generate', '--model', 'x', '--top-k', '-3']), "--top-k must be an integer in [0, Infinity], got '-3'");
});
