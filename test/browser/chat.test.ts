// Chat in the page: a model folder with Wren's ChatML template (GPT-2's tokenizer with the two
// markers added, a small seeded model, written as an SFT folder is) answers in the page's chat
// mode exactly as Node's generate does on the same ids and stop tokens; a model without a
// template says so in chat mode and the page keeps working. The weights are random: the test
// compares the page with Node, never with fixed text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import { createBackend } from '../../src/engine/backend.ts';
import { complete } from '../../src/generate/generate.ts';
import { parseLlamaConfig } from '../../src/nn/config.ts';
import { initParameters } from '../../src/nn/init.ts';
import { LlamaModel } from '../../src/nn/llama.ts';
import { saveModel } from '../../src/nn/load.ts';
import { registerPlayground } from '../../src/serve/playground.ts';
import { addSpecialTokens } from '../../src/tokenizer/add-special.ts';
import { CHATML_SPECIAL_TOKENS, chatStopIds, encodeChat } from '../../src/tokenizer/chat-template.ts';
import { loadGpt2Tokenizer } from '../../src/tokenizer/gpt2-files.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';
import { chromium, launchChromium, stories260K } from './_chromium.ts';

const browserExe = chromium();
const vocab = sharedFile('tokenizers/gpt2/gpt2_vocab.json'), merges = sharedFile('tokenizers/gpt2/gpt2_merges.txt');
const data = stories260K();
const skip = browserExe.skip || vocab.skip || merges.skip || data.skip;
let browser: Browser;
before(async () => { if (!skip) browser = await launchChromium(browserExe.path); });
after(async () => { await browser?.close(); });

test('chat mode in the page answers as Node does with the model\'s template; a model without one says so', { skip, timeout: 180_000 }, async () => {
  const { tokenizer } = addSpecialTokens(loadGpt2Tokenizer(vocab.path, merges.path), CHATML_SPECIAL_TOKENS);
  const config = parseLlamaConfig({
    hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
    vocab_size: tokenizer.vocabSize, max_position_embeddings: 128, tie_word_embeddings: true,
  });
  const folder = join(scratchDir('wren-chat-'), 'chat-model');
  const backend = await createBackend({ backend: 'wasm', threads: 1 });
  let expected: string;
  try {
    const model = new LlamaModel(config, backend);
    initParameters(model.params, config, 7, 0.5); // wide weights: clear argmax margins, no near-ties
    saveModel(folder, model, {}, { tokenizer, chat: true });
    const ids = encodeChat(tokenizer, [{ role: 'user', content: 'Hello there' }], { addGenerationPrompt: true, bos: true }).ids;
    expected = complete(model, tokenizer, ids, { maxTokens: 24, temperature: 0, stopIds: chatStopIds(tokenizer) }).text;
  } finally {
    backend.dispose();
  }
  assert.ok(expected.length > 0);

  const app = Fastify();
  await registerPlayground(app, { models: [
    { name: 'chat-model', files: { kind: 'folder', weights: join(folder, 'model.safetensors'), config: join(folder, 'config.json'), tokenizer: join(folder, 'tokenizer.json') } },
    { name: 'stories260K', files: { kind: 'llama2c', weights: data.model, tokenizer: data.tokenizer } },
  ] });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const page = await browser.newPage();
  const finished = () => page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 120_000 });
  try {
    await page.goto(`${url}/?model=chat-model&mode=chat&temperature=0&max_tokens=24&prompt=${encodeURIComponent('Hello there')}`);
    await finished();
    assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
    assert.equal(await page.textContent('#output'), expected);
    assert.equal(await page.locator('#transcript .turn').count(), 2, 'the user turn and the answer');

    await page.selectOption('#model', 'stories260K');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'idle', undefined, { timeout: 60_000 });
    await page.click('#run');
    await finished();
    assert.equal(await page.textContent('#status'), 'error');
    assert.match((await page.textContent('#message'))!, /no chat template/);
    await page.selectOption('#mode', 'prompt');
    await page.fill('#prompt', 'Once upon a time');
    await page.fill('#max_tokens', '8');
    await page.click('#run');
    await finished();
    assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
  } finally {
    await page.close();
    await app.close();
  }
});
