// GGUF: the container (every metadata and tensor type), ggml's Q8_0 / Q4_0 blocks byte for byte,
// stories260K through GGUF and back with the same greedy text, bad files as one-line errors, and
// the real check: llama.cpp (node-llama-cpp, when present) loads Wren's GGUF and says the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createBackend } from '../../src/engine/backend.ts';
import { encodeGguf, floatToHalf, ggmlDequantize, ggmlQuantize, gguf, ggufTensor, halfToFloat, parseGguf, readGguf, tensorToF32, type GgufMetadata } from '../../src/formats/gguf.ts';
import { encodeLlamaGguf, loadGgufTokenizer, readLlamaGguf } from '../../src/nn/gguf-llama.ts';
import { LlamaModel } from '../../src/nn/llama.ts';
import { loadModel, saveModel } from '../../src/nn/load.ts';
import { BpeTokenizer } from '../../src/tokenizer/bpe-tokenizer.ts';
import { Llama2cTokenizer } from '../../src/tokenizer/llama2c-tokenizer.ts';
import { loadTokenizer } from '../../src/tokenizer/load-tokenizer.ts';
import { NormalRng } from '../../src/util/rng.ts';
import { repoRoot, runCli, scratchDir, sharedFile } from '../_helpers.ts';

const bin = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const stories = sharedFile('tinystories/TinyStoriesV2-GPT4-train_first5stories.txt');
const skip = bin.skip || tok.skip;
const dir = scratchDir('wren-gguf-');
const GREEDY = ['--temperature', '0', '--max-tokens', '64'];

function gaussian(n: number, seed: number, scale = 1): Float32Array {
  const rng = new NormalRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

test('every metadata type and every tensor type survive a write and a read', () => {
  const meta: GgufMetadata = new Map([
    ['t.u8', gguf.u8(255)], ['t.i8', gguf.i8(-128)], ['t.u16', gguf.u16(65535)], ['t.i16', gguf.i16(-32768)],
    ['t.u32', gguf.u32(4294967295)], ['t.i32', gguf.i32(-2147483648)], ['t.f32', gguf.f32(Math.fround(0.1))], ['t.f64', gguf.f64(0.1)],
    ['t.u64', gguf.u64(2n ** 64n - 1n)], ['t.i64', gguf.i64(-(2n ** 63n))], ['t.bool', gguf.bool(true)], ['t.no', gguf.bool(false)],
    ['t.string', gguf.string('héllo ▁wörld')], ['t.empty', gguf.string('')],
    ['t.strings', gguf.array('string', ['a', '', 'ü'])], ['t.ints', gguf.array('i32', [1, -2, 3])], ['t.none', gguf.array('f32', [])],
    ['t.nested', gguf.array('array', [{ itemType: 'u8', items: [1, 2] }, { itemType: 'string', items: ['x'] }])],
    ['general.alignment', gguf.u32(64)],
  ]);
  const tensors = [
    ggufTensor('a.f32', [3, 5], Float32Array.from({ length: 15 }, (_, i) => i - 7.25), 'F32'),
    ggufTensor('b.f16', [2, 3], Float32Array.of(1, -2, 0.5, 65504, 2 ** -24, 0), 'F16'),
    ggufTensor('c.q8_0', [2, 64], gaussian(128, 1), 'Q8_0'),
    ggufTensor('d.q4_0', [32], gaussian(32, 2), 'Q4_0'),
    ggufTensor('e.norm', [1, 1, 7], Float32Array.from({ length: 7 }, (_, i) => i), 'F32'),
  ];
  const bytes = encodeGguf(meta, tensors);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'GGUF');
  const back = parseGguf(bytes);
  assert.equal(back.version, 3);
  assert.equal(back.alignment, 64);
  assert.deepEqual(back.metadata, meta);
  assert.deepEqual([...back.tensors.keys()], tensors.map((t) => t.name));
  for (const t of tensors) {
    const r = back.tensors.get(t.name)!;
    assert.deepEqual([r.shape, r.type, r.data], [t.shape, t.type, t.data], t.name);
    assert.equal(r.data.byteOffset % 64, 0, `${t.name} starts on the alignment`);
  }
  assert.deepEqual(tensorToF32(back.tensors.get('a.f32')!), Float32Array.from({ length: 15 }, (_, i) => i - 7.25));
  assert.deepEqual(tensorToF32(back.tensors.get('b.f16')!), Float32Array.of(1, -2, 0.5, 65504, 2 ** -24, 0));
  // ne is innermost first: the (3, 5) matrix's dims are stored as [5, 3]
  const at = Buffer.from(bytes).indexOf('a.f32') + 5, dv = new DataView(bytes.buffer);
  assert.deepEqual([dv.getUint32(at, true), dv.getBigUint64(at + 4, true), dv.getBigUint64(at + 12, true)], [2, 5n, 3n]);
});

