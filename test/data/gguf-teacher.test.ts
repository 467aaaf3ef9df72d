// The gguf teacher loads node-llama-cpp only when asked for; without it, a clear install hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeacher } from '../../src/data/teachers/create.ts';
import { loadNodeLlamaCpp, NODE_LLAMA_CPP_VERSION } from '../../src/data/teachers/gguf.ts';

test('a missing node-llama-cpp is a clear error that says how to install it', async () => {
  assert.equal(NODE_LLAMA_CPP_VERSION, '3.22.1');
  const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' }));
  await assert.rejects(loadNodeLlamaCpp(missing), /needs the optional package node-llama-cpp, which is not installed; install it with: npm install node-llama-cpp@3\.22\.1/);
  const broken = () => Promise.reject(new Error('binary for linux-x64 not found'));
  await assert.rejects(loadNodeLlamaCpp(broken), /node-llama-cpp failed to load \(binary for linux-x64 not found\); install it with/);
});

test('gguf:PATH with a model file but no node-llama-cpp installed', async (t) => {
  let installed = true;
  try {
    await import('node-llama-' + 'cpp');
  } catch {
    installed = false;
  }
  if (installed) return t.skip('node-llama-cpp is installed here; the missing-package path is covered above');
  const dir = mkdtempSync(join(tmpdir(), 'wren-gguf-'));
  const model = join(dir, 'tiny.gguf');
  writeFileSync(model, 'GGUF');
  await assert.rejects(createTeacher(`gguf:${model}`), /npm install node-llama-cpp@3\.22\.1/);
});
