// Quantized models: `wren quantize` writes Q8_0 / Q4_0 GGUF; loading it keeps the matrices as
// blocks in the arena (no float32 copy) and the forward runs the quantized kernels, close to the
// dequantized float32 path on every backend; llama.cpp (node-llama-cpp, when present) gives the
// same greedy ids as Wren's quantized path; bad flags are one-line errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Arena } from '../../src/engine/arena.ts';
import type { Backend } from '../../src/engine/backend.ts';
import { loadModel, saveModel } from '../../src/nn/load.ts';
import { readLlamaGgufQuantized } from '../../src/nn/gguf-quantized.ts';
import { testBackends } from '../engine/test-backends.ts';
import { repoRoot, runCli, scratchDir, sharedFile } from '../_helpers.ts';

const bin = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const stories = sharedFile('tinystories/TinyStoriesV2-GPT4-train_first5stories.txt');
const skip = bin.skip || tok.skip;
const dir = scratchDir('wren-quant-');
const PROMPT = [1, 403, 407, 261, 378, 300, 263, 23, 30, 11];

const arena = new Arena(64 << 20);
const backends = skip ? [] : await testBackends(arena);
after(() => { for (const { backend } of backends) backend.dispose(); });

const quantized = new Map<string, string>();
function quantize(type: 'q8_0' | 'q4_0'): string {
  let out = quantized.get(type);
  if (out) return out;
  out = join(dir, `stories260K-${type}.gguf`);
  const r = runCli(['quantize', '--model', bin.path, '--tokenizer', tok.path, '--type', type, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`wrote .*: [\\d.]+ MB, ${type} \\([\\d.]+% of stories260K\\.bin`));
  quantized.set(type, out);
  return out;
}

/** Logits after each prompt token. */
function logits(path: string, b: Backend, dequantize = false): Float32Array[] {
  const mark = b.arena.mark();
  try {
    const { model } = loadModel(path, b, { dequantize });
    return PROMPT.map((id) => { model.forward([id]); return Float32Array.from(model.logitsView()); });
  } finally {
    b.arena.release(mark);
  }
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((row, i) => {
    let scale = 0;
    for (const x of b[i]) scale = Math.max(scale, Math.abs(x));
    for (let j = 0; j < row.length; j++) worst = Math.max(worst, Math.abs(row[j] - b[i][j]) / scale);
  });
  return worst;
}

test('a quantized GGUF keeps its matrices as blocks in the arena, a quarter of float32 or less', { skip }, () => {
  for (const [type, share] of [['q8_0', 0.3], ['q4_0', 0.2]] as const) {
    const path = quantize(type), b = backends[0].backend, mark = b.arena.mark();
    try {
      const before = b.arena.mark();
      const { model } = loadModel(path, b);
      const q = model.quantized!;
      const want = type.toUpperCase();
      assert.deepEqual([...q.types()].sort(), [['embed', want], ['w1', want], ['w3', want], ['wk', want], ['wo', want], ['wq', want], ['wv', want]],
        'every matrix whose rows are whole blocks (not w2: rows of 172), and the tied embedding for the classifier');
      assert.ok(!model.params.has('wq') && model.params.has('w2') && model.params.has('embed'), 'no float32 copy of a quantized matrix');
      const f32 = loadModel(bin.path, b, { maxRows: 1 }).model.params.size * 4;
      const used = model.params.size * 4 + q.bytes;
      assert.ok(q.bytes < share * (f32 - model.params.size * 4) * 1.3 + 1, `${type}: ${q.bytes} bytes of blocks`);
      assert.ok(used < f32, `${type}: ${used} bytes of weights vs ${f32} float32`);
      assert.ok(b.arena.mark() > before);
    } finally {
      b.arena.release(mark);
    }
  }
  assert.ok(statSync(quantize('q4_0')).size < statSync(quantize('q8_0')).size);
});

test('the quantized forward matches the dequantized float32 forward on every backend', { skip }, () => {
  for (const type of ['q8_0', 'q4_0'] as const) {
    const path = quantize(type);
    const want = logits(path, backends[0].backend, true); // reference backend, float32 matmul on the dequantized weights
    for (const { label, backend } of backends) {
      const err = maxRelDiff(logits(path, backend), want);
      assert.ok(err < 1e-4, `${type} on ${label}: logits differ by ${err.toExponential(2)} of their range`);
    }
  }
});