test('a tokenizer-only read stops after the metadata, however long it is', () => {
  const words = Array.from({ length: 200_000 }, (_, i) => `token-${i}`); // ~3.6 MB: past the first 1 MiB read
  const meta: GgufMetadata = new Map([['tokenizer.ggml.tokens', gguf.array('string', words)]]);
  const path = join(dir, 'long-header.gguf');
  writeFileSync(path, encodeGguf(meta, [ggufTensor('w', [32], new Float32Array(32), 'F32')]));
  const head = readGguf(path, { metadataOnly: true });
  assert.deepEqual([head.metadata, head.tensors.size], [meta, 0]);
  assert.deepEqual([...readGguf(path).tensors.keys()], ['w']);
});

test('float16 conversion rounds to nearest even like GGML_FP32_TO_FP16', () => {
  const cases: [number, number][] = [[1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00], [1e9, 0x7c00], [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [3 * 2 ** -25, 0x0002], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-0, 0x8000]];
  for (const [x, h] of cases) assert.equal(floatToHalf(x), h, `${x}`);
  assert.equal(floatToHalf(NaN) & 0x7e00, 0x7e00);
  for (let h = 0; h < 65536; h++) if (((h >> 10) & 0x1f) !== 0x1f) assert.equal(floatToHalf(halfToFloat(h)), h, `half 0x${h.toString(16)}`);
});

test('Q8_0 and Q4_0 blocks are ggml\'s bytes for a hand-made block', () => {
  // Q8_0: amax 127 makes d = 1 (f16 0x3c00); qs = roundf(x), halves away from zero
  const x8 = new Float32Array(32);
  x8.set([127, -127, 0.5, -0.5, 2.5, -2.5, 1.49, 0, 3.7]);
  const q8 = ggmlQuantize(x8, 'Q8_0');
  assert.deepEqual([...q8.subarray(0, 2)], [0x00, 0x3c]);
  assert.deepEqual([...new Int8Array(q8.buffer, 2, 9)], [127, -127, 1, -1, 3, -3, 1, 0, 4]);
  // Q4_0: the largest magnitude is -8, so d = -8 / -8 = 1; q = min(15, trunc(x / d + 8.5)); low nibbles hold 0..15, high 16..31
  const x4 = new Float32Array(32);
  x4.set([-8, 7, 7.6, 0, -0.5, -0.51, 0.5]);
  x4.set([3, -3, 1], 16);
  const q4 = ggmlQuantize(x4, 'Q4_0');
  assert.deepEqual([...q4.subarray(0, 2)], [0x00, 0x3c]);
  const lo = [0, 15, 15, 8, 8, 7, 9], hi = [11, 5, 9];
  for (let j = 0; j < 16; j++) assert.equal(q4[2 + j], (lo[j] ?? 8) | ((hi[j] ?? 8) << 4), `qs[${j}]`);
  assert.deepEqual([...ggmlDequantize(q4, 'Q4_0', 32).subarray(0, 7)], [-8, 7, 7, 0, 0, -1, 1]);
  // a positive extreme gives a negative scale (ggml's max / -8): +8 still comes back exactly
  const pos = new Float32Array(32).fill(1);
  pos[5] = 8;
  assert.deepEqual([...ggmlQuantize(pos, 'Q4_0').subarray(0, 2)], [0x00, 0xbc]);
  assert.equal(ggmlDequantize(ggmlQuantize(pos, 'Q4_0'), 'Q4_0', 32)[5], 8);
  assert.deepEqual(ggmlDequantize(ggmlQuantize(new Float32Array(64), 'Q8_0'), 'Q8_0', 64), new Float32Array(64));
});

