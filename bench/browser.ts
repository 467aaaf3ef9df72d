// `wren bench browser`: decode tokens/s in Chromium (the WASM engine in a Web Worker of a cross-origin
// isolated page, kernel threads as nested workers) beside the same loop in Node (WASM backend,
// worker_threads), for stories260K (real weights from ../shared/data) and the stories15M shape
// (random init, vocab 32000), at 1 and 2 threads. Medians of --runs runs of --tokens tokens
// greedy from BOS; one JSON line a case, after the machine (CPU, cores, ISA, Chromium version).
// With WREN_WLLAMA (see _wllama.ts) each case also runs the same weights as GGUF in wllama.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { buildBrowserBundle } from '../src/browser/build-bundle.ts';
import { Arena } from '../src/engine/arena.ts';
import { createWasmBackend } from '../src/engine/wasm-backend.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { chromium, launchChromium } from '../test/browser/_chromium.ts';
import { figureLine, machineLine, ranOn } from './_machine.ts';
import { decodeModel, medianOf, timeDecode, type DecodeCase } from './_decode.ts';
import { WLLAMA_PAGE, wllamaDir, wllamaFile } from './_wllama.ts';
import { encodeLlamaGguf } from '../src/nn/gguf-llama.ts';
import { Llama2cTokenizer } from '../src/tokenizer/llama2c-tokenizer.ts';

const HELP = 'usage: wren bench browser [--tokens N] [--runs R] [--threads 1,2]';
const shared = (rel: string) => fileURLToPath(new URL(`../../shared/data/${rel}`, import.meta.url));
const stories260K = shared('llama2c-stories260K/stories260K.bin');
/** The tokenizers the GGUF exports for wllama carry (vocabularies 512 and 32000). */
const TOKENIZERS: Record<string, string> = { stories260K: shared('llama2c-stories260K/tok512.bin'), 'stories15M (random)': shared('tokenizers/llama2c-32k/tokenizer.bin') };

const PAGE = `<!doctype html><title>wren bench</title><script type="module">
  // One worker per case; ask() sends a message and resolves with the worker's answer.
  let w;
  const ask = (msg) => new Promise((resolve) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => resolve({ error: e.message });
    w.postMessage(msg);
  });
  window.setup = (c) => { w?.terminate(); w = new Worker('worker.js', { type: 'module' }); if (c.bytes) c.bytes = new Uint8Array(c.bytes); return ask({ setup: c }); };
  window.runOnce = (tokens) => ask({ run: tokens });
</script>`;

type PageApi = { setup?(c: unknown): Promise<Reply>; runOnce?(tokens: number): Promise<Reply>;
  wllamaRun?(url: string, threads: number, tokens: number, runs: number): Promise<{ rates: number[]; predicted: number[]; threads: number; multithread: boolean; version: string }> };
