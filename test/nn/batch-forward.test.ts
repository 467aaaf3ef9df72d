// Continuous batching must not change results: a row of a batched forward (several sequences,
// prompts in chunks beside single decode tokens) is bitwise the row that sequence gets alone with
// the same prompt chunks. Holds on every backend by construction (matmul.c's batch path sums each
// row as M = 1 does; attention, rotary and norms are per sequence), so the comparison is exact.
// (Attention takes a tiled path for 8 or more queries, so a prompt's chunking does change its
// rounding: the server chunks every prompt the same way whatever else is running.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/engine/arena.ts';
import { loadModel } from '../../src/nn/load.ts';
import { MAX_BATCH_ROWS, type LlamaModel } from '../../src/nn/llama.ts';
import type { KvCache } from '../../src/nn/kv-cache.ts';
import { sampleArgmax } from '../../src/generate/sampler.ts';
import { join } from 'node:path';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { seededFloats, testBackends } from '../engine/test-backends.ts';

const stories = sharedFile('llama2c-stories260K/stories260K.bin');

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('the forward linear gives each of up to MAX_BATCH_ROWS rows its lone result, bit for bit', async () => {
  const arena = new Arena();
  const K = 70, N = 45; // neither a multiple of any vector width: the tails are covered too
  for (const { label, backend } of await testBackends(arena)) {
    for (const M of [2, 3, 37, MAX_BATCH_ROWS]) {
      const a = arena.allocF32(M * K), w = arena.allocF32(N * K), out = arena.allocF32(M * N), one = arena.allocF32(N);
      arena.f32At(a, M * K).set(seededFloats(M, M * K));
      arena.f32At(w, N * K).set(seededFloats(99, N * K));
      backend.run('matmul', out, a, w, M, K, N, 0, 1, 0);
      for (let m = 0; m < M; m++) {
        backend.run('matmul', one, a + m * K * 4, w, 1, K, N, 0, 1, 0);
        assert.ok(bitsEqual(arena.f32At(out + m * N * 4, N), arena.f32At(one, N)), `${label}: M=${M}, row ${m} differs from its lone result`);
      }
    }
    backend.dispose();
  }
});

type Lone = { prompt: number[]; logits: Float32Array[]; ids: number[] };

/** Greedy decode alone: the prompt in chunks of `chunk`, then `steps` tokens; every logits row kept. */
function alone(model: LlamaModel, prompt: number[], steps: number, chunk: number): Lone {
  const cache = model.newCache(), V = model.config.vocab_size, logits: Float32Array[] = [], ids: number[] = [];
  let out = 0;
  for (let i = 0; i < prompt.length; i += chunk) out = model.forwardBatch([{ cache, tokens: prompt.slice(i, i + chunk), logits: i + chunk >= prompt.length }]);
  let row = model.backend.arena.f32At(out, V).slice();
  for (let i = 0; i < steps; i++) {
    logits.push(row);
    ids.push(sampleArgmax(row));
    row = model.backend.arena.f32At(model.forwardBatch([{ cache, tokens: [ids[i]], logits: true }]), V).slice();
  }
  return { prompt, logits, ids };
}

const tok = sharedFile('llama2c-stories260K/tok512.bin');

/** stories260K as Wren loads it, and quantized to Q4_0 (the blocks stay quantized; their matmul is another kernel). */
function models(): { label: string; path: string }[] {
  const q4 = join(scratchDir(), 'stories260K-q4_0.gguf');
  const r = runCli(['quantize', '--model', stories.path, '--tokenizer', tok.path, '--type', 'q4_0', '--out', q4]);
  assert.equal(r.status, 0, r.stderr);
  return [{ label: 'f32', path: stories.path }, { label: 'q4_0', path: q4 }];
}

test('a batched step of prompts in chunks and decode tokens gives each sequence its lone logits', { skip: stories.skip || tok.skip }, async () => {
  for (const m of models()) await checkModel(m.path, m.label);
});

async function checkModel(path: string, modelLabel: string): Promise<void> {
  const arena = new Arena();
  const prompts = [[1, 403, 407, 261, 378, 432, 383, 300, 301, 302, 303], [1], [1, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320]];
  const steps = 6, chunk = 9; // chunks of 9 and shorter: both attention paths
  for (const { label, backend } of await testBackends(arena)) {
    if (label.startsWith('wasm') && label.endsWith('×1')) { backend.dispose(); continue; } // ×2 covers the same kernels
    const { model } = loadModel(path, backend);
    const lone = prompts.map((p) => alone(model, p, steps, chunk));
    // The batch: sequence 2's prompt arrives late and is prefilled in chunks beside the others' decoding.
    type Live = { cache: KvCache; todo: number[]; got: Float32Array[]; next: number; lone: Lone };
    const live: Live[] = lone.map((l, i) => ({ cache: model.newCache(), todo: i < 2 ? [...l.prompt] : [], got: [], next: -1, lone: l }));
    const V = model.config.vocab_size;
    for (let step = 0; live.some((s) => s.got.length < steps); step++) {
      if (step === 2) live[2].todo = [...live[2].lone.prompt];
      const segs = live.flatMap((s) => {
        if (s.todo.length) return [{ s, tokens: s.todo.splice(0, chunk), done: s.todo.length === 0 }];
        if (s.next >= 0 && s.got.length < steps) return [{ s, tokens: [s.next], done: true }];
        return [];
      });
      const out = model.forwardBatch(segs.map((g) => ({ cache: g.s.cache, tokens: g.tokens, logits: g.done })));
      let r = 0;
      for (const g of segs) {
        if (!g.done) continue;
        const row = arena.f32At(out + r++ * V * 4, V).slice();
        g.s.got.push(row);
        g.s.next = g.s.lone.ids[g.s.got.length - 1];
      }
    }
    for (const [i, s] of live.entries()) {
      for (let t = 0; t < steps; t++) assert.ok(bitsEqual(s.got[t], s.lone.logits[t]), `${modelLabel} on ${label}: sequence ${i}, step ${t}: batched logits differ from the lone ones`);
    }
    backend.dispose();
  }
}
