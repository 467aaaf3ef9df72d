// The playground against the real `wren serve` (spawned through bin/wren.js with --port 0, as a
// user runs it): the page it serves at / runs stories260K greedy on the device and through the
// "on the server" switch (/v1/completions' SSE stream), and both equal the text documented in
// llama2.c. Screenshots go to the test's scratch folder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot, scratchDir } from '../_helpers.ts';
import { chromium, launchChromium, stories260K } from './_chromium.ts';

const browserExe = chromium();
const data = stories260K();
const skip = browserExe.skip || data.skip;
const scratch = scratchDir('wren-serve-browser-');
let browser: Browser, server: ChildProcess, url = '';

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

before(async () => {
  if (skip) return;
  url = await startServe();
  browser = await launchChromium(browserExe.path);
});
after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test('wren serve serves the playground at / with COOP/COEP', { skip }, async () => {
  const res = await fetch(`${url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  const bundle = await fetch(`${url}/playground/wren-browser.js`);
  assert.match(bundle.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal((await fetch(`${url}/playground/models/stories260K/..%2F..%2Fpackage.json`)).status, 404, 'files only by role, never a client path');
});

for (const device of ['browser', 'server'] as const) {
  test(`stories260K greedy in the page ${device === 'browser' ? 'on the device' : 'through the server switch'} equals run.c's text`, { skip, timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${url}/?device=${device}&model=stories260K&temperature=0&max_tokens=256&prompt=`);
      await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 90_000 });
      assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
      assert.equal(await page.textContent('#output'), data.greedy());
      assert.match((await page.textContent('#speed'))!, /256 tokens, [\d.]+ tokens\/s/);
      if (device === 'server') assert.match((await page.textContent('#message'))!, /answered by stories260K on the server/);
      else assert.equal(await page.evaluate(() => crossOriginIsolated), true);
      await page.screenshot({ path: join(scratch, `playground-${device}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  });
}
