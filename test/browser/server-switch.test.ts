// The page's "on the server" switch against the real `wren serve` (spawned through bin/wren.js,
// --port 0): stories260K greedy through /v1/completions' SSE stream, read by the page, equals
// the documented text. Where `wren serve` does not yet serve the page itself (registerPlayground
// not wired into it), the page comes from a bare Fastify app with the playground routes that
// forwards /v1 to the spawned server, so the page still talks to the real server's stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { registerPlayground } from '../../src/serve/playground.ts';
import { repoRoot, scratchDir } from '../_helpers.ts';
import { chromium, launchChromium, stories260K } from './_chromium.ts';

const browserExe = chromium();
const data = stories260K();
const skip = browserExe.skip || data.skip;
let browser: Browser, server: ChildProcess, serverUrl = '', front: FastifyInstance | undefined, pageUrl = '';

function startServe(): Promise<string> {
  server = spawn(process.execPath, [join(repoRoot, 'bin/wren.js'), 'serve', '--port', '0', '--model', `stories260K=${data.model}`, '--tokenizer', data.tokenizer],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  server.stderr!.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`wren serve exited (${code}) before listening:\n${out}${err}`)));
  });
}

/** The playground routes on a bare app, /v1 forwarded to `target` (streams pass through as they come). */
async function frontFor(target: string): Promise<string> {
  front = Fastify();
  await registerPlayground(front, { models: [{ name: 'stories260K', files: { kind: 'llama2c', weights: data.model, tokenizer: data.tokenizer } }] });
  front.all('/v1/*', async (req, reply) => {
    const res = await fetch(target + req.url, {
      method: req.method, headers: { 'content-type': 'application/json' },
      body: req.method === 'POST' ? JSON.stringify(req.body) : undefined,
    });
    reply.code(res.status).header('content-type', res.headers.get('content-type') ?? 'application/json');
    return reply.send(res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : '');
  });
  return front.listen({ host: '127.0.0.1', port: 0 });
}

before(async () => {
  if (skip) return;
  serverUrl = await startServe();
  const page = await fetch(`${serverUrl}/`);
  pageUrl = page.ok && (page.headers.get('content-type') ?? '').startsWith('text/html') ? serverUrl : await frontFor(serverUrl);
  browser = await launchChromium(browserExe.path);
});
after(async () => {
  await browser?.close();
  await front?.close();
  server?.kill('SIGTERM');
});

test('stories260K greedy "on the server" (the /v1/completions SSE stream) equals run.c\'s text', { skip, timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${pageUrl}/?device=server&model=stories260K&temperature=0&max_tokens=256&prompt=`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 90_000 });
    assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
    assert.equal(await page.textContent('#output'), data.greedy());
    assert.match((await page.textContent('#speed'))!, /tokens\/s/);
    assert.match((await page.textContent('#message'))!, /answered by stories260K on the server/);
    await page.screenshot({ path: join(scratchDir('wren-browser-server-'), 'playground-server.png'), fullPage: true });
  } finally {
    await page.close();
  }
});
