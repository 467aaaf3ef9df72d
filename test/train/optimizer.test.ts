// Schedule, clipping and the AdamW decay mask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../src/engine/backend.ts';
import { ParameterBlock, parameterTable } from '../../src/nn/weights.ts';
import { AdamW, clipScale, learningRate } from '../../src/train/optimizer.ts';
import { PRESETS } from '../../src/nn/presets.ts';

test('learning rate: linear warmup, cosine decay to the floor, floor after the end', () => {
  const s = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 };
  assert.equal(learningRate(0, s), 1e-4);
  assert.equal(learningRate(4, s), 5e-4);
  assert.equal(learningRate(9, s), 1e-3);
  assert.ok(Math.abs(learningRate(10, s) - 1e-3) < 1e-15);
  assert.ok(Math.abs(learningRate(60, s) - 5.5e-4) < 1e-12, 'half way down the cosine is the mid-point');
  assert.ok(learningRate(100, s) > learningRate(101, s));
  assert.equal(learningRate(110, s), 1e-4);
  assert.equal(learningRate(500, s), 1e-4);
});

test('learning rate under a time budget: the schedule ends at whichever comes first, steps or time', () => {
  const s = { lr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 };
  assert.equal(learningRate(60, s, 0.1), learningRate(60, s), 'time behind the steps: the step schedule');
  assert.ok(Math.abs(learningRate(20, s, 0.5) - 5.5e-4) < 1e-12, 'half the time spent: the mid-point, whatever the step');
  assert.ok(Math.abs(learningRate(20, s, 1.3) - 1e-4) < 1e-15, 'time up: the floor');
  assert.ok(Math.abs(learningRate(5, s, 0.9) - 6e-4) < 1e-15, 'warmup is counted in steps');
});

test('clipping scales a gradient down to the limit and leaves a small one alone', () => {
  assert.equal(clipScale(0.5, 1), 1);
  assert.ok(Math.abs(clipScale(4, 1) * 4 - 1) < 1e-6);
  assert.equal(clipScale(100, 0), 1, 'a limit of 0 turns clipping off');
});

test('AdamW: no weight decay on norms and the embedding, decay on every matrix; the update uses it', async () => {
  const backend = await createBackend({ backend: 'reference' });
  const c = { ...PRESETS['stories260K'], tie_word_embeddings: false };
  const params = new ParameterBlock(backend.arena, parameterTable(c)), grads = new ParameterBlock(backend.arena, parameterTable(c));
  const opt = new AdamW(backend, params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.5 });
  for (const e of opt.decay.entries.values()) {
    const want = ['embed', 'attnNorm', 'ffnNorm', 'finalNorm'].includes(e.name) ? 0 : 1;
    assert.ok(opt.decay.view(e.name).every((v) => v === want), `${e.name} decay ${want}`);
  }
  params.all().fill(2);
  grads.all().fill(0);
  opt.update(grads, 0.1);
  assert.ok(Math.abs(params.view('wq')[0] - (2 - 0.1 * 0.5 * 2)) < 1e-6, 'a zero gradient still decays a matrix');
  assert.equal(params.view('embed')[0], 2);
  assert.equal(params.view('attnNorm')[0], 2);
  assert.ok(Math.abs(opt.gradNorm(grads)) === 0);
  grads.all().fill(0.5);
  assert.ok(Math.abs(opt.gradNorm(grads) - 0.5 * Math.sqrt(grads.size)) < 1e-3);
});
