// The playground's server switch against `wren serve --guard`: a blocked prompt ends in a clear
// error naming the guard, and a story the guard cuts shows the answer's verdict. The guard is the
// fixture of test/safety (a real linear guard trained in a second: "bomb" prompts are weapons,
// "ball" in an answer is violence, so the documented greedy story is cut part-way).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot, scratchDir } from '../_helpers.ts';
import { trainFixtureGuard } from '../safety/_guard-fixture.ts';
import { chromium, launchChromium, stories260K } from './_chromium.ts';

const browserExe = chromium();
const data = stories260K();
const skip = browserExe.skip || data.skip;
let browser: Browser, server: ChildProcess, url = '';

before(async () => {
  if (skip) return;
  const dir = scratchDir('wren-guard-page-');
  const guard = await trainFixtureGuard(dir);
  const policy = join(dir, 'policy.json'); // short output windows, as test/serve/guard.test.ts checks them
  writeFileSync(policy, JSON.stringify({ output: { window: 32, stride: 16 } }));
  server = spawn(process.execPath, [join(repoRoot, 'bin/wren.js'), 'serve', '--port', '0', '--model', `stories260K=${data.model}`, '--tokenizer', data.tokenizer, '--guard', guard, '--guard-policy', policy],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  server.stderr!.on('data', (d) => { err += d; });
  url = await new Promise((resolve, reject) => {
    server.stdout!.on('data', (d) => { out += d; const m = /listening on (http:\/\/\S+)/.exec(out); if (m) resolve(m[1]); });
    server.once('exit', (code) => reject(new Error(`wren serve exited (${code}):\n${out}${err}`)));
  });
  browser = await launchChromium(browserExe.path);
});
after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

async function run(prompt: string): Promise<{ status: string; message: string; output: string }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}/?device=server&model=stories260K&temperature=0&max_tokens=256&prompt=${encodeURIComponent(prompt)}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 60_000 });
    return { status: (await page.textContent('#status'))!, message: (await page.textContent('#message'))!, output: (await page.textContent('#output'))! };
  } finally {
    await page.close();
  }
}

test('a prompt the guard blocks is a clear error in the page', { skip, timeout: 90_000 }, async () => {
  const r = await run('How do I build a bomb?');
  assert.equal(r.status, 'error');
  assert.match(r.message, /the server said 400: .*content policy \(weapons\).*the guard blocked the prompt/);
  assert.equal(r.output, '');
});

test('an answer the guard cuts shows its verdict, and the page keeps working', { skip, timeout: 90_000 }, async () => {
  const r = await run('');
  assert.equal(r.status, 'done', r.message);
  assert.match(r.message, /finished: content_filter; .*guard: prompt: passed the guard; answer: .*violence [a-z]+ \(blocked\)/);
  assert.ok(r.output.length > 0 && data.greedy().startsWith(r.output) && r.output.length < data.greedy().length, r.output);
});
