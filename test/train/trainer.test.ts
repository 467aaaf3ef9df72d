// The trainer end to end on the real tokenizer and a small corpus: exact resume, overfitting one
// batch, and every bad input the issue lists (typo'd key, missing or mismatched tokenizer, shards
// from another tokenizer, unwritable output, a full disk mid-checkpoint, a non-finite loss).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../../src/engine/backend.ts';
import { initParameters } from '../../src/nn/init.ts';
import { CausalLM } from '../../src/nn/heads/causal-lm.ts';
import { AdamW } from '../../src/train/optimizer.ts';
import { tokenizeToShards } from '../../src/train/tokenize.ts';
import { parseTrainConfig } from '../../src/train/train-config.ts';
import { trainModel } from '../../src/train/trainer.ts';
import { writeFileAtomic } from '../../src/formats/atomic.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';

const tok = sharedFile('llama2c-stories260K/tok512.bin');
const text = sharedFile('tinystories/TinyStoriesV2-GPT4-train_head10klines.txt');
const skip = tok.skip || text.skip;
const model = { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 512, max_position_embeddings: 32, tie_word_embeddings: true };

// One backend for the whole file (also what a long-lived program would do).
const backend = await createBackend({ backend: 'wasm', threads: 2 });
test.after(() => backend.dispose());
const train = (cfg: Parameters<typeof trainModel>[0], opts: Parameters<typeof trainModel>[1] = {}) => trainModel(cfg, { backend, ...opts });

let dataDir = '';
async function data(): Promise<string> {
  if (!dataDir) {
    dataDir = join(scratchDir(), 'data');
    await tokenizeToShards({ tokenizer: tok.path, inputs: [text.path], out: dataDir, valFraction: 0.05 });
  }
  return dataDir;
}
const config = async (over: Record<string, unknown> = {}) => parseTrainConfig({
  model, tokenizer: tok.path, data: await data(), out: join(scratchDir(), 'run'), batch_size: 4, seq_len: 32, steps: 20,
  lr: 3e-3, warmup_steps: 4, eval_interval: 10, eval_batches: 2, checkpoint_interval: 10, backend: 'wasm', threads: 2, ...over,
});

test('20 steps straight and 10 + resume + 10 give bit-identical weights and optimizer state', { skip }, async () => {
  const a = await config(), b = { ...a, out: join(scratchDir(), 'run') };
  await train(a);
  const ac = new AbortController();
  const first = await train(b, { signal: ac.signal, onProgress: (p) => { if (p.step === 7) ac.abort(); } });
  assert.equal(first.interrupted, true);
  assert.equal(first.step, 7);
  const second = await train(b, { resume: true });
  assert.equal(second.step, 20);
  for (const f of ['model.safetensors', 'optimizer.safetensors']) {
    assert.ok(readFileSync(join(a.out, 'checkpoint', f)).equals(readFileSync(join(b.out, 'checkpoint', f))), `${f} differs`);
  }
  const ta = JSON.parse(readFileSync(join(a.out, 'checkpoint/trainer.json'), 'utf8')), tb = JSON.parse(readFileSync(join(b.out, 'checkpoint/trainer.json'), 'utf8'));
  assert.deepEqual(tb, ta);
  const steps = readFileSync(join(b.out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.loss !== undefined).map((r) => r.step);
  assert.deepEqual(steps, Array.from({ length: 20 }, (_, i) => i + 1), 'metrics hold each step once after the resume');
});

test('a tiny model overfits one batch to near-zero loss', async () => {
  const mark = backend.arena.mark();
  const cfg = { ...model, vocab_size: 32, rope_theta: 10000, rms_norm_eps: 1e-5, hidden_size: 32, intermediate_size: 64 };
  const m = new CausalLM(cfg, backend, 2, 16);
  initParameters(m.params, cfg, 3);
  const opt = new AdamW(backend, m.params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0 });
  m.setBatch(Array.from({ length: 2 * 17 }, (_, i) => (i * 7 + 3) % 32));
  let first = 0, last = 0;
  for (let s = 0; s < 150; s++) {
    m.zeroGrads();
    m.forward(1 / 32);
    m.backward();
    opt.update(m.grads, 1e-2);
    if (s === 0) first = m.meanLoss();
    last = m.meanLoss();
  }
  assert.ok(first > 3, `starts near ln 32: ${first}`);
  assert.ok(last < 0.05, `overfit loss ${last}`);
  backend.arena.release(mark);
});