type Reply = { backend?: string; tokensPerS?: number; error?: string };

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, { tokens: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' } }, HELP);
  const tokens = intFlag(v.tokens, 'tokens', 256, 1, 4096);
  const runs = intFlag(v.runs, 'runs', 5, 1, 100);
  const threadCounts = ((v.threads as string | undefined) ?? '1,2').split(',').map((t) => intFlag(t, 'threads', 1, 1, 16));
  const exe = chromium();
  if (exe.skip) throw new Error(exe.skip);
  const isa = (createRequire(import.meta.url)('../src/kernels/native/isa.cjs') as { supportedIsas(): string[] }).supportedIsas()[0];

  const worker = await buildBrowserBundle({ entry: fileURLToPath(new URL('./_browser-worker.ts', import.meta.url)) });
  const wllama = wllamaDir();
  if (!wllama) console.log(JSON.stringify({ wllama: 'skipped: set WREN_WLLAMA to a node_modules folder holding @wllama/wllama (see bench/_wllama.ts)' }));
  let gguf: Uint8Array | undefined; // the current case's weights for wllama
  const server = createServer((req, res) => {
    const iso = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    if (req.url === '/worker.js') { res.writeHead(200, { ...iso, 'content-type': 'text/javascript' }); res.end(worker); return; }
    if (req.url === '/wllama.html') { res.writeHead(200, { ...iso, 'content-type': 'text/html' }); res.end(WLLAMA_PAGE); return; }
    if (req.url === '/model.gguf' && gguf) { res.writeHead(200, { ...iso, 'content-type': 'application/octet-stream' }); res.end(gguf); return; }
    const wl = wllama && wllamaFile(wllama, req.url ?? '');
    if (wl) { res.writeHead(200, { ...iso, 'content-type': wl.type }); res.end(wl.body); return; }
    if (req.url !== '/') { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { ...iso, 'content-type': 'text/html' });
    res.end(PAGE);
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const browser = await launchChromium(exe.path);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForFunction(() => 'setup' in window);
    const wllamaPage = wllama ? await browser.newPage() : undefined;
    if (wllamaPage) {
      await wllamaPage.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/wllama.html`);
      await wllamaPage.waitForFunction(() => 'wllamaRun' in window);
    }
    console.log(JSON.stringify({ ...JSON.parse(machineLine()), isa, browser: `Chromium ${browser.version()}`, cross_origin_isolated: await page.evaluate(() => crossOriginIsolated) }));
    const cases: Omit<DecodeCase, 'threads'>[] = [];
    if (existsSync(stories260K)) cases.push({ name: 'stories260K', tokens, runs, bytes: readFileSync(stories260K) });
    else console.log(JSON.stringify({ case: 'stories260K', skipped: `not found: ${stories260K}` }));
    cases.push({ name: 'stories15M (random)', preset: 'stories15M', tokens, runs });
    for (const c of cases) {
      for (const threads of threadCounts) {
        // Node and the page take turns run by run, so load from other work on the machine falls on both.
        const backend = await createWasmBackend(new Arena(), threads);
        try {
          const model = decodeModel({ ...c, threads }, backend);
          timeDecode(model, Math.min(tokens, 32));
          const setup = await page.evaluate((x) => (window as PageApi).setup!(x), { ...c, threads, bytes: c.bytes ? Array.from(c.bytes) : undefined });
          if (setup.error) throw new Error(`in the page, ${c.name} at ${threads} threads: ${setup.error}`);
          const node: number[] = [], inPage: number[] = [];
          for (let r = 0; r < runs; r++) {
            node.push(timeDecode(model, tokens));
            const one = await page.evaluate((n) => (window as PageApi).runOnce!(n), tokens);
            if (one.error) throw new Error(`in the page, ${c.name} at ${threads} threads: ${one.error}`);
            inPage.push(one.tokensPerS!);
          }
          const round = (x: number) => Math.round(x * 10) / 10;
          let anchor = {};
          if (wllama && existsSync(TOKENIZERS[c.name])) {
            gguf = encodeLlamaGguf(model, Llama2cTokenizer.load(TOKENIZERS[c.name], model.config.vocab_size), { type: 'f32', name: c.name }).bytes;
            const wl = await wllamaPage!.evaluate(([t, n, r]) => (window as PageApi).wllamaRun!('model.gguf', t, n, r), [threads, tokens, runs] as const);
            anchor = { wllama_tokens_per_s: round(medianOf(wl.rates)), wllama_tokens: medianOf(wl.predicted), wllama_threads: wl.threads, wllama_multithread: wl.multithread, wllama_llama_cpp: wl.version };
          }
          console.log(figureLine({ case: c.name, tokens, runs, node_tokens_per_s: round(medianOf(node)), browser_tokens_per_s: round(medianOf(inPage)),
            browser_vs_node: Math.round((medianOf(inPage) / medianOf(node)) * 100) / 100, ...anchor, node_backend: backend.description, browser_backend: setup.backend }, ranOn(backend)));
        } finally {
          backend.dispose();
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
}