test('wren quantize refuses bad flags in one line', { skip }, () => {
  let r = runCli(['quantize', '--model', bin.path, '--tokenizer', tok.path, '--type', 'q5_k', '--out', join(dir, 'x.gguf')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--type must be q8_0 or q4_0, got 'q5_k'/);
  r = runCli(['quantize', '--model', bin.path, '--tokenizer', tok.path, '--type', 'q8_0', '--out', join(dir, 'x.safetensors')]);
  assert.match(r.stderr, /the quantized model is a GGUF file; name it FILE\.gguf/);
  r = runCli(['quantize', '--model', bin.path, '--tokenizer', tok.path, '--type', 'q8_0', '--out', quantize('q8_0')]);
  assert.match(r.stderr, /already exists; pass --force/);
});

// ---- llama.cpp on the same files ------------------------------------------------------------

function nodeLlamaCpp(): { lib?: string; skip: false | string } {
  const env = process.env.WREN_NODE_LLAMA_CPP;
  try {
    if (env) createRequire(join(env, 'probe.js')).resolve('node-llama-cpp');
    else createRequire(join(repoRoot, 'probe.js')).resolve('node-llama-cpp');
    return { lib: env, skip: false };
  } catch (err) {
    if (process.env.CI) throw new Error(`node-llama-cpp not found (WREN_NODE_LLAMA_CPP=${env ?? ''}): ${(err as Error).message.split('\n')[0]}`);
    return { skip: 'node-llama-cpp is not installed; set WREN_NODE_LLAMA_CPP to check quantized files in llama.cpp' };
  }
}
const llamaCpp = nodeLlamaCpp();

/** llama.cpp's greedy ids after `prompt`, and Wren's (quantized kernels, native or WASM) from the same prompt ids. */
function greedyIds(path: string, prompt: string, b: Backend): { wren: number[]; llamaCpp: number[] } {
  const args = [join(repoRoot, 'scripts/check-gguf-llama-cpp.mjs'), ...(llamaCpp.lib ? ['--lib', llamaCpp.lib] : []), '--max-tokens', '64', '--json', '--prompt', prompt, path];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout) as { prompt_ids: number[]; ids: number[] };
  const mark = b.arena.mark();
  try {
    const { model } = loadModel(path, b);
    assert.ok(model.quantized, 'loaded quantized');
    const stop = new Set([model.config.bos_token_id, model.config.eos_token_id]);
    const wren: number[] = [];
    model.forward(theirs.prompt_ids);
    while (wren.length < 64) {
      const l = model.logitsView();
      let best = 0;
      for (let i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
      if (stop.has(best)) break;
      wren.push(best);
      model.forward([best]);
    }
    return { wren, llamaCpp: theirs.ids };
  } finally {
    b.arena.release(mark);
  }
}

test('llama.cpp and Wren\'s quantized kernels pick the same greedy ids (stories260K, and a byte-level BPE model)', { skip: skip || stories.skip || llamaCpp.skip }, async () => {
  const files = [quantize('q8_0'), quantize('q4_0')];
  // stories260K's weights under a byte-level BPE tokenizer: the gpt2 tokenizer path of a Wren folder
  let r = runCli(['tokenizer', 'train', '--in', stories.path, '--vocab-size', '512', '--special', '<|endoftext|>', '--out', join(dir, 'bpe.json'), '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  const folder = join(dir, 'bpe');
  saveModel(folder, loadModel(bin.path, backends[0].backend, { maxRows: 1 }).model);
  copyFileSync(join(dir, 'bpe.json'), join(folder, 'tokenizer.json'));
  r = runCli(['quantize', '--model', folder, '--type', 'q8_0', '--out', join(dir, 'bpe-q8_0.gguf')]);
  assert.equal(r.status, 0, r.stderr);
  files.push(join(dir, 'bpe-q8_0.gguf'));
  for (const path of files) {
    const { wren, llamaCpp: theirs } = greedyIds(path, 'Lily and Ben went to the', backends.at(-1)!.backend);
    assert.ok(wren.length > 10, `${path}: ${wren.length} ids`);
    const first = wren.findIndex((id, i) => id !== theirs[i]);
    assert.equal(first, -1, `${path}: first divergence at token ${first}: Wren ${wren[first]}, llama.cpp ${theirs[first]}`);
    assert.equal(theirs.length, wren.length);
  }
});

test('a quantized GGUF loads from its bytes as from its path (what a browser hands over)', { skip }, () => {
  const path = quantize('q4_0'), b = backends[0].backend, mark = b.arena.mark();
  try {
    const fromBytes = readLlamaGgufQuantized(readFileSync(path), b, 'x.gguf'), fromPath = readLlamaGgufQuantized(path, b);
    assert.deepEqual([fromBytes.config, fromBytes.quantized.types(), fromBytes.quantized.bytes], [fromPath.config, fromPath.quantized.types(), fromPath.quantized.bytes]);
    assert.deepEqual(fromBytes.floats, fromPath.floats);
    assert.throws(() => readLlamaGgufQuantized(readFileSync(path).subarray(0, 1000), b, 'cut.gguf'), /cut\.gguf: truncated or corrupt GGUF file/);
  } finally {
    b.arena.release(mark);
  }
});
