// The byte-based loading that the browser uses, in Node (no Chromium needed): which files make a
// model and the messages for those that do not, and that a model and tokenizer loaded from bytes
// (a folder, a llama2.c .bin, a quantized GGUF) are exactly the ones loaded from paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { resolveModelBytes, type NamedBytes } from '../../src/browser/model-source.ts';
import { createBackend } from '../../src/engine/backend.ts';
import { loadModel } from '../../src/nn/load.ts';
import { ggufBytesHaveChatTemplate, loadModelFromBytes, parseConfigBytes, parseTokenizerFor } from '../../src/nn/load-bytes.ts';
import { runCli, scratchDir } from '../_helpers.ts';
import { stories260K } from './_chromium.ts';

const data = stories260K();
const file = (name: string, size = 16): NamedBytes => ({ name, bytes: new Uint8Array(size) });

test('resolveModelBytes: which files are a model, and what is wrong with those that are not', () => {
  assert.throws(() => resolveModelBytes([file('model.safetensors'), file('tokenizer.json')]), /the model folder has no config\.json \(got model\.safetensors, tokenizer\.json\)/);
  assert.throws(() => resolveModelBytes([file('config.json'), file('tokenizer.json')]), /config\.json but no model\.safetensors/);
  assert.throws(() => resolveModelBytes([file('notes.txt')]), /not a model: expected a folder with config\.json \+ model\.safetensors, a \.gguf file, or a llama2\.c \.bin/);
  assert.throws(() => resolveModelBytes([]), /not a model.*\(got no files\)/);
  assert.throws(() => resolveModelBytes([file('stories.bin')]), /stories\.bin: a llama2\.c checkpoint needs its tokenizer/);
  const gguf = resolveModelBytes([file('model.gguf')]);
  assert.deepEqual([gguf.files.kind, gguf.tokenizer?.name, gguf.label], ['gguf', 'model.gguf', 'model.gguf'], 'a GGUF carries its tokenizer');
  assert.equal(resolveModelBytes([file('model.gguf'), file('tokenizer.json')]).tokenizer?.name, 'tokenizer.json', 'one opened beside it overrides');
  assert.throws(() => resolveModelBytes([file('a.gguf'), file('b.gguf')]), /open one \.gguf file at a time \(got a\.gguf, b\.gguf\)/);
  const pair = resolveModelBytes([file('tok512.bin', 10), file('stories260K.bin', 1000)]);
  assert.equal(pair.files.kind, 'llama2c');
  assert.equal(pair.label, 'stories260K.bin', 'the larger .bin is the checkpoint');
  assert.equal(pair.tokenizer?.name, 'tok512.bin');
  const folder = resolveModelBytes([file('config.json'), file('model.safetensors'), file('tokenizer.json'), file('tokenizer_config.json'), file('README.md')]);
  assert.deepEqual([folder.files.kind, folder.tokenizer?.name, folder.tokenizerConfig?.name], ['folder', 'tokenizer.json', 'tokenizer_config.json']);
});

test('parseConfigBytes names the file and what is wrong', () => {
  assert.throws(() => parseConfigBytes(new Uint8Array(0)), /config\.json: the file is empty/);
  assert.throws(() => parseConfigBytes(new TextEncoder().encode('{nope')), /config\.json: not valid JSON/);
  assert.throws(() => parseConfigBytes(new TextEncoder().encode('{"hidden_size": 0}')), /config\.json: 'hidden_size' must be a positive integer/);
});

test('a model and tokenizer from bytes equal those from paths (llama2.c .bin and its HF folder)', { skip: data.skip }, async () => {
  const folder = join(scratchDir('wren-bytes-'), 'hf');
  const r = runCli(['export', '--format', 'hf', '--model', data.model, '--tokenizer', data.tokenizer, '--out', folder]);
  assert.equal(r.status, 0, r.stderr);
  const backend = await createBackend({ backend: 'reference' });
  try {
    const byPath = loadModel(data.model, backend).model;
    const fromBin = loadModelFromBytes({ kind: 'llama2c', weights: readFileSync(data.model) }, backend);
    const fromFolder = loadModelFromBytes({ kind: 'folder', config: readFileSync(join(folder, 'config.json')), weights: readFileSync(join(folder, 'model.safetensors')) }, backend);
    assert.deepEqual(fromBin.config, byPath.config);
    assert.deepEqual(fromBin.params.all(), byPath.params.all());
    assert.deepEqual(fromFolder.params.all(), byPath.params.all(), 'the HF folder holds the same weights');
    const tokenizer = parseTokenizerFor('tok512.bin', readFileSync(data.tokenizer), byPath.config);
    assert.deepEqual(tokenizer.encode('Once upon a time', { bos: true }), [1, 403, 407, 261, 378]);
    assert.throws(() => parseTokenizerFor('tok512.bin', readFileSync(data.tokenizer), { ...byPath.config, vocab_size: 600 }),
      /tok512\.bin: the tokenizer has 512 tokens but the model's vocabulary is 600: they do not belong together/);
    assert.throws(() => loadModelFromBytes({ kind: 'llama2c', weights: new Uint8Array(4096).fill(7), weightsName: 'model.bin' }, backend),
      /model\.bin: header sizes .* are not those of a llama2\.c checkpoint/);
  } finally {
    backend.dispose();
  }
});

test('a GGUF from bytes (Q8_0 and Q4_0 blocks kept) equals the same file loaded by path: logits and tokenizer', { skip: data.skip }, async () => {
  const dir = scratchDir('wren-gguf-bytes-');
  const backend = await createBackend({ backend: 'reference' });
  try {
    for (const type of ['q8_0', 'q4_0']) {
      const gguf = join(dir, `stories260K-${type}.gguf`);
      const r = runCli(['quantize', '--model', data.model, '--tokenizer', data.tokenizer, '--type', type, '--out', gguf]);
      assert.equal(r.status, 0, r.stderr);
      const byPath = loadModel(gguf, backend).model;
      const fromBytes = loadModelFromBytes({ kind: 'gguf', weights: readFileSync(gguf), weightsName: basename(gguf) }, backend);
      assert.deepEqual(fromBytes.config, byPath.config);
      assert.equal(fromBytes.quantized?.get('wq')?.type, type.toUpperCase(), 'the matrices stay quantized');
      const ids = [1, 403, 407, 261, 378];
      const logits = (m: typeof byPath) => { m.reset(); return backend.arena.f32At(m.forward(ids), m.config.vocab_size).slice(); };
      assert.deepEqual(logits(fromBytes), logits(byPath), type);
      const tokenizer = parseTokenizerFor(basename(gguf), readFileSync(gguf), byPath.config);
      assert.deepEqual(tokenizer.encode('Once upon a time', { bos: true }), ids);
      assert.equal(ggufBytesHaveChatTemplate(readFileSync(gguf), basename(gguf)), false, 'stories260K has no chat template');
    }
    assert.throws(() => loadModelFromBytes({ kind: 'gguf', weights: new TextEncoder().encode('GGUX....'), weightsName: 'x.gguf' }, backend), /x\.gguf: not a GGUF file/);
  } finally {
    backend.dispose();
  }
});
