// The in-page half of bench/browser.ts, bundled by buildBrowserBundle and run as a module Web
// Worker in a cross-origin isolated page: the same model construction and decode loop as the
// Node half, on the browser kernel host. Messages in: { setup: DecodeCase } (builds the model and
// warms it up), { run: tokens } (one timed decode); out: { ok, backend } | { tokensPerS } | { error }.
import { Arena } from '../src/engine/arena.ts';
import { createWasmBackend } from '../src/engine/wasm-backend.ts';
import { kernelHost } from '../src/browser/index.ts';
import type { LlamaModel } from '../src/nn/llama.ts';
import { decodeModel, timeDecode, type DecodeCase } from './_decode.ts';

let model: LlamaModel | undefined;

addEventListener('message', async (e: MessageEvent<{ setup?: DecodeCase; run?: number }>) => {
  try {
    if (e.data.setup) {
      const c = e.data.setup;
      const backend = await createWasmBackend(new Arena(), c.threads, { host: kernelHost() });
      model = decodeModel(c, backend);
      timeDecode(model, Math.min(c.tokens, 32)); // warm-up
      postMessage({ ok: true, backend: backend.description });
    } else if (e.data.run !== undefined) {
      if (!model) throw new Error('run before setup');
      postMessage({ tokensPerS: timeDecode(model, e.data.run) });
    }
  } catch (err) {
    postMessage({ error: (err as Error).message });
  }
});
