// GGUF files Wren did not write, and the bad ones: llama.cpp's own gguf-py (scripts/make-gguf-with-gguf-py.py,
// where WREN_PYTHON or python3 has numpy and gguf) converts stories260K from llama2.c's files, and
// Wren reads it with the same greedy ids as llama.cpp (node-llama-cpp, where present) and as the
// .bin itself; tensor data past the end and a tokenizer that does not fit the model are one-line errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../src/engine/backend.ts';
import { encodeGguf, gguf, ggufTensor, parseGguf, type GgufMetadata } from '../../src/formats/gguf.ts';
import { loadModel } from '../../src/nn/load.ts';
import { repoRoot, runCli, scratchDir, sharedFile } from '../_helpers.ts';

const bin = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const skip = bin.skip || tok.skip;
const dir = scratchDir('wren-gguf-ind-');
const python = process.env.WREN_PYTHON ?? 'python3';

let backend: Backend;
after(() => backend?.dispose());

/** Greedy ids after BOS (64 at most, stopping at BOS/EOS) on Wren's default backend. */
async function wrenIds(path: string): Promise<number[]> {
  const b = (backend ??= await createBackend({ threads: 1 })), mark = b.arena.mark();
  try {
    const { model } = loadModel(path, b);
    const ids: number[] = [];
    model.forward([1]);
    while (ids.length < 64) {
      const l = model.logitsView();
      let best = 0;
      for (let i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
      if (best === 1 || best === 2) break;
      ids.push(best);
      model.forward([best]);
    }
    return ids;
  } finally {
    b.arena.release(mark);
  }
}

function llamaCppIds(path: string): number[] | string {
  const lib = process.env.WREN_NODE_LLAMA_CPP;
  try {
    createRequire(join(lib ?? repoRoot, 'probe.js')).resolve('node-llama-cpp');
  } catch {
    if (process.env.CI) throw new Error(`node-llama-cpp not found (WREN_NODE_LLAMA_CPP=${lib ?? ''})`);
    return 'node-llama-cpp is not installed (set WREN_NODE_LLAMA_CPP)';
  }
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/check-gguf-llama-cpp.mjs'), ...(lib ? ['--lib', lib] : []), '--max-tokens', '64', '--json', path], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).ids;
}

for (const type of ['f32', 'q8_0', 'q4_0']) {
  test(`a ${type} GGUF written by llama.cpp's gguf-py loads in Wren with llama.cpp's greedy ids`, { skip }, async (t) => {
    const out = join(dir, `gguf-py-${type}.gguf`);
    const r = spawnSync(python, [join(repoRoot, 'scripts/make-gguf-with-gguf-py.py'), bin.path, tok.path, out, '--type', type], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) return t.skip(`${python} not found (set WREN_PYTHON to a Python with numpy and gguf)`);
    assert.equal(r.status, 0, r.stderr);
    const said = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    if (said.skip) return t.skip(`${said.skip}; set WREN_PYTHON to a Python that has them`);
    const ours = await wrenIds(out);
    assert.ok(ours.length > 30, `${ours.length} ids`);
    if (type === 'f32') assert.deepEqual(ours, await wrenIds(bin.path), 'the same weights as the .bin');
    const theirs = llamaCppIds(out);
    if (typeof theirs === 'string') return t.diagnostic(theirs);
    const first = ours.findIndex((id, i) => id !== theirs[i]);
    assert.equal(first, -1, `first divergence at token ${first}: Wren ${ours[first]}, llama.cpp ${theirs[first]}`);
    assert.equal(theirs.length, ours.length);
  });
}

function expectOneLineError(args: string[], path: string, pattern: RegExp, names = path): void {
  const r = runCli(['generate', '--model', path, '--max-tokens', '1', ...args]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').filter((l) => !l.startsWith('wren: native kernels unavailable')).length, 1, r.stderr);
  assert.ok(r.stderr.includes(names), r.stderr);
  assert.match(r.stderr, pattern);
}

test('tensor data past the end of a GGUF is one clear error', () => {
  const good = encodeGguf(new Map([['general.architecture', gguf.string('llama')]]), [ggufTensor('token_embd.weight', [4, 32], new Float32Array(128), 'F32')]);
  const bad = Uint8Array.from(good), at = Buffer.from(bad).indexOf('token_embd.weight') + 17 + 4 + 16 + 4;
  new DataView(bad.buffer).setBigUint64(at, 1n << 20n, true); // offset 1 MiB into a file of a few hundred bytes
  const path = join(dir, 'past-the-end.gguf');
  writeFileSync(path, bad);
  expectOneLineError([], path, /tensor 'token_embd\.weight' \(F32 \[4,32\]\) needs bytes \d+\.\.\d+, the file has \d+/);
});

test('a GGUF whose tokenizer does not fit its model, or a --tokenizer that does not, is one clear error', { skip }, () => {
  const full = join(dir, 'stories.gguf');
  assert.equal(runCli(['export', '--format', 'gguf', '--model', bin.path, '--tokenizer', tok.path, '--out', full]).status, 0);
  const file = parseGguf(readFileSync(full));
  const meta: GgufMetadata = new Map(file.metadata);
  for (const key of ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type']) {
    const v = meta.get(key)!;
    const more = Array.from({ length: 88 }, (_, i) => (key.endsWith('tokens') ? `extra${i}` : key.endsWith('scores') ? -1000 - i : 1));
    if (v.type === 'array') meta.set(key, { type: 'array', value: { itemType: v.value.itemType, items: [...v.value.items, ...more] } });
  }
  const path = join(dir, 'long-vocab.gguf'); // 600 tokens for 512 embedding rows
  writeFileSync(path, encodeGguf(meta, [...file.tensors.values()]));
  expectOneLineError([], path, /the tokenizer has 600 tokens but the model's vocabulary is 512/);
  const gpt2 = sharedFile('tokenizers/gpt2');
  if (!gpt2.skip) expectOneLineError(['--tokenizer', gpt2.path], full, /the tokenizer has 50257 tokens but the model's vocabulary is 512/, gpt2.path);
});
