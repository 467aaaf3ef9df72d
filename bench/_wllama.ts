// wllama (llama.cpp compiled to WebAssembly, npm @wllama/wllama) in the same Chromium as
// bench/browser.ts, for its anchor column. It is not a dependency of the project: install it
// apart and name its node_modules folder in WREN_WLLAMA, e.g.
//   npm install --prefix ~/.cache/wren-bench/wllama @wllama/wllama@3.8.1
//   WREN_WLLAMA=~/.cache/wren-bench/wllama/node_modules wren bench browser
// The model goes in as the GGUF Wren exports (f32, the same weights); decode speed is
// llama.cpp's own timing (predicted tokens per second), greedy from BOS.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function wllamaDir(): string | undefined {
  const root = process.env.WREN_WLLAMA;
  const dir = root && join(root, '@wllama/wllama/esm');
  return dir && existsSync(join(dir, 'index.js')) ? dir : undefined;
}

/** Serve wllama's ESM build and wasm under /wllama/; returns the body and type, or undefined. */
export function wllamaFile(dir: string, url: string): { body: Buffer; type: string } | undefined {
  if (!url.startsWith('/wllama/') || url.includes('..')) return undefined;
  const path = join(dir, url.slice('/wllama/'.length));
  if (!existsSync(path)) return undefined;
  return { body: readFileSync(path), type: path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' };
}

export const WLLAMA_PAGE = `<!doctype html><title>wllama bench</title><script type="module">
  import { Wllama } from './wllama/index.js';
  // Load the GGUF at url on n threads, time runs completions of tokens greedy tokens from BOS.
  window.wllamaRun = async (url, threads, tokens, runs) => {
    const w = new Wllama({ default: './wllama/wasm/wllama.wasm' }, { suppressNativeLog: true });
    const blob = await (await fetch(url)).blob();
    await w.loadModel([blob], { n_threads: threads, n_ctx: 512, n_gpu_layers: 0, seed: 1 });
    await w.createCompletion({ prompt: '', max_tokens: 32, temperature: 0 }); // warm-up
    const rates = [], predicted = [];
    for (let r = 0; r < runs; r++) {
      const out = await w.createCompletion({ prompt: '', max_tokens: tokens, temperature: 0, cache_prompt: false });
      rates.push(out.timings.predicted_per_second);
      predicted.push(out.timings.predicted_n);
    }
    const result = { rates, predicted, threads: w.getNumThreads(), multithread: w.isMultithread(), version: Wllama.getLibllamaVersion() };
    await w.exit();
    return result;
  };
</script>`;
