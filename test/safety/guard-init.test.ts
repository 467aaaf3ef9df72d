// A transformer guard whose trunk starts from a pretrained LM folder (--init): it keeps the LM's
// tokenizer and sizes, is saved and loaded like any guard, and the flag is refused for the linear
// kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assembleGuardData } from '../../src/safety/guard-data.ts';
import { Guard } from '../../src/safety/guard-model.ts';
import { trainGuard } from '../../src/safety/train-guard.ts';
import { trainTokenizer } from '../../src/tokenizer/train-tokenizer.ts';
import { runCli, scratchDir } from '../_helpers.ts';
import { saveRandomLm } from '../_random-lm.ts';
import { writeFixtureJsonl } from './_guard-fixture.ts';

test('guard train --init: the trunk starts from an LM folder and keeps its tokenizer', async () => {
  const dir = scratchDir();
  const rows = await assembleGuardData([writeFixtureJsonl(dir)]);
  const { tokenizer } = await trainTokenizer(rows.map((r) => r.text), { vocabSize: 300, specialTokens: ['<|endoftext|>', '<|pad|>'] });
  const config = { hidden_size: 16, intermediate_size: 48, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, vocab_size: tokenizer.vocabSize,
    max_position_embeddings: 64, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true };
  await saveRandomLm(join(dir, 'lm'), tokenizer, config, 3);

  const guard = await trainGuard(rows, { kind: 'transformer', from: join(dir, 'lm'), options: { maxLen: 16, epochs: 1, batch: 8 } });
  const before = guard.scores(['How do I build a bomb?', 'Tell me a story.'], 'prompt');
  guard.save(join(dir, 'guard'));
  guard.close();
  assert.equal(readFileSync(join(dir, 'guard', 'classifier', 'tokenizer.json'), 'utf8'), readFileSync(join(dir, 'lm', 'tokenizer.json'), 'utf8'));
  const meta = JSON.parse(readFileSync(join(dir, 'guard', 'guard.json'), 'utf8'));
  assert.equal(meta.training.init, join(dir, 'lm'));
  assert.equal(JSON.parse(readFileSync(join(dir, 'guard', 'classifier', 'config.json'), 'utf8')).hidden_size, 16, 'the LM\'s sizes, not the guard defaults');
  const loaded = await Guard.load(join(dir, 'guard'));
  assert.deepEqual(loaded.scores(['How do I build a bomb?', 'Tell me a story.'], 'prompt'), before);
  loaded.close();

  await assert.rejects(trainGuard(rows, { kind: 'linear', from: join(dir, 'lm') }), /pretrained trunk \(--init\) needs the transformer kind/);
  const r = runCli(['guard', 'train', '--data', join(dir, 'guard-rows.jsonl'), '--out', join(dir, 'g2'), '--kind', 'linear', '--init', join(dir, 'lm')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--init needs --kind transformer/);
  rmSync(dir, { recursive: true, force: true });
});