test('Q8_0 and Q4_0 round trips stay within half a step of the block scale', () => {
  const x = gaussian(32 * 512, 7, 0.05);
  for (const [type, half, steps] of [['Q8_0', 0.5, 127], ['Q4_0', 1, 8]] as const) {
    const y = ggmlDequantize(ggmlQuantize(x, type), type, x.length);
    let sumErr = 0, sumD = 0;
    for (let b = 0; b < x.length; b += 32) {
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
      const d = amax / steps;
      sumD += d;
      // rounding (≤ d/2; Q4_0's one clamped level ≤ d) plus the f16 scale's error (≤ 2^-11 relative, times the level)
      for (let j = 0; j < 32; j++) {
        const err = Math.abs(y[b + j] - x[b + j]);
        assert.ok(err <= d * (half + steps / 2048) + 1e-9, `${type} block ${b / 32}: error ${err} > bound for d ${d}`);
        sumErr += err;
      }
    }
    const meanErr = sumErr / x.length, meanD = sumD / (x.length / 32);
    assert.ok(meanErr < 0.3 * meanD, `${type} mean error ${meanErr} vs mean step ${meanD}`); // uniform rounding: d/4
  }
});

// ---- stories260K through GGUF ---------------------------------------------------------------

const exported = new Map<string, string>();
function exportStories(type: string): string {
  let out = exported.get(type);
  if (out) return out;
  out = join(dir, `stories260K-${type}.gguf`);
  const r = runCli(['export', '--format', 'gguf', '--model', bin.path, '--tokenizer', tok.path, '--out', out, '--type', type]);
  assert.equal(r.status, 0, r.stderr);
  exported.set(type, out);
  return out;
}

