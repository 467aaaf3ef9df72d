// The whole training model's gradients (through the tape, every op, tied and untied heads, GQA,
// and the SFT loss that counts only masked-in targets) against central finite differences of the
// float64 reference loss, on each backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, type Backend, type BackendName } from '../../src/engine/backend.ts';
import { initParameters } from '../../src/nn/init.ts';
import { CausalLM } from '../../src/nn/heads/causal-lm.ts';
import type { LlamaConfig } from '../../src/nn/config.ts';
import type { ParamName } from '../../src/nn/weights.ts';
import { SeededRng } from '../../src/util/rng.ts';
import { assertGradientsMatch, float64Params, llamaLoss64 } from './f64-model.ts';

const base: LlamaConfig = { hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  vocab_size: 11, max_position_embeddings: 16, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: false };

// One backend of each kind for the file: reference and wasm (checked in) always exist; the
// native addon only where it was built.
const backends = new Map<BackendName, Backend | null>();
for (const name of ['reference', 'wasm', 'native'] as BackendName[]) {
  backends.set(name, await createBackend({ backend: name, threads: 2 }).catch((err) => { if (name !== 'native') throw err; return null; }));
}
test.after(() => { for (const b of backends.values()) b?.dispose(); });

for (const backendName of backends.keys()) {
  for (const [tied, masked] of [[false, false], [true, false], [false, true]]) {
    test(`${backendName}: whole-model gradients match finite differences (tied head: ${tied}${masked ? ', assistant-only loss mask' : ''})`, async (t) => {
      const config = { ...base, tie_word_embeddings: tied };
      const backend = backends.get(backendName);
      if (!backend) return t.skip('native addon not built');
      const mark = backend.arena.mark();
      const B = 2, T = 5, model = new CausalLM(config, backend, B, T);
      initParameters(model.params, config, 5, 0.3);
      for (const n of ['attnNorm', 'ffnNorm', 'finalNorm'] as ParamName[]) { const v = model.params.view(n); for (let i = 0; i < v.length; i++) v[i] = 1 + 0.1 * Math.sin(i); }
      const rng = new SeededRng(9), batch = Array.from({ length: B * (T + 1) }, () => rng.below(config.vocab_size));
      // SFT's mask: a target counts only where its token is marked (about half of them here).
      const mask = batch.map((_, i) => (masked ? (i * 7) % 3 === 0 ? 0 : 1 : 1));
      model.setBatch(batch, masked ? mask : undefined);
      model.zeroGrads();
      model.trainForward(1);
      model.backward();
      const ids = batch.filter((_, i) => i % (T + 1) !== T), targets = batch.map((id, i) => (mask[i] ? id : -1)).filter((_, i) => i % (T + 1) !== 0);
      if (masked) assert.ok(targets.some((x) => x < 0) && targets.some((x) => x >= 0));
      const { p64, get } = float64Params(model.params);
      const shape = { C: 8, F: 12, L: 2, H: 4, Hkv: 2, V: 11, eps: 1e-5, theta: 10000, tied };
      const loss64 = () => llamaLoss64(shape, get, ids, targets, B, T);
      assert.ok(Math.abs(loss64() - model.meanLoss()) < 1e-5, `loss ${model.meanLoss()} vs float64 ${loss64()}`);
      assert.ok(assertGradientsMatch(p64, model.grads, loss64, rng, 6) >= 60);
      backend.arena.release(mark);
    });
  }
}
