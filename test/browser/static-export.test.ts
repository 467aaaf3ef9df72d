// `wren playground build` writes a static site; a plain static server that applies the site's
// own _headers file (as Netlify or Cloudflare Pages would) serves it, and stories260K greedy in
// the page equals the documented text on all cores. The command refuses to overwrite a
// folder that holds files unless --force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { runCli, scratchDir } from '../_helpers.ts';
import { chromium, launchChromium, stories260K } from './_chromium.ts';

const browserExe = chromium();
const data = stories260K();
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Headers from a `_headers` file whose one rule is `/*`. */
function headersFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const m = /^\s+([\w-]+):\s*(.+)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

test('wren playground build: a static site that runs stories260K greedy in the page', { skip: browserExe.skip || data.skip, timeout: 180_000 }, async () => {
  const site = join(scratchDir('wren-site-'), 'site');
  const r = runCli(['playground', 'build', '--model', data.model, '--tokenizer', data.tokenizer, '--out', site]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(site, 'playground/models/stories260K/model.bin')));
  const again = runCli(['playground', 'build', '--model', data.model, '--tokenizer', data.tokenizer, '--out', site]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a playground site; pass --force/);
  const other = join(scratchDir('wren-site-'), 'mine');
  mkdirSync(other);
  writeFileSync(join(other, 'notes.txt'), 'x');
  const refused = runCli(['playground', 'build', '--model', data.model, '--tokenizer', data.tokenizer, '--out', other, '--force']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /holds files that are not a playground site/);
  assert.ok(existsSync(join(other, 'notes.txt')));                 // --force never clears a folder it did not write
  writeFileSync(join(site, 'mine.txt'), 'x');
  assert.equal(runCli(['playground', 'build', '--model', data.model, '--tokenizer', data.tokenizer, '--out', site, '--force']).status, 0);
  assert.ok(!existsSync(join(site, 'mine.txt')));

  const headers = headersFile(join(site, '_headers'));
  assert.deepEqual(Object.keys(headers).sort(), ['Cross-Origin-Embedder-Policy', 'Cross-Origin-Opener-Policy']);
  const server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const file = join(site, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(site) || !existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { ...headers, 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const browser = await launchChromium(browserExe.path);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/?temperature=0&max_tokens=256&prompt=`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')!.textContent!), undefined, { timeout: 120_000 });
    assert.equal(await page.textContent('#status'), 'done', (await page.textContent('#message'))!);
    assert.equal(await page.textContent('#output'), data.greedy());
    const cores = await page.evaluate(() => Math.min(16, navigator.hardwareConcurrency));
    assert.match((await page.textContent('#engine'))!, new RegExp(`stories260K.* ${cores} threads?$`), 'isolated by the _headers file: all cores');
    assert.equal(await page.isDisabled('input[name=device][value=server]'), true, 'a static site has no server to run on');
  } finally {
    await browser.close();
    server.close();
  }
});
