import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler, sampleTopP } from '../../src/generate/sampler.ts';
import { Rng } from '../../src/generate/rng.ts';

const logits = Float32Array.from([1, 3, 2, 0.5, 3, -1]);

test('greedy picks the first maximum', () => {
  assert.equal(new Sampler(6, { temperature: 0 }).sample(logits), 1);
});

test('same seed, same samples; different seed, different samples', () => {
  const draw = (seed: number) => { const s = new Sampler(6, { temperature: 1, topP: 1, seed }); return Array.from({ length: 50 }, () => s.sample(logits)); };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

test('top-k never returns a token outside the k most likely', () => {
  const s = new Sampler(6, { temperature: 2, topP: 1, topK: 2, seed: 1 });
  const seen = new Set(Array.from({ length: 500 }, () => s.sample(logits)));
  assert.deepEqual([...seen].sort(), [1, 4]);
});

test('top-p keeps the smallest nucleus above the mass', () => {
  const p = Float32Array.from([0.5, 0.3, 0.15, 0.05]);
  const scratch = new Int32Array(4);
  const picks = new Set<number>();
  for (let i = 0; i < 200; i++) picks.add(sampleTopP(p, 0.7, i / 200, scratch));
  assert.deepEqual([...picks].sort(), [0, 1]); // 0.5 + 0.3 > 0.7: token 2 and 3 never drawn
});

test('sampling frequencies follow the softmax', () => {
  const s = new Sampler(2, { temperature: 1, topP: 1, seed: 3 });
  const l = Float32Array.from([0, Math.log(3)]); // p = [0.25, 0.75]
  let ones = 0;
  for (let i = 0; i < 20000; i++) ones += s.sample(l);
  assert.ok(Math.abs(ones / 20000 - 0.75) < 0.015, `frequency ${ones / 20000}`);
});

test('repetition penalty steers greedy away from repeated tokens', () => {
  const s = new Sampler(6, { temperature: 0, repetitionPenalty: 2 });
  assert.equal(s.sample(logits, [1]), 4);
  assert.equal(s.sample(logits, [1, 4]), 2);
});

test('bad settings are refused', () => {
  assert.throws(() => new Sampler(6, { temperature: -1 }), /temperature/);
  assert.throws(() => new Sampler(6, { topP: 0 }), /top-p/);
  assert.throws(() => new Sampler(6, { topK: 1.5 }), /top-k/);
  assert.throws(() => new Sampler(6, { seed: 0.5 }), /seed/);
});

test('xorshift RNG matches llama2.c run.c random_u32 for seed 133742', () => {
  // Values printed by run.c's random_u32 (compiled with gcc) for state 133742.
  const r = new Rng(133742);
  assert.deepEqual([r.nextU32(), r.nextU32(), r.nextU32()], [3033531262, 2674377904, 2312864567]);
});

test('top-p over a flat 32k distribution draws what run.c\'s stable comparison sort draws', () => {
  // Many candidates take the radix path; quantised values make plenty of ties.
  const n = 32000, rng = new Rng(5), p = new Float32Array(n);
  for (let i = 0; i < n; i++) p[i] = Math.round(rng.nextF32() * 64) + 1;
  let sum = 0;
  for (let i = 0; i < n; i++) sum = Math.fround(sum + p[i]);
  for (let i = 0; i < n; i++) p[i] /= sum;
  const reference = (coin: number, topP: number) => {
    const cutoff = Math.fround(Math.fround(1 - topP) / (n - 1));
    const idx = [...Array(n).keys()].filter((i) => p[i] >= cutoff).sort((a, b) => (p[a] > p[b] ? -1 : p[a] < p[b] ? 1 : 0));
    let cumulative = 0, last = idx.length - 1;
    for (let i = 0; i < idx.length; i++) { cumulative = Math.fround(cumulative + p[idx[i]]); if (cumulative > topP) { last = i; break; } }
    const r = Math.fround(coin * cumulative);
    let cdf = 0;
    for (let i = 0; i <= last; i++) { cdf = Math.fround(cdf + p[idx[i]]); if (r < cdf) return idx[i]; }
    return idx[last];
  };
  const scratch = new Int32Array(n);
  for (const topP of [0.5, 0.9, 0.999]) {
    for (let k = 0; k < 40; k++) {
      const coin = rng.nextF32();
      assert.equal(sampleTopP(p, topP, coin, scratch), reference(coin, topP), `top-p ${topP}, coin ${coin}`);
    }
  }
});

test('presence and frequency penalties push greedy off tokens it has drawn', () => {
  const flat = Float32Array.from([1, 0.9, 0.8]);
  const plain = new Sampler(3, { temperature: 0 });
  assert.deepEqual([0, 1, 2].map(() => plain.sample(flat)), [0, 0, 0]);
  const presence = new Sampler(3, { temperature: 0, presencePenalty: 0.3 }); // a drawn token falls below every fresh one
  assert.deepEqual([0, 1, 2, 3].map(() => presence.sample(flat)), [0, 1, 2, 0]);
  const frequency = new Sampler(3, { temperature: 0, frequencyPenalty: 0.06 });
  assert.deepEqual([0, 1, 2, 3, 4].map(() => frequency.sample(flat)), [0, 0, 1, 0, 1]);
  assert.throws(() => new Sampler(3, { presencePenalty: 3 }), /presence penalty must be in \[-2, 2\]/);
});

test('top-k samples on its k survivors exactly as over the whole masked vocabulary', async () => {
  const { maskBelowTopK, sampleMult, softmaxF32 } = await import('../../src/generate/sampler.ts');
  const V = 3000, rng = new Rng(9);
  for (const [topK, topP, temperature] of [[40, 0.95, 1], [5, 1, 0.7], [200, 0.5, 1.3], [1, 0.9, 1]] as const) {
    const seed = 77, sampler = new Sampler(V, { topK, topP, temperature, seed }), coins = new Rng(seed);
    for (let t = 0; t < 30; t++) {
      const logits = new Float32Array(V);
      for (let i = 0; i < V; i++) logits[i] = Math.round(rng.nextF32() * 40) / 4; // ties at the boundary
      const p = logits.slice();
      maskBelowTopK(p, topK);
      for (let i = 0; i < V; i++) p[i] /= temperature;
      softmaxF32(p);
      const coin = coins.nextF32();
      const expected = topP >= 1 ? sampleMult(p, coin) : sampleTopP(p, topP, coin, new Int32Array(V));
      assert.equal(sampler.sample(logits), expected, `top-k ${topK} top-p ${topP} t ${temperature}, step ${t}`);
    }
  }
});
