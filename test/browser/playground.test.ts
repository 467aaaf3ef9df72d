// The playground page in Chromium against the playground routes on a bare Fastify app (the same
// registerPlayground that `wren serve` calls): stories260K greedy on the device equals the text
// documented in llama2.c, with and without cross-origin isolation; bad input shows a clear
// message and the page keeps working; an HF folder and a quantized GGUF run too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { registerPlayground, type PlaygroundModel, type PlaygroundOptions } from '../../src/serve/playground.ts';
import { runCli, scratchDir } from '../_helpers.ts';
import { chromium, launchChromium, stories260K } from './_chromium.ts';

const browserExe = chromium();
const data = stories260K();
const skip = browserExe.skip || data.skip;
const scratch = scratchDir('wren-browser-');
let browser: Browser;

async function serve(opts: PlaygroundOptions, folder?: string, gguf?: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  const models: PlaygroundModel[] = [{ name: 'stories260K', files: { kind: 'llama2c', weights: data.model, tokenizer: data.tokenizer } }];
  if (folder) models.push({ name: 'stories260K-hf', files: { kind: 'folder', weights: join(folder, 'model.safetensors'), config: join(folder, 'config.json'), tokenizer: join(folder, 'tokenizer.bin') } });
  if (gguf) models.push({ name: 'stories260K-q8', files: { kind: 'gguf', weights: gguf, tokenizer: gguf } });
  await registerPlayground(app, { models }, opts);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

before(async () => { if (!skip) browser = await launchChromium(browserExe.path); });
after(async () => { await browser?.close(); });

for (const isolated of [true, false]) {
  test(`stories260K greedy on the device equals run.c's text (${isolated ? 'cross-origin isolated, all cores' : 'not isolated, one thread'})`, { skip, timeout: 180_000 }, async () => {
    const { app, url } = await serve({ crossOriginIsolation: isolated });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${url}/?device=browser&model=stories260K&temperature=0&max_tokens=256&prompt=`);
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'done' || document.getElementById('status')!.textContent === 'error', undefined, { timeout: 120_000 });
      const message = await page.textContent('#message');
      assert.equal(await page.textContent('#status'), 'done', message ?? '');
      assert.equal(await page.textContent('#output'), data.greedy());
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), isolated);
      const engine = (await page.textContent('#engine'))!;
      if (isolated) {
        const cores = await page.evaluate(() => Math.min(16, navigator.hardwareConcurrency));
        assert.match(engine, new RegExp(` ${cores} threads?$`));
      } else {
        assert.match(engine, /1 thread\b/);
        assert.match((await page.textContent('#isolation'))!, /not cross-origin isolated/);
      }
      assert.match((await page.textContent('#speed'))!, /\d+ tokens, [\d.]+ tokens\/s/);
      await page.screenshot({ path: join(scratch, `playground-${isolated ? 'isolated' : 'plain'}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await app.close();
    }
  });
}

/** A llama2.c tokenizer.bin with `n` tokens laid out as run.c's (<unk>, <s>, </s>, 256 byte
 *  pieces, then words): a real tokenizer that fits no model here. */
function tinyTokenizer(n: number): Buffer {
  const pieces = ['<unk>', '\n<s>\n', '\n</s>\n', ...Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)];
  pieces.push(' ');
  for (let i = pieces.length; i < n; i++) pieces.push(`w${i}`);
  const parts = [Buffer.from(new Int32Array([16]).buffer)];
  for (const p of pieces) parts.push(Buffer.from(new Float32Array([0]).buffer), Buffer.from(new Int32Array([p.length]).buffer), Buffer.from(p));
  return Buffer.concat(parts);
}

