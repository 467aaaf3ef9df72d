import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeLlama2cCheckpoint, readLlama2cCheckpoint } from '../../src/formats/llama2c.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';

const model = sharedFile('llama2c-stories260K/stories260K.bin');

test('stories260K header reads as documented', { skip: model.skip }, () => {
  const ck = readLlama2cCheckpoint(model.path);
  assert.equal(ck.version, 0);
  assert.deepEqual(
    [ck.config.hidden_size, ck.config.intermediate_size, ck.config.num_hidden_layers, ck.config.num_attention_heads, ck.config.num_key_value_heads, ck.config.vocab_size, ck.config.max_position_embeddings],
    [64, 172, 5, 8, 4, 512, 512],
  );
  assert.equal(ck.config.tie_word_embeddings, true);
});

test('writing versions 0 and 1 and reading them back gives the same tensors (shared and unshared classifier)', { skip: model.skip }, () => {
  const dir = scratchDir();
  const ck = readLlama2cCheckpoint(model.path);
  for (const shared of [true, false]) {
    const config = { ...ck.config, tie_word_embeddings: shared };
    const tensors = new Map(ck.tensors);
    if (!shared) tensors.set('lmHead', ck.tensors.get('embed')!.map((x) => x * 0.5));
    for (const version of [0, 1] as const) {
      const path = join(dir, `v${version}-${shared}.bin`);
      writeFileSync(path, encodeLlama2cCheckpoint(config, (n) => tensors.get(n)!, version));
      const back = readLlama2cCheckpoint(path);
      assert.equal(back.version, version);
      assert.equal(back.config.tie_word_embeddings, shared);
      assert.deepEqual([...back.tensors.keys()].sort(), [...tensors.keys()].sort());
      for (const [name, data] of tensors) assert.deepEqual(back.tensors.get(name), data, `${name} v${version}`);
    }
  }
});

test('unsupported version is refused by number', () => {
  const dir = scratchDir();
  const path = join(dir, 'v9.bin');
  const b = Buffer.alloc(300);
  b.writeUInt32LE(0x616b3432, 0);
  b.writeInt32LE(9, 4);
  writeFileSync(path, b);
  assert.throws(() => readLlama2cCheckpoint(path), /version 9 is not supported \(expected 0, 1 or 2\)/);
});
