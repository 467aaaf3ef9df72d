// The public API (src/index.ts) is enough to load a published model and generate from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as wren from '../src/index.ts';
import { sharedFile } from './_helpers.ts';

const model = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');

test('load, tokenize and generate through the public API', { skip: model.skip || tok.skip }, async () => {
  const backend = await wren.createBackend({ backend: 'wasm', threads: 1 });
  try {
    const { model: m } = wren.loadModel(model.path, backend);
    const tokenizer = wren.loadTokenizerFor(tok.path, m.config);
    let text = '';
    for (const step of wren.generate(m, tokenizer, tokenizer.encode('Once upon a time', { bos: true }), { maxTokens: 12, temperature: 0 })) text += step.text;
    assert.equal(text, ', there was a little girl named Lily. She');
  } finally {
    backend.dispose();
  }
});
