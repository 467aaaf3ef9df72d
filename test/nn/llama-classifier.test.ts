// The Llama sequence classifier (trunk + pooling + final norm + score head): its gradients through
// the tape against central finite differences of a float64 reference, for last-token and mean
// pooling over a right-padded batch, on each backend; and padding never changes a sequence's
// probabilities (causal attention: real tokens cannot see the pads after them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, type BackendName } from '../../src/engine/backend.ts';
import type { LlamaConfig } from '../../src/nn/config.ts';
import { initParameters } from '../../src/nn/init.ts';
import { SequenceClassifier, POOLINGS, type Pooling } from '../../src/nn/heads/sequence-classifier.ts';
import type { ParamName } from '../../src/nn/weights.ts';
import { SeededRng } from '../../src/util/rng.ts';
import {
  attention64, centralDifference, crossEntropy64, embedding64, float64Params, linear64, rmsnorm64, rope64, swiglu64, type F64,
} from '../train/f64-model.ts';

const config: LlamaConfig = { hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  vocab_size: 11, max_position_embeddings: 16, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true };
const C = 8, F = 12, L = 2, H = 4, Hkv = 2, D = 2, K = 6, eps = 1e-5, PAD = 0;

/** Mean cross-entropy of the classifier in float64; `p(name, layer)` gives a tensor. */
function classifierLoss64(p: (name: string, layer?: number) => F64, seqs: number[][], labels: number[], pooling: Pooling): number {
  const B = seqs.length, T = Math.max(...seqs.map((s) => s.length)), M = B * T;
  const ids = seqs.flatMap((s) => [...s, ...new Array(T - s.length).fill(PAD)]);
  let x = embedding64(p('embed'), ids, C);
  for (let l = 0; l < L; l++) {
    const xb = rmsnorm64(x, p('attnNorm', l), M, C, eps);
    const q = rope64(linear64(xb, p('wq', l), M, C, H * D), M, T, H, D, 10000);
    const k = rope64(linear64(xb, p('wk', l), M, C, Hkv * D), M, T, Hkv, D, 10000);
    const v = linear64(xb, p('wv', l), M, C, Hkv * D);
    x = x.map((a, i) => a + linear64(attention64(q, k, v, B, T, H, Hkv, D), p('wo', l), M, H * D, C)[i]);
    const xf = rmsnorm64(x, p('ffnNorm', l), M, C, eps);
    const h = swiglu64(linear64(xf, p('w1', l), M, C, F), linear64(xf, p('w3', l), M, C, F));
    const down = linear64(h, p('w2', l), M, F, C);
    x = x.map((a, i) => a + down[i]);
  }
  const pooled = new Float64Array(B * C);
  seqs.forEach((s, b) => {
    const rows = pooling === 'last' ? [s.length - 1] : s.map((_, j) => j);
    for (const j of rows) for (let c = 0; c < C; c++) pooled[b * C + c] += x[(b * T + j) * C + c] / rows.length;
  });
  const logits = linear64(rmsnorm64(pooled, p('finalNorm'), B, C, eps), p('score'), B, C, K);
  return crossEntropy64(logits, labels, K).reduce((a, b) => a + b, 0) / B;
}

async function backendOrSkip(name: BackendName) {
  // reference and wasm (checked in) always exist; the native addon only where it was built
  return createBackend({ backend: name, threads: 2 }).catch((err) => { if (name !== 'native') throw err; return null; });
}

const seqs = [[3, 7, 1, 9, 4], [5, 2], [10, 10, 6, 1]]; // right-padded to 5
const labels = [4, 1, 5];

for (const backendName of ['reference', 'wasm', 'native'] as BackendName[]) {
  for (const pooling of POOLINGS) {
    test(`${backendName}: classifier gradients (${pooling} pooling, padded batch) match finite differences`, async (t) => {
      const backend = await backendOrSkip(backendName);
      if (!backend) return t.skip('native addon not built');
      const model = new SequenceClassifier(config, K, pooling, backend, 4, 6); // planned larger than the batch
      initParameters(model.params, config, 5, 0.3);
      for (const n of ['attnNorm', 'ffnNorm', 'finalNorm'] as ParamName[]) { const v = model.params.view(n); for (let i = 0; i < v.length; i++) v[i] = 1 + 0.1 * Math.sin(i); }
      model.setBatch(seqs, PAD, labels);
      model.zeroGrads();
      model.forward(true, 1 / seqs.length);
      model.backward();
      const { p64, get } = float64Params(model.params);
      const loss64 = () => classifierLoss64(get, seqs, labels, pooling);
      assert.ok(Math.abs(loss64() - model.meanLoss()) < 1e-5, `loss ${model.meanLoss()} vs float64 ${loss64()}`);
      const rng = new SeededRng(9);
      let checked = 0;
      for (const [name, v] of p64) {
        const g = model.grads.view(name);
        // every weight of the head and the final norm; a sample of the rest
        const js = name === 'score' || name === 'finalNorm' ? v.map((_, j) => j) : Array.from({ length: 6 }, () => rng.below(v.length));
        for (const j of js) {
          const num = centralDifference(v, j, loss64);
          assert.ok(Math.abs(g[j] - num) <= 2e-4 + 1e-3 * Math.abs(num), `${name}[${j}]: tape ${g[j]}, finite difference ${num}`);
          checked++;
        }
      }
      assert.ok(checked >= 100, `${checked} gradients checked`);
      // the padding token's embedding row gets no gradient from the pads: only from real uses of id 0 (none here)
      const dEmbed = model.grads.view('embed');
      assert.ok(dEmbed.subarray(PAD * C, PAD * C + C).every((x) => x === 0), 'pads are invisible to the loss');
      backend.dispose();
    });
  }
}

test('padding does not change a sequence\'s probabilities; bad batches are refused', async () => {
  const backend = await createBackend({ backend: 'reference' });
  for (const pooling of POOLINGS) {
    const model = new SequenceClassifier(config, K, pooling, backend, 3, 8);
    initParameters(model.params, config, 2, 0.3);
    model.setBatch([seqs[1]], PAD);
    model.forward(false);
    const alone = model.probabilities();
    assert.ok(Math.abs(alone.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    model.setBatch(seqs, PAD);
    model.forward(false);
    const batched = model.probabilities().subarray(K, 2 * K);
    for (let k = 0; k < K; k++) assert.ok(Math.abs(alone[k] - batched[k]) < 1e-6, `${pooling}: class ${k} ${alone[k]} alone, ${batched[k]} padded`);
    assert.throws(() => model.setBatch([[1, 2], [3], [4], [5]], PAD), /4 sequences, this model takes 1…3/);
    assert.throws(() => model.setBatch([new Array(9).fill(1)], PAD), /9 tokens, this model takes at most 8/);
    assert.throws(() => model.setBatch([[1, 11]], PAD), /token id 11 outside the vocabulary/);
    assert.throws(() => model.setBatch([[1]], PAD, [6]), /label 6 is not a class 0…5/);
  }
  backend.dispose();
});