test('a typo in a config key is an error naming it', { skip }, async () => {
  await assert.rejects(config({ learning_rate: 1e-3 }), /unknown key 'learning_rate'/);
  await assert.rejects(config({ batchsize: 4 }), /unknown key 'batchsize'.*did you mean 'batch_size'/);
  await assert.rejects(config({ model: { ...model, hidden_sise: 16 } }), /unknown field 'hidden_sise'/);
  await assert.rejects(config({ seq_len: 64 }), /exceeds the model's max_position_embeddings/);
});

test('missing or mismatched tokenizer, and shards from another tokenizer, are refused', { skip }, async () => {
  await assert.rejects(async () => train(await config({ tokenizer: '/nonexistent/tok.bin' })), /no such tokenizer file/);
  await assert.rejects(async () => train(await config({ model: { ...model, vocab_size: 300 } })), /tokenizer has 512 tokens but the model's vocab_size is 300/);
  const other = join(scratchDir(), 'data');
  await tokenizeToShards({ tokenizer: tok.path, inputs: [text.path], out: other, valFraction: 0.05 });
  const idx = JSON.parse(readFileSync(join(other, 'index.json'), 'utf8'));
  idx.tokenizer = { file: 'tokenizer.json', sha256: 'f'.repeat(64), vocab_size: 512 };
  writeFileSync(join(other, 'index.json'), JSON.stringify(idx));
  await assert.rejects(async () => train(await config({ data: other })), /made with tokenizer 'tokenizer.json'.*re-run 'wren tokenize'/);
});

test('an unwritable output folder is refused before training', { skip }, async () => {
  const file = join(scratchDir(), 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(async () => train(await config({ out: join(file, 'run') })), /cannot create .*a-file\/run: a part of the path is not a folder/);
});

test('a full disk during a checkpoint keeps the previous checkpoint (ENOSPC from a test double of the file writer)', { skip }, async () => {
  const cfg = await config({ steps: 20, checkpoint_interval: 10 });
  let calls = 0;
  const fullDisk = (path: string, bytes: Uint8Array | string) => {
    // the second checkpoint's optimizer state hits a full disk
    if (path.endsWith('optimizer.safetensors') && ++calls === 2) {
      const err = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
      err.code = 'ENOSPC';
      throw err;
    }
    writeFileAtomic(path, bytes);
  };
  await assert.rejects(train(cfg, { writeFile: fullDisk }), /checkpoint not written \(the previous one is kept\).*no space left/);
  const state = JSON.parse(readFileSync(join(cfg.out, 'checkpoint/trainer.json'), 'utf8'));
  assert.equal(state.step, 10);
  assert.ok(existsSync(join(cfg.out, 'checkpoint/model.safetensors')));
  const resumed = await train(cfg, { resume: true });
  assert.equal(resumed.step, 20);
});

test('a non-finite loss stops with a clear message and writes nothing', { skip }, async () => {
  const cfg = await config({ init_std: 1e38 }); // float32 overflows to Infinity: the forward turns NaN
  await assert.rejects(train(cfg), /loss became (NaN|Infinity).*at step 1.*No checkpoint was written/);
  assert.ok(!existsSync(join(cfg.out, 'checkpoint')));
});

test('resume needs a checkpoint, and a fresh run never overwrites one', { skip }, async () => {
  const cfg = await config({ steps: 2 });
  await assert.rejects(train(cfg, { resume: true }), /no checkpoint to resume from/);
  await train(cfg);
  await assert.rejects(train(cfg), /already holds a checkpoint; pass --resume/);
});

test('gradient accumulation: batch 4 equals 2 micro-batches of 2 (the same windows)', { skip }, async () => {
  const a = await config({ steps: 1, batch_size: 4, grad_accum: 1, eval_interval: 0 });
  const b = { ...a, out: join(scratchDir(), 'run'), batch_size: 2, grad_accum: 2 };
  const ra = await train(a), rb = await train(b);
  assert.ok(Math.abs(ra.loss - rb.loss) < 1e-6, `loss ${ra.loss} vs ${rb.loss}`);
  const { readSafetensors } = await import('../../src/formats/safetensors.ts');
  const wa = readSafetensors(join(a.out, 'checkpoint/model.safetensors')).tensors, wb = readSafetensors(join(b.out, 'checkpoint/model.safetensors')).tensors;
  let maxDiff = 0, moved = 0;
  for (const [name, t] of wa) {
    const u = wb.get(name)!.data;
    for (let i = 0; i < t.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(t.data[i] - u[i]));
    moved++;
  }
  assert.ok(moved > 5 && maxDiff < 1e-5, `max weight difference ${maxDiff}`);
  // Adam's first step hides the gradient's scale, so compare the gradient norms too
  const norm = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n')[0]).grad_norm;
  assert.ok(Math.abs(norm(a.out) - norm(b.out)) < 1e-5 * norm(a.out), `gradient norms ${norm(a.out)} vs ${norm(b.out)}`);
});
