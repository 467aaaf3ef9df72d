// Features from a frozen trunk (classify/trunk-features.ts) and the 'embedding' edu classifier on
// them, on a small seeded random LM folder written here: a text's features do not depend on what
// else is in its batch (the pooling reads only its own real tokens, not the padding), and an
// embedding classifier trained, saved and loaded again scores exactly as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrunkFeatures } from '../../src/classify/trunk-features.ts';
import { classifierConfig, PAD_TOKEN, textClassifierDefaults } from '../../src/classify/train-text-classifier.ts';
import { loadEduClassifier } from '../../src/data/filter/edu/classifier.ts';
import { EmbeddingEduClassifier, trainEmbeddingClassifier } from '../../src/data/filter/edu/embedding-classifier.ts';
import { createBackend } from '../../src/engine/backend.ts';
import { initParameters } from '../../src/nn/init.ts';
import { saveModel } from '../../src/nn/load.ts';
import { ParameterBlock, parameterTable } from '../../src/nn/weights.ts';
import { trainTokenizer } from '../../src/tokenizer/train-tokenizer.ts';
import { scratchDir } from '../_helpers.ts';

const TEXTS = ['We learn how plants make food from light.', 'Buy cheap shoes today!', 'The heart pumps blood around the body.', 'Click here for deals.',
  'Fractions show parts of a whole, like one half.', 'Best prices on phones.', 'Volcanoes form where plates meet.', 'Sale ends soon, order now.'];

async function lmFolder(): Promise<string> {
  const dir = join(scratchDir(), 'lm');
  const { tokenizer } = await trainTokenizer(TEXTS, { vocabSize: 300, specialTokens: [PAD_TOKEN] });
  const config = classifierConfig({ ...textClassifierDefaults, hidden: 16, layers: 1, heads: 2, maxLen: 32 }, tokenizer.vocabSize);
  const backend = await createBackend({ threads: 1 });
  const params = new ParameterBlock(backend.arena, parameterTable(config));
  initParameters(params, config, 7, 0.2); // large init so texts differ visibly
  saveModel(dir, { config, params }, {}, { tokenizer });
  backend.dispose();
  return dir;
}

test('trunk features: one C-vector per text, independent of the rest of the batch', async () => {
  const f = await TrunkFeatures.load(await lmFolder(), 32);
  try {
    const alone = f.features([TEXTS[1]])[0];
    const inBatch = f.features([TEXTS[4], TEXTS[1], TEXTS[6]])[1]; // padded to a longer neighbour
    assert.equal(alone.length, 16);
    for (let k = 0; k < 16; k++) assert.ok(Math.abs(alone[k] - inBatch[k]) < 1e-4, `feature ${k}: ${alone[k]} vs ${inBatch[k]}`);
    const other = f.features([TEXTS[0]])[0];
    assert.ok(other.some((v, k) => Math.abs(v - alone[k]) > 1e-3), 'different texts, different features');
  } finally {
    f.close();
  }
});

test('embedding classifier: trains a head on the frozen trunk, saves with its trunk, loads to the same scores', async () => {
  const lm = await lmFolder();
  const examples = Array.from({ length: 40 }, (_, i) => ({ text: `${TEXTS[i % 8]} ${i}`, score: i % 2 === 0 ? 4 : 1 }));
  const m = await trainEmbeddingClassifier(examples, { maxLen: 32, calibrate: 1 }, lm);
  const dir = join(scratchDir(), 'clf');
  try {
    m.save(dir, {});
    assert.ok(existsSync(join(dir, 'trunk', 'model.safetensors')) && existsSync(join(dir, 'trunk', 'tokenizer.json')));
    const texts = examples.map((e) => e.text), before = m.scoreBatch(texts);
    assert.ok(before.every((s) => s >= 0 && s <= 5));
    const loaded = await loadEduClassifier(dir);
    assert.ok(loaded instanceof EmbeddingEduClassifier);
    const after = await Promise.all(texts.map((t) => loaded.score(t)));
    after.forEach((s, i) => assert.ok(Math.abs(s - before[i]) < 1e-6, `text ${i}: ${before[i]} then ${s}`));
    await loaded.close?.();
  } finally {
    await m.close();
  }
  await assert.rejects(trainEmbeddingClassifier(examples, {}), /needs --init DIR/);
});
