// The gguf teacher loads node-llama-cpp only when asked for; without it, a clear install hint;
// with it, the teacher runs a real GGUF file through llama.cpp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeacher } from '../../src/llm/create.ts';
import { loadNodeLlamaCpp, NODE_LLAMA_CPP_VERSION, type GgufTeacher } from '../../src/llm/gguf.ts';
import { runCli, sharedFile } from '../_helpers.ts';

test('a missing node-llama-cpp is a clear error that says how to install it', async () => {
  assert.equal(NODE_LLAMA_CPP_VERSION, '3.22.1');
  const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' }));
  await assert.rejects(loadNodeLlamaCpp(missing), /needs the optional package node-llama-cpp, which is not installed; install it with: npm install node-llama-cpp@3\.22\.1/);
  const broken = () => Promise.reject(new Error('binary for linux-x64 not found'));
  await assert.rejects(loadNodeLlamaCpp(broken), /node-llama-cpp failed to load \(binary for linux-x64 not found\); install it with/);
});

test('gguf:PATH: a file that is not GGUF is refused by Wren\'s reader; without node-llama-cpp, an install hint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-gguf-'));
  const model = join(dir, 'tiny.gguf');
  writeFileSync(model, 'GGUF');
  await assert.rejects(createTeacher(`gguf:${model}`), /tiny\.gguf: .*truncated/);
  const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' }));
  await assert.rejects(loadNodeLlamaCpp(missing), /or point WREN_NODE_LLAMA_CPP at a node_modules folder holding it/);
});

// The real thing: llama.cpp (node-llama-cpp, from WREN_NODE_LLAMA_CPP or the project) running
// Wren's GGUF export of stories260K, a base model without a chat template.
const model260 = sharedFile('llama2c-stories260K/stories260K.bin');
const tok512 = sharedFile('llama2c-stories260K/tok512.bin');
async function llamaCppAvailable(): Promise<string | false> {
  try {
    await loadNodeLlamaCpp();
    return false;
  } catch (err) {
    if (process.env.CI && process.env.WREN_NODE_LLAMA_CPP) throw err; // CI installs it: it must load
    return (err as Error).message;
  }
}

test('gguf teacher on llama.cpp: continues a base model\'s prompt, context from the model, real token counts, finish_reason length at maxTokens', { skip: model260.skip || tok512.skip || await llamaCppAvailable(), timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-gguf-'));
  const gguf = join(dir, 'stories260K.gguf');
  const ex = runCli(['export', '--format', 'gguf', '--model', model260.path, '--tokenizer', tok512.path, '--out', gguf]);
  assert.equal(ex.status, 0, ex.stderr);
  const teacher = await createTeacher(`gguf:${gguf}`, { timeoutMs: 60_000 }) as GgufTeacher;
  try {
    assert.equal(teacher.contextSize, 512, 'never past the 512 tokens the model was trained on');
    const reply = await teacher.complete({ messages: [{ role: 'user', content: 'Once upon a time' }], maxTokens: 12, temperature: 0 });
    // Wren's own greedy continuation of the same prompt (the golden stories260K path).
    const wren = runCli(['generate', '--model', model260.path, '--tokenizer', tok512.path, '--prompt', 'Once upon a time', '--temperature', '0', '--max-tokens', '12']);
    assert.equal('Once upon a time' + reply.text + '\n', wren.stdout);
    assert.equal(reply.finishReason, 'length');
    assert.deepEqual(reply.usage, { promptTokens: 4, completionTokens: 12 }, 'the model\'s own counts: the prompt\'s 4 tokens, 12 generated');
    const s = teacher.stats();
    assert.deepEqual([s.requests, s.promptTokens, s.completionTokens], [1, 4, 12]);
  } finally {
    await teacher.close();
  }
});