function wrenGreedy(model: string, extra: string[] = []): string {
  const r = runCli(['generate', '--model', model, ...GREEDY, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('stories260K exported to GGUF f32 generates the same greedy text as the .bin', { skip }, () => {
  const gguf32 = exportStories('f32');
  const fromBin = wrenGreedy(bin.path, ['--tokenizer', tok.path]);
  assert.match(fromBin, /^Once upon a time, there was a little girl named Lily\./);
  assert.equal(wrenGreedy(gguf32), fromBin, 'no --tokenizer: the GGUF carries it');
  // the tokenizer comes back as llama2.c's, piece for piece
  const a = Llama2cTokenizer.load(tok.path, 512), b = loadGgufTokenizer(gguf32) as Llama2cTokenizer;
  assert.ok(b instanceof Llama2cTokenizer);
  assert.deepEqual([b.pieces, b.scores], [a.pieces.map((p) => Uint8Array.from(p)), a.scores]);
  const meta = parseGguf(readFileSync(gguf32)).metadata, tokens = meta.get('tokenizer.ggml.tokens');
  assert.deepEqual(tokens?.type === 'array' && tokens.value.items.slice(0, 5), ['<unk>', '<s>', '</s>', '<0x00>', '<0x01>']);
  assert.deepEqual(meta.get('llama.rope.dimension_count'), gguf.u32(8));
});

test('q8_0, q4_0 and f16 exports load back and run', { skip }, () => {
  const fromBin = wrenGreedy(bin.path, ['--tokenizer', tok.path]);
  assert.equal(wrenGreedy(exportStories('f16')), fromBin);
  for (const type of ['q8_0', 'q4_0']) {
    const path = exportStories(type), file = parseGguf(readFileSync(path));
    assert.equal(file.tensors.get('blk.0.attn_q.weight')!.type, type.toUpperCase());
    assert.equal(file.tensors.get('blk.0.ffn_down.weight')!.type, 'F16', 'rows of 172 are not whole blocks');
    assert.equal(file.tensors.get('blk.0.attn_norm.weight')!.type, 'F32');
    assert.match(wrenGreedy(path), /^Once upon a time, there was a little girl named Lily\. She loved to play outside in the/);
  }
});

test('an HF folder exports the same tensors as the .bin it was saved from (rotary rows un-permuted once)', { skip }, async () => {
  const backend = await createBackend({ backend: 'reference' });
  try {
    const folder = join(dir, 'folder');
    saveModel(folder, loadModel(bin.path, backend, { maxRows: 1 }).model);
    copyFileSync(tok.path, join(folder, 'tokenizer.bin'));
    const out = join(dir, 'from-folder.gguf');
    const r = runCli(['export', '--format', 'gguf', '--model', folder, '--out', out, '--name', 'stories260K']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readFileSync(out), readFileSync(exportStories('f32')));
    // and a GGUF re-exported is the same file again
    const again = join(dir, 'again.gguf');
    assert.equal(runCli(['export', '--format', 'gguf', '--model', out, '--out', again, '--name', 'stories260K']).status, 0);
    assert.deepEqual(readFileSync(again), readFileSync(out));
  } finally {
    backend.dispose();
  }
});

test('an untied classifier is written as output.weight and read back', { skip }, async () => {
  const backend = await createBackend({ backend: 'reference' });
  try {
    const config = { ...loadModel(bin.path, backend, { maxRows: 1 }).model.config, tie_word_embeddings: false };
    const model = new LlamaModel(config, backend, 1);
    model.params.all().set(gaussian(model.params.size, 3, 0.1));
    const path = join(dir, 'untied.gguf');
    writeFileSync(path, encodeLlamaGguf(model, Llama2cTokenizer.load(tok.path, 512), { type: 'f32', name: 'untied' }).bytes);
    const back = readLlamaGguf(path);
    assert.deepEqual(back.config, { ...config, bos_token_id: 1, eos_token_id: 2 });
    for (const [name, data] of back.tensors) assert.deepEqual(data, model.params.view(name), name);
    assert.ok(back.tensors.has('lmHead'));
  } finally {
    backend.dispose();
  }
});

const bpeSkip = skip || stories.skip;
let bpeFolder: string | undefined;
async function bpeModel(): Promise<{ folder: string; gguf: string }> {
  const gguf = join(dir, 'bpe.gguf');
  if (bpeFolder) return { folder: bpeFolder, gguf };
  // stories260K's trained weights under a byte-level BPE of the same size: odd text, but confident
  // logits (random weights would make greedy picks near-ties that rounding could flip)
  const folder = join(dir, 'bpe');
  let r = runCli(['tokenizer', 'train', '--in', stories.path, '--vocab-size', '512', '--special', '<|endoftext|>', '--out', join(dir, 'bpe512.json'), '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  const backend = await createBackend({ backend: 'reference' });
  try {
    saveModel(folder, loadModel(bin.path, backend, { maxRows: 1 }).model);
  } finally {
    backend.dispose();
  }
  copyFileSync(join(dir, 'bpe512.json'), join(folder, 'tokenizer.json'));
  r = runCli(['export', '--format', 'gguf', '--model', folder, '--out', gguf]);
  assert.equal(r.status, 0, r.stderr);
  bpeFolder = folder;
  return { folder, gguf };
}

test('a byte-level BPE tokenizer goes to GGUF as gpt2 and comes back the same', { skip: bpeSkip }, async () => {
  const { folder, gguf: path } = await bpeModel();
  const a = loadTokenizer(join(folder, 'tokenizer.json')) as BpeTokenizer, b = loadGgufTokenizer(path) as BpeTokenizer;
  assert.ok(b instanceof BpeTokenizer);
  assert.deepEqual([b.spec.tokens, b.spec.merges, b.spec.specialTokens, b.spec.preTokenizer.name], [a.spec.tokens, a.spec.merges, a.spec.specialTokens, 'gpt2']);
  const meta = parseGguf(readFileSync(path)).metadata;
  assert.deepEqual([meta.get('tokenizer.ggml.model'), meta.get('tokenizer.ggml.pre')], [gguf.string('gpt2'), gguf.string('gpt-2')]);
  const prompt = ['--prompt', 'Once upon a time, Tom saw a cat'];
  assert.equal(wrenGreedy(path, prompt), wrenGreedy(folder, prompt));
});

// ---- bad files ------------------------------------------------------------------------------

function expectOneLineError(path: string, pattern: RegExp): void {
  const r = runCli(['generate', '--model', path, '--max-tokens', '1']);
  assert.equal(r.status, 2, r.stderr);
  // One line of error (an install without the native addon also prints its one-line notice first).
  assert.equal(r.stderr.trim().split('\n').filter((l) => !l.startsWith('wren: native kernels unavailable')).length, 1, r.stderr);
  assert.ok(r.stderr.includes(path), r.stderr);
  assert.match(r.stderr, pattern);
}

test('bad GGUF files are one-line errors naming the file and the problem', () => {
  const meta: GgufMetadata = new Map([['general.architecture', gguf.string('llama')]]);
  const good = encodeGguf(meta, [ggufTensor('token_embd.weight', [4, 32], new Float32Array(128), 'F32')]);
  const write = (name: string, bytes: Uint8Array) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
  expectOneLineError(write('truncated.gguf', good.subarray(0, good.length - 100)), /truncated GGUF file: tensor 'token_embd\.weight'/);
  expectOneLineError(write('header-cut.gguf', good.subarray(0, 30)), /truncated or corrupt GGUF file: the tensor count is 1/);
  expectOneLineError(write('tiny.gguf', good.subarray(0, 2)), /truncated GGUF file/);
  expectOneLineError(write('magic.gguf', Uint8Array.from([...new TextEncoder().encode('GGML'), ...good.subarray(4)])), /not a GGUF file: it starts with 'GGML'/);
  const v1 = Uint8Array.from(good);
  new DataView(v1.buffer).setUint32(4, 1, true);
  expectOneLineError(write('v1.gguf', v1), /GGUF version 1 is not supported/);
  const q4k = Uint8Array.from(good), at = Buffer.from(q4k).indexOf('token_embd.weight') + 17 + 4 + 16;
  new DataView(q4k.buffer).setUint32(at, 12, true);
  expectOneLineError(write('q4k.gguf', q4k), /tensor 'token_embd\.weight' has ggml type 12 \(Q4_K\); Wren reads F32, F16, Q8_0 and Q4_0/);
  new DataView(q4k.buffer).setUint32(at, 77, true);
  expectOneLineError(write('t77.gguf', q4k), /ggml type 77 \(unknown\)/);
  const qwen = encodeGguf(new Map([['general.architecture', gguf.string('qwen2')]]), []);
  expectOneLineError(write('qwen.gguf', qwen), /GGUF architecture 'qwen2' is not supported/);
});

test('wren export refuses an existing --out without --force, and a .bin without a tokenizer', { skip }, () => {
  const out = exportStories('f32');
  let r = runCli(['export', '--format', 'gguf', '--model', bin.path, '--tokenizer', tok.path, '--out', out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /already exists; pass --force/);
  r = runCli(['export', '--format', 'gguf', '--model', bin.path, '--out', join(dir, 'x.gguf')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /pass --tokenizer PATH/);
  r = runCli(['export', '--format', 'onnx', '--model', bin.path, '--out', join(dir, 'x.onnx')]);
  assert.match(r.stderr, /--format must be gguf/);
});

// ---- llama.cpp itself -----------------------------------------------------------------------

/** Where node-llama-cpp comes from (no lib: resolvable from the repo), or why the check skips, or fails under CI. */
async function nodeLlamaCpp(): Promise<{ lib?: string; skip: false | string; broken?: string }> {
  const env = process.env.WREN_NODE_LLAMA_CPP;
  if (env) {
    try {
      createRequire(join(env, 'probe.js')).resolve('node-llama-cpp');
      return { lib: env, skip: false };
    } catch (err) {
      const why = `WREN_NODE_LLAMA_CPP=${env} holds no node-llama-cpp (${(err as Error).message.split('\n')[0]})`;
      return process.env.CI ? { skip: false, broken: why } : { skip: why };
    }
  }
  try {
    await import('node-llama-' + 'cpp');
    return { skip: false };
  } catch {
    return { skip: 'node-llama-cpp is not installed; set WREN_NODE_LLAMA_CPP to a folder holding it to check GGUF files in llama.cpp' };
  }
}

const llamaCpp = await nodeLlamaCpp();

function llamaCppGreedy(path: string, extra: string[] = []): string {
  if (llamaCpp.broken) throw new Error(llamaCpp.broken);
  const args = [join(repoRoot, 'scripts/check-gguf-llama-cpp.mjs'), ...(llamaCpp.lib ? ['--lib', llamaCpp.lib] : []), '--max-tokens', '64', ...extra, path];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('llama.cpp loads the exported stories260K and its greedy text is Wren\'s', { skip: skip || llamaCpp.skip }, () => {
  const fromBin = wrenGreedy(bin.path, ['--tokenizer', tok.path]);
  assert.equal(llamaCppGreedy(exportStories('f32')), fromBin);
  const prompt = ['--prompt', 'Lily and Ben went to the beach'];
  assert.equal(llamaCppGreedy(exportStories('f32'), prompt), wrenGreedy(bin.path, ['--tokenizer', tok.path, ...prompt]));
  for (const type of ['q8_0', 'q4_0']) assert.equal(llamaCppGreedy(exportStories(type)), wrenGreedy(exportStories(type)), `${type}: the same dequantized weights`);
});

test('llama.cpp reads the gpt2 tokenizer as Wren does', { skip: bpeSkip || llamaCpp.skip }, async () => {
  const { gguf: path } = await bpeModel();
  const prompt = ['--prompt', 'Once upon a time, Tom saw a cat'];
  assert.equal(llamaCppGreedy(path, prompt), wrenGreedy(path, prompt));
});
