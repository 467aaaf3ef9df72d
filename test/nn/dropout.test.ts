// Dropout, the training noise of the trunk: the kernel drops the share it is asked to and scales
// the rest, its backward replays the forward's mask from the seed, seeds differ, and a CausalLM
// with dropout evaluates exactly like one without (noise only in training forwards).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, type Backend } from '../../src/engine/backend.ts';
import { CausalLM } from '../../src/nn/heads/causal-lm.ts';
import { initParameters } from '../../src/nn/init.ts';
import type { LlamaConfig } from '../../src/nn/config.ts';

const backend: Backend = await createBackend({ backend: 'auto', threads: 2 });
after(() => backend.dispose());

function runDropout(x: Float32Array, p: number, seed: number, into?: Float32Array): Float32Array {
  const a = backend.arena, mark = a.mark(), n = x.length;
  const xp = a.allocF32(n), op = a.allocF32(n);
  a.f32.set(x, xp >> 2);
  if (into) a.f32.set(into, op >> 2);
  backend.run('dropout', op, xp, n, Math.round(p * 2 ** 31), Math.fround(1 / (1 - p)), seed, into ? 1 : 0);
  const out = a.f32At(op, n).slice();
  a.release(mark);
  return out;
}

test('drops the asked share and scales the rest by 1/(1-p)', () => {
  const n = 200_000, ones = new Float32Array(n).fill(1);
  for (const p of [0.1, 0.25, 0.5]) {
    const out = runDropout(ones, p, 7);
    const dropped = out.filter((v) => v === 0).length / n;
    assert.ok(Math.abs(dropped - p) < 0.005, `p ${p}: dropped ${dropped}`);
    assert.ok(out.every((v) => v === 0 || v === Math.fround(1 / (1 - p))), 'kept values are scaled exactly');
  }
});

test('the backward replays the mask: same seed, same mask; another seed, another', () => {
  const n = 10_000, x = Float32Array.from({ length: n }, (_, i) => 1 + (i % 13));
  const a = runDropout(x, 0.3, 99), b = runDropout(x, 0.3, 99), c = runDropout(x, 0.3, 100);
  assert.deepEqual(a, b);
  const same = a.filter((v, i) => (v === 0) === (c[i] === 0)).length / n;
  assert.ok(same < 0.65, `two seeds agree on ${same} of the mask (independent masks: 0.58)`);
  // dx += dout·mask·scale: the accumulating call on the gradient keeps exactly the forward's elements
  const dout = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3.5), dx0 = new Float32Array(n).fill(0.25);
  const dx = runDropout(dout, 0.3, 99, dx0);
  for (let i = 0; i < n; i++) assert.equal(dx[i], Math.fround(0.25 + (a[i] === 0 ? 0 : Math.fround(dout[i] * Math.fround(1 / 0.7)))));
});

const config: LlamaConfig = {
  hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 2,
  max_position_embeddings: 16, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true, vocab_size: 50,
};

test('a model with dropout evaluates exactly like one without; its training forwards are noisy', () => {
  const B = 2, T = 16, tokens = Array.from({ length: B * (T + 1) }, (_, i) => (i * 7 + 3) % 50);
  const plain = new CausalLM(config, backend, B, T), noisy = new CausalLM(config, backend, B, T, 0.2);
  initParameters(plain.params, config, 5, 0.02);
  noisy.params.all().set(plain.params.all());
  const lossesOf = (m: CausalLM, seed?: number) => {
    m.setBatch(tokens);
    return backend.arena.f32At(m.forward(0, seed), B * T).slice();
  };
  assert.deepEqual(lossesOf(noisy), lossesOf(plain), 'evaluation has no noise');
  const a = lossesOf(noisy, 1), b = lossesOf(noisy, 1), c = lossesOf(noisy, 2);
  assert.deepEqual(a, b, 'one seed, one set of masks');
  assert.notDeepEqual(a, lossesOf(plain), 'training forwards drop');
  assert.notDeepEqual(a, c, 'another seed, other masks');
});