test('bad input in the page: a clear message, and the page keeps working', { skip, timeout: 180_000 }, async () => {
  const { app, url } = await serve({});
  const page = await browser.newPage();
  try {
    await page.goto(`${url}/`);
    await page.waitForFunction(() => document.querySelectorAll('#model option').length > 1);
    const dir = scratchDir('wren-badinput-');
    const file = (name: string, bytes: Buffer | string) => { writeFileSync(join(dir, name), bytes); return join(dir, name); };
    const cases: [string, string[], RegExp][] = [
      ['a folder without config.json', [file('model.safetensors', Buffer.alloc(64)), file('tokenizer.json', '{}')], /no config\.json/],
      ['a tokenizer that does not match', [data.model, file('tokenizer.bin', tinyTokenizer(300))], /300 tokens but the model's vocabulary is 512/],
      ['a file that is not a model', [file('notes.txt', 'hello')], /not a model/],
      ['a .bin that is not a checkpoint', [file('model.bin', Buffer.alloc(4096, 7)), data.tokenizer], /not those of a llama2\.c checkpoint/],
      ['a cut-off GGUF', [file('cut.gguf', Buffer.from('GGUF\x03\x00\x00\x00'))], /cut\.gguf: truncated GGUF file/],
    ];
    for (const [what, files, expected] of cases) {
      const before = await page.textContent('#message');
      await page.setInputFiles('#files', files);
      await page.waitForFunction((prev) => document.getElementById('status')!.textContent === 'error'
        && document.getElementById('message')!.textContent !== prev, before, { timeout: 60_000 });
      assert.match((await page.textContent('#message'))!, expected, what);
    }
    // still working: open the real model from disk and generate
    await page.setInputFiles('#files', [data.model, data.tokenizer]);
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'idle', undefined, { timeout: 60_000 });
    await page.fill('#temperature', '0');
    await page.fill('#max_tokens', '12');
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 60_000 });
    assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
    assert.ok(data.greedy().startsWith((await page.textContent('#output'))!) && (await page.textContent('#output'))!.length > 20);
  } finally {
    await page.close();
    await app.close();
  }
});

test('a model folder (stories260K exported as an HF folder): listed by the server and opened from disk, both give run.c\'s text', { skip, timeout: 180_000 }, async () => {
  const folder = join(scratchDir('wren-hf-'), 'stories260K-hf');
  const r = runCli(['export', '--format', 'hf', '--model', data.model, '--tokenizer', data.tokenizer, '--out', folder]);
  assert.equal(r.status, 0, r.stderr);
  const { app, url } = await serve({}, folder);
  try {
    assert.deepEqual(await servedThenOpened(url, 'stories260K-hf', 256, '#folder', folder), [data.greedy(), data.greedy()]);
  } finally {
    await app.close();
  }
});

/** Greedy from BOS on the server's model `name` run in the page, then on the same files opened from
 *  disk through `input` (#files or #folder): the two outputs, each checked to have finished. */
async function servedThenOpened(url: string, name: string, maxTokens: number, input: string, files: string | string[]): Promise<[string, string]> {
  const page = await browser.newPage();
  const finished = async () => {
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 120_000 });
    assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
    return (await page.textContent('#output'))!;
  };
  try {
    await page.goto(`${url}/?model=${name}&temperature=0&max_tokens=${maxTokens}&prompt=`);
    const served = await finished();
    await page.setInputFiles(input, files);
    await page.waitForFunction(() => ['idle', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 60_000 });
    assert.equal(await page.textContent('#status'), 'idle', (await page.textContent('#message'))!);
    await page.click('#run'); // status is idle until then, so finished() waits for this run
    return [served, await finished()];
  } finally {
    await page.close();
  }
}

test('a Q8_0 GGUF (stories260K quantized): listed by the server and opened from disk, both give Node\'s WebAssembly text for the same file', { skip, timeout: 180_000 }, async () => {
  const gguf = join(scratchDir('wren-gguf-page-'), 'stories260K-q8.gguf');
  const q = runCli(['quantize', '--model', data.model, '--tokenizer', data.tokenizer, '--type', 'q8_0', '--out', gguf]);
  assert.equal(q.status, 0, q.stderr);
  // the same kernels (WASM, relaxed SIMD where the CPU has it) in Node: the page must match token for token
  const node = runCli(['generate', '--model', gguf, '--temperature', '0', '--max-tokens', '64', '--backend', 'wasm']);
  assert.equal(node.status, 0, node.stderr);
  const expected = node.stdout.replace(/\n$/, '');
  assert.ok(expected.length > 100, expected);
  const { app, url } = await serve({}, undefined, gguf);
  try {
    assert.deepEqual(await servedThenOpened(url, 'stories260K-q8', 64, '#files', [gguf]), [expected, expected]);
  } finally {
    await app.close();
  }
});
