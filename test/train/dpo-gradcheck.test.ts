// The DPO loss's gradient (two causal-LM passes, each row's cross-entropy weighted by ±β·σ(−z)/P)
// against central finite differences of the float64 DPO loss, on each backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend, type Backend, type BackendName } from '../../src/engine/backend.ts';
import type { LlamaConfig } from '../../src/nn/config.ts';
import { CausalLM } from '../../src/nn/heads/causal-lm.ts';
import { initParameters } from '../../src/nn/init.ts';
import type { ParamName } from '../../src/nn/weights.ts';
import { DpoObjective } from '../../src/train/dpo.ts';
import { SeededRng } from '../../src/util/rng.ts';
import { assertGradientsMatch, float64Params, llamaLoss64 } from './f64-model.ts';

const config: LlamaConfig = { hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2,
  vocab_size: 11, max_position_embeddings: 16, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true };
const shape = { C: 8, F: 12, L: 1, H: 4, Hkv: 2, V: 11, eps: 1e-5, theta: 10000, tied: true };
const beta = 0.5;

const backends = new Map<BackendName, Backend | null>();
for (const name of ['reference', 'wasm', 'native'] as BackendName[]) {
  backends.set(name, await createBackend({ backend: name, threads: 2 }).catch((err) => { if (name !== 'native') throw err; return null; }));
}
test.after(() => { for (const b of backends.values()) b?.dispose(); });

for (const backendName of backends.keys()) {
  test(`${backendName}: the DPO loss's gradients match finite differences`, (t) => {
    const backend = backends.get(backendName);
    if (!backend) return t.skip('native addon not built');
    const mark = backend.arena.mark();
    const B = 4, T = 5, lm = new CausalLM(config, backend, B, T);
    initParameters(lm.params, config, 3, 0.3);
    for (const n of ['attnNorm', 'ffnNorm', 'finalNorm'] as ParamName[]) { const v = lm.params.view(n); for (let i = 0; i < v.length; i++) v[i] = 1 + 0.1 * Math.cos(i); }
    const rng = new SeededRng(4), tokens = Array.from({ length: B * (T + 1) }, () => rng.below(11));
    const mask = tokens.map((_, i) => (i % (T + 1) >= 3 ? 1 : 0)); // the "reply": the last tokens of each row
    lm.setBatch(tokens, mask);
    const obj = new DpoObjective(lm, beta);
    obj.pairsInBatch = 2;
    obj.reference = [-9.1, -8.7, -9.4, -9.0];
    obj.zeroGrads();
    obj.trainForward(1);
    obj.backward();
    const ids = tokens.filter((_, i) => i % (T + 1) !== T);
    const rowTargets = (row: number) => tokens.map((id, i) => (mask[i] && Math.floor(i / (T + 1)) === row ? id : -1)).filter((_, i) => i % (T + 1) !== 0);
    const { p64, get } = float64Params(lm.params);
    const logp = (row: number) => { const tg = rowTargets(row); return -llamaLoss64(shape, get, ids, tg, B, T) * tg.filter((x) => x >= 0).length; };
    const loss64 = () => {
      let s = 0;
      for (let i = 0; i < 2; i++) {
        const z = beta * ((logp(2 * i) - obj.reference[2 * i]) - (logp(2 * i + 1) - obj.reference[2 * i + 1]));
        s += Math.log1p(Math.exp(-z));
      }
      return s / 2;
    };
    assert.ok(Math.abs(loss64() - obj.meanLoss()) < 1e-5, `loss ${obj.meanLoss()} vs float64 ${loss64()}`);
    assert.ok(assertGradientsMatch(p64, lm.grads, loss64, rng, 5) >= 40);
    backend.arena.release(mark);
  });
}
