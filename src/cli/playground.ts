// `wren playground build --model PATH --out SITE/`: the playground as a static site with the
// model inside, for any static host (no Wren server: the model runs on the visitor's device).
// The layout is the one `wren serve` serves, so the page is the same file:
//   SITE/index.html, SITE/playground/{app.js, sse.js, engine-worker.js, style.css, wren-browser.js}
//   SITE/playground/models.json, SITE/playground/models/NAME/{model.bin | model.safetensors, config.json, tokenizer.*}
//   SITE/_headers (COOP/COEP in Netlify / Cloudflare Pages form) and SITE/HEADERS.md (the same for other hosts)
import { copyFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserBundle } from '../browser/build-bundle.ts';
import { createBackend } from '../engine/backend.ts';
import { loadModel, loadTokenizerFor, resolveModelFiles } from '../nn/load.ts';
import { playgroundModelList, servedModelFiles, type PlaygroundModel } from '../serve/playground.ts';
import { CliError, parseFlags, requiredFlag } from './args.ts';
import { checkOutFolder } from '../formats/out-folder.ts';
import { makeDir } from '../formats/atomic.ts';

const HELP = `usage: wren playground build --model PATH --out SITE [options]

  --model PATH      model folder (config.json + model.safetensors + tokenizer) or llama2.c .bin
  --tokenizer PATH  the tokenizer of a llama2.c .bin (tokenizer.bin or tokenizer.json)
  --name NAME       the model's name in the page (default: the folder or file name)
  --out SITE        the folder to write; any static host serves it
  --force           replace SITE when it holds a playground site this command wrote (never other files)

Threads need the page cross-origin isolated: serve it with the headers in SITE/HEADERS.md
(SITE/_headers applies them on Netlify and Cloudflare Pages). Without them it runs on one thread.`;

const webDir = fileURLToPath(new URL('../../web/playground/', import.meta.url));
const PAGE_FILES = ['app.js', 'sse.js', 'engine-worker.js', 'style.css'];

const HEADERS = `/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
`;

const HEADERS_MD = `# Serving this playground

Any static host serves this folder. For the model to run on more than one thread the page must
be cross-origin isolated, which takes two response headers on every file:

    Cross-Origin-Opener-Policy: same-origin
    Cross-Origin-Embedder-Policy: require-corp

- Netlify, Cloudflare Pages: the \`_headers\` file here sets them.
- nginx: \`add_header Cross-Origin-Opener-Policy same-origin always;\` and
  \`add_header Cross-Origin-Embedder-Policy require-corp always;\` in the location.
- Apache: \`Header set Cross-Origin-Opener-Policy "same-origin"\` and
  \`Header set Cross-Origin-Embedder-Policy "require-corp"\` (mod_headers).
- GitHub Pages cannot set headers: the page runs on one thread and says so.

MIME types: \`.js\` must be served as \`text/javascript\` (the engine is a module worker); \`.html\`
as \`text/html\`, \`.css\` as \`text/css\`, \`.json\` as \`application/json\`; model files (\`.bin\`,
\`.safetensors\`) as \`application/octet-stream\`. Everything is fetched from the same origin.
`;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'build') {
    if (sub === '--help' || sub === '-h') { console.log(HELP); return; }
    throw new CliError(`usage: wren playground build --model PATH --out SITE${sub ? ` (unknown subcommand '${sub}')` : ''}`);
  }
  const { values: v } = parseFlags(rest, {
    model: { type: 'string' }, tokenizer: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' },
  }, HELP);
  const modelPath = requiredFlag(v.model, 'model'), out = resolve(requiredFlag(v.out, 'out'));
  const files = resolveModelFiles(modelPath);
  const tokenizer = (v.tokenizer as string | undefined) ?? files.tokenizer;
  if (!tokenizer) throw new CliError(`${modelPath}: no tokenizer beside the model; pass --tokenizer PATH`);
  const name = (v.name as string | undefined) ?? basename(files.kind === 'folder' ? dirname(files.weights) : files.weights).replace(/\.(bin|gguf)$/, '');
  if (!/^[\w.-]+$/.test(name)) throw new CliError(`--name must be letters, digits, '.', '_' or '-', got '${name}'`);
  checkOutFolder(out, { marker: join('playground', 'models.json'), what: 'a playground site', force: v.force === true });

  // Check the model and tokenizer belong together before writing anything.
  const backend = await createBackend({ backend: 'reference' });
  try {
    const { model } = loadModel(modelPath, backend);
    loadTokenizerFor(tokenizer, model.config);
  } finally {
    backend.dispose();
  }

  makeDir(dirname(out));
  const model: PlaygroundModel = { name, files: { ...files, tokenizer } };
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  makeDir(join(tmp, 'playground', 'models', name));
  copyFileSync(join(webDir, 'index.html'), join(tmp, 'index.html'));
  for (const f of PAGE_FILES) copyFileSync(join(webDir, f), join(tmp, 'playground', f));
  writeFileSync(join(tmp, 'playground', 'wren-browser.js'), await browserBundle());
  writeFileSync(join(tmp, 'playground', 'models.json'), JSON.stringify(playgroundModelList({ models: [model] }), null, 2) + '\n');
  let bytes = 0;
  for (const [served, path] of servedModelFiles(model)) {
    copyFileSync(path, join(tmp, 'playground', 'models', name, served));
    bytes += statSync(path).size;
  }
  writeFileSync(join(tmp, '_headers'), HEADERS);
  writeFileSync(join(tmp, 'HEADERS.md'), HEADERS_MD);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  console.log(`wrote ${out}: the playground with ${name} (${(bytes / 2 ** 20).toFixed(1)} MiB of model files); serve it with the headers in HEADERS.md`);
}
