// The package as others get it (`npm run test:package`, a CI stage): npm pack (which builds
// dist/ through prepack), install the tarball into a scratch project, then
//   - plain Node (no tsx) imports `wren`, runs stories260K greedy and gets run.c's text;
//   - plain Node imports `wren/browser` and generates from bytes;
//   - TypeScript resolves both entry points' types;
//   - Chromium loads the installed dist/wren-browser.js in a page and gets the same text.
// stories260K comes from ../shared/data; it and Chromium are required under CI and skipped
// (with a message) otherwise, as the tests do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, launchChromium, stories260K } from '../test/browser/_chromium.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'wren-package-'));
const step = (what: string) => console.log(`check-package: ${what}`);
const data = stories260K();
if (data.skip) { console.log(`check-package: skipped: ${data.skip}`); process.exit(0); }
const greedy = data.greedy();

step('npm pack');
const packOut = execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const packed = JSON.parse(packOut.slice(packOut.search(/^\[/m))); // prepack's build prints its line first
const tarball = join(scratch, packed[0].filename);
const shipped: string[] = packed[0].files.map((f: { path: string }) => f.path);
for (const need of ['dist/index.js', 'dist/index.d.ts', 'dist/wren-browser.js', 'dist/browser/index.d.ts', 'dist/kernels/wasm/kernels.wasm', 'dist/engine/wasm-worker.js', 'web/playground/index.html']) {
  if (!shipped.includes(need)) throw new Error(`the tarball lacks ${need}`);
}

step(`installing ${packed[0].filename} into ${scratch}/app`);
const app = join(scratch, 'app');
execFileSync('mkdir', ['-p', app]);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'wren-package-check', private: true, type: 'module' }));
// The WebAssembly backend is what every install has; the native build is checked elsewhere.
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, stdio: 'inherit', env: { ...process.env, WREN_SKIP_NATIVE: '1' } });

step('plain Node: import wren and wren/browser');
writeFileSync(join(app, 'node-check.mjs'), `
import { readFileSync } from 'node:fs';
import { createBackend, loadModel, loadTokenizerFor, complete } from 'wren';
import * as browser from 'wren/browser';
const [model, tok] = process.argv.slice(2);
const backend = await createBackend({ threads: 2 });
const m = loadModel(model, backend).model;
const t = loadTokenizerFor(tok, m.config);
const a = complete(m, t, t.encode('', { bos: true }), { maxTokens: 256, temperature: 0 }).text;
backend.dispose();
const bm = await browser.loadModel([{ name: 'model.bin', bytes: readFileSync(model) }, { name: 'tokenizer.bin', bytes: readFileSync(tok) }]);
let b = '';
for await (const s of browser.generate(bm, '', { maxTokens: 256, temperature: 0 })) b += s.text;
bm.dispose();
process.stdout.write(JSON.stringify({ backend: backend.description, a, b }));
`);
const node = JSON.parse(execFileSync(process.execPath, ['node-check.mjs', data.model, data.tokenizer], { cwd: app, encoding: 'utf8' }));
if (node.a !== greedy) throw new Error(`wren from plain Node (${node.backend}) did not give run.c's greedy text:\n${node.a}`);
if (node.b !== greedy) throw new Error(`wren/browser in plain Node did not give run.c's greedy text:\n${node.b}`);

step('TypeScript: the types of wren and wren/browser resolve');
writeFileSync(join(app, 'types-check.ts'), `
import { createBackend, type LlamaConfig } from 'wren';
import { loadModel, generate, chat, type WrenModel, type ModelInfo } from 'wren/browser';
export type Check = [typeof createBackend, LlamaConfig, typeof loadModel, typeof generate, typeof chat, WrenModel, ModelInfo];
`);
writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { noEmit: true, strict: true, skipLibCheck: true, module: 'nodenext',
  moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [] }, files: ['types-check.ts'] }));
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
if (tsc.status !== 0) throw new Error(`the package's types do not resolve:\n${tsc.stdout}${tsc.stderr}`);

const exe = chromium();
if (exe.skip) {
  console.log(`check-package: the browser check is skipped: ${exe.skip}`);
} else {
  step('Chromium: the installed bundle in a page');
  const files: Record<string, [string, string]> = {
    '/wren-browser.js': [join(app, 'node_modules/wren/dist/wren-browser.js'), 'text/javascript'],
    '/model.bin': [data.model, 'application/octet-stream'],
    '/tokenizer.bin': [data.tokenizer, 'application/octet-stream'],
  };
  const page = `<!doctype html><script type="module">
    import { loadModel, generate } from './wren-browser.js';
    const m = await loadModel({ kind: 'llama2c', weights: 'model.bin', tokenizer: 'tokenizer.bin' });
    let text = '';
    for await (const s of generate(m, '', { maxTokens: 256, temperature: 0 })) text += s.text;
    window.result = text;
  </script>`;
  const server = createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page); return; }
    if (!f || !existsSync(f[0])) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': f[1] });
    res.end(readFileSync(f[0]));
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const browser = await launchChromium(exe.path);
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await tab.waitForFunction(() => (window as { result?: string }).result !== undefined, undefined, { timeout: 60_000 }).catch(() => {
      throw new Error(`the bundle did not generate in the page: ${errors.join('; ') || 'timeout'}`);
    });
    const text = await tab.evaluate(() => (window as { result?: string }).result);
    if (text !== greedy) throw new Error(`the installed bundle in Chromium did not give run.c's greedy text:\n${text}`);
  } finally {
    await browser.close();
    server.close();
  }
}
step(`ok (${node.backend} from plain Node; tarball ${(packed[0].size / 1024).toFixed(0)} KiB, ${shipped.length} files)`);
