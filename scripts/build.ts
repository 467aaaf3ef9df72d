// `npm run build`: the package's compiled form in dist/ (dist/ is not committed):
//   1. tsc -p tsconfig.build.json: ESM JavaScript + .d.ts, imports rewritten from .ts to .js
//   2. the files tsc does not emit, copied beside the JavaScript that loads them: plain-JS
//      workers and their .d.ts, the .wasm kernels, .cjs helpers, JSON data (recipes, vocabulary)
//   3. worker modules named by URL (new URL('./x.ts', import.meta.url)) pointed at their .js
//   4. dist/wren-browser.js: the browser bundle (`wren/browser`), kernels inlined
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowserBundle } from '../src/browser/build-bundle.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const src = join(root, 'src'), dist = join(root, 'dist');
const COPY = /\.(js|cjs|mjs|wasm|json)$|\.d\.ts$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);

let copied = 0;
for (const file of walk(src)) {
  if (!COPY.test(file)) continue;
  const out = join(dist, relative(src, file));
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(file, out);
  copied++;
}

let rewritten = 0;
for (const file of walk(dist).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/new URL\((['"])(\.{1,2}\/[^'"]+)\.ts\1, import\.meta\.url\)/g, 'new URL($1$2.js$1, import.meta.url)');
  if (next !== text) { writeFileSync(file, next); rewritten++; }
}

const bundle = await buildBrowserBundle();
writeFileSync(join(dist, 'wren-browser.js'), bundle);
console.log(`dist/: compiled src/, ${copied} files copied, ${rewritten} worker URLs rewritten, wren-browser.js ${(bundle.length / 1024).toFixed(0)} KiB`);
