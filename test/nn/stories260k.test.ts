// Golden end-to-end tests on a real published model: karpathy's stories260K must produce exactly
// the text documented in llama2.c (greedy, and seeded top-p sampling), through the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../../src/engine/backend.ts';
import { loadModel, loadTokenizerFor, saveModel } from '../../src/nn/load.ts';
import { complete } from '../../src/generate/generate.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const model = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const doc = sharedFile('llama2c-stories260K/stories260K.md');
const skip = model.skip || tok.skip || doc.skip;

/** The code blocks of stories260K.md that follow a `./run` command line. */
function documentedOutputs(): string[] {
  const md = readFileSync(doc.path, 'utf8');
  return [...md.matchAll(/```\n\$ \.\/run [^\n]*\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

test('greedy stories260K matches run.c byte for byte', { skip }, () => {
  const [greedy] = documentedOutputs();
  const r = runCli(['generate', '--model', model.path, '--tokenizer', tok.path, '--temperature', '0', '--max-tokens', '256']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, greedy + '\n');
});

test('seeded top-p sample (-t 1 -p 0.9 -s 133742) matches run.c', { skip }, () => {
  const [, sampled] = documentedOutputs();
  // On the reference backend (plain JS arithmetic, the same on every CPU): a sampled token could
  // flip where an ISA's kernels round a probability differently, a greedy one practically never.
  const r = runCli(['generate', '--model', model.path, '--tokenizer', tok.path, '--temperature', '1', '--top-p', '0.9', '--seed', '133742', '--max-tokens', '256', '--backend', 'reference']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, sampled + '\n');
});

for (const backendName of ['reference', 'wasm', 'native'] as const) {
  test(`greedy ids from BOS on the ${backendName} backend`, { skip }, async (t) => {
    let backend;
    try {
      backend = await createBackend({ backend: backendName, threads: 2 });
    } catch (err) {
      if (backendName !== 'native') throw err; // reference and wasm ship with the package
      return t.skip(`native backend unavailable: ${(err as Error).message}`);
    }
    try {
      const { model: m } = loadModel(model.path, backend);
      const ids: number[] = [];
      let token = 1;
      for (let i = 0; i < 10; i++) {
        const logits = m.backend.arena.f32At(m.forward([token]), m.config.vocab_size);
        token = logits.indexOf(Math.max(...logits));
        ids.push(token);
      }
      assert.deepEqual(ids, [403, 407, 261, 378, 432, 383, 286, 261, 376, 298]);
    } finally {
      backend.dispose();
    }
  });
}

test('a completion says why it stopped: the token budget, a stop string or a stop token', { skip }, async () => {
  const backend = await createBackend({ backend: 'reference' });
  try {
    const { model: m } = loadModel(model.path, backend);
    const tokenizer = loadTokenizerFor(tok.path, m.config);
    const bos = tokenizer.encode('', { bos: true });
    const cut = complete(m, tokenizer, bos, { maxTokens: 12, temperature: 0 });
    assert.deepEqual([cut.finishReason, cut.ids.length], ['length', 12]);
    const stopped = complete(m, tokenizer, bos, { maxTokens: 64, temperature: 0, stop: ['Lily'] });
    assert.equal(stopped.finishReason, 'stop');
    assert.equal(stopped.text, 'Once upon a time, there was a little girl named ');
    // Greedy from BOS the model ends its story with BOS (run.c stops there) well before 400 tokens.
    const whole = complete(m, tokenizer, bos, { maxTokens: 400, temperature: 0 });
    assert.equal(whole.finishReason, 'stop');
    assert.ok(whole.ids.length < 400 && !whole.ids.includes(tokenizer.bosId!), `${whole.ids.length} tokens`);
    const ctx = complete(m, tokenizer, bos, { maxTokens: 10_000, temperature: 1, seed: 5, stopIds: [] });
    assert.deepEqual([ctx.finishReason, ctx.ids.length], ['length', m.contextLength], 'the context end is a length stop (the last token is sampled, never fed)');
  } finally {
    backend.dispose();
  }
});

test('batched prefill gives the same logits as token-by-token decoding', { skip }, async () => {
  const backend = await createBackend({ backend: 'reference' });
  const { model: m } = loadModel(model.path, backend, { maxRows: 7 });
  const prompt = [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315];
  const batched = Array.from(m.backend.arena.f32At(m.forward(prompt), 512)); // runs in chunks of 7
  m.reset();
  let last = 0;
  for (const id of prompt) last = m.forward([id]);
  const stepped = m.backend.arena.f32At(last, 512);
  for (let i = 0; i < 512; i++) assert.ok(Math.abs(batched[i] - stepped[i]) < 1e-4, `logit ${i}: ${batched[i]} vs ${stepped[i]}`);
});

test('HF folder export round-trips (rotary permutation included) and generates the same text', { skip }, () => {
  const dir = scratchDir();
  return createBackend({ backend: 'reference' }).then((backend) => {
    const { model: m } = loadModel(model.path, backend);
    saveModel(join(dir, 'hf'), m);
    const a = runCli(['generate', '--model', model.path, '--tokenizer', tok.path, '--temperature', '0', '--max-tokens', '64']);
    const b = runCli(['generate', '--model', join(dir, 'hf'), '--tokenizer', tok.path, '--temperature', '0', '--max-tokens', '64']);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stdout, a.stdout);
    const cfg = JSON.parse(readFileSync(join(dir, 'hf', 'config.json'), 'utf8'));
    assert.equal(cfg.architectures[0], 'LlamaForCausalLM');
    assert.equal(cfg.num_key_value_heads, 4);
  });
});
