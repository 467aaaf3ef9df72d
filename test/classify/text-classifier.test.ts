// The generic text classifier: it learns a small labelled set, saves and loads to identical
// probabilities, and — trained through the one loop — a run stopped midway and resumed from its
// checkpoint ends with the same weights, bit for bit, as a straight run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextClassifier } from '../../src/classify/text-classifier.ts';
import { trainTextClassifier } from '../../src/classify/train-text-classifier.ts';
import { scratchDir } from '../_helpers.ts';

const LABELS = ['question', 'story'];
const examples = [
  ...['Where is the park?', 'What time is it now?', 'Can you help me find my cat?', 'Why is the sky blue?', 'How do birds fly?', 'Who ate the cake?'].map((text) => ({ text, label: 0 })),
  ...['Once upon a time a cat slept.', 'The dog ran to the park and played.', 'Lily found a red ball and smiled.', 'Tom baked a cake for his mom.', 'A bird sang in the big tree.', 'The sun was warm and the kids laughed.'].map((text) => ({ text, label: 1 })),
];
const OPTS = { vocab: 300, maxLen: 24, hidden: 16, layers: 1, heads: 2, epochs: 30, batch: 4, lr: 5e-3, threads: 1 };

test('learns, saves and loads to the same probabilities', async () => {
  const dir = scratchDir();
  const clf = await trainTextClassifier(examples, LABELS, OPTS);
  try {
    const p = clf.probabilities(examples.map((e) => e.text));
    examples.forEach((e, i) => assert.ok(p[i][e.label] > 0.5, `"${e.text}": p(${LABELS[e.label]}) = ${p[i][e.label].toFixed(3)}`));
    assert.ok(clf.trainLoss.at(-1)! < 0.5 * clf.trainLoss[0], `loss ${clf.trainLoss[0]} → ${clf.trainLoss.at(-1)}`);
    clf.save(join(dir, 'c'));
    const loaded = await TextClassifier.load(join(dir, 'c'));
    assert.deepEqual(loaded.labels, LABELS);
    assert.deepEqual(loaded.probabilities(examples.map((e) => e.text)), p);
    loaded.close();
  } finally {
    clf.close();
  }
  await assert.rejects(TextClassifier.load(join(dir, 'nowhere')), /nowhere: no text-classifier\.json/);
  await assert.rejects(trainTextClassifier([{ text: 'x', label: 2 }], LABELS, OPTS), /label 2 is not a class 0…1/);
});

test('stopped midway and resumed from its checkpoint: the same weights as a straight run', async () => {
  const dir = scratchDir();
  const straight = await trainTextClassifier(examples, LABELS, { ...OPTS, epochs: 6 }, { runDir: join(dir, 'a') });
  straight.close();
  const stop = new AbortController();
  await assert.rejects(
    trainTextClassifier(examples, LABELS, { ...OPTS, epochs: 6 }, { runDir: join(dir, 'b'), signal: stop.signal, onEpoch: (p) => { if (p.epoch === 2) stop.abort(); } }),
    /stopped at step 6 of 18; its checkpoint is in/,
  );
  const resumed = await trainTextClassifier(examples, LABELS, { ...OPTS, epochs: 6 }, { runDir: join(dir, 'b'), resume: true });
  resumed.close();
  for (const f of ['model.safetensors', 'optimizer.safetensors', 'trainer.json']) {
    assert.ok(readFileSync(join(dir, 'b', 'checkpoint', f)).equals(readFileSync(join(dir, 'a', 'checkpoint', f))), `${f} is the straight run's`);
  }
});
