// llama.cpp as a benchmark anchor, through node-llama-cpp (optional, never a dependency): found in
// the folder WREN_NODE_LLAMA_CPP names (a node_modules holding it, or a folder above one), else
// from the repo, as src/llm/gguf.ts and the GGUF tests find it. Greedy decode timed per token
// through the sequence's `evaluate` iterator, from BOS, on the CPU build.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './_machine.ts';

export type LlamaCpp = { getLlama(o: object): Promise<LcLlama>; LlamaLogLevel: { error: unknown } };
type LcLlama = { loadModel(o: object): Promise<LcModel>; dispose(): Promise<void> };
type LcModel = { createContext(o: object): Promise<LcContext>; dispose(): Promise<void> };
type LcContext = { getSequence(): { evaluate(ids: number[], o: object): AsyncIterable<number>; clearHistory(): Promise<void> }; dispose(): Promise<void> };

/** node-llama-cpp, or why it is not there. */
export async function importLlamaCpp(): Promise<LlamaCpp | string> {
  const dir = process.env.WREN_NODE_LLAMA_CPP;
  try {
    const entry = createRequire(join(resolve(dir ?? '.'), 'probe.js')).resolve('node-llama-cpp');
    return (await import(pathToFileURL(entry).href)) as LlamaCpp;
  } catch (err) {
    return `node-llama-cpp not found (${dir ? `WREN_NODE_LLAMA_CPP=${dir}` : 'set WREN_NODE_LLAMA_CPP'}): ${(err as Error).message.split('\n')[0]}`;
  }
}

/** One GGUF file loaded once on `threads` threads; `once(n)` decodes n greedy tokens from BOS and gives tokens/s. */
export type LlamaCppDecoder = { once(tokens: number): Promise<number>; dispose(): Promise<void> };

export async function openLlamaCppDecoder(lc: LlamaCpp, path: string, threads: number, contextSize: number): Promise<LlamaCppDecoder> {
  const llama = await lc.getLlama({ gpu: false, build: 'never', logLevel: lc.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize, threads, batchSize: 1 });
  const seq = context.getSequence();
  return {
    async once(n) {
      await seq.clearHistory();
      const t0 = performance.now();
      let k = 0;
      for await (const _ of seq.evaluate([1], { temperature: 0 })) if (++k >= n) break;
      return n / ((performance.now() - t0) / 1000);
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** llama.cpp's greedy decode of a file: the median tokens/s of `runs` runs of `tokens`, after a warm-up. */
export async function llamaCppRates(lc: LlamaCpp, path: string, threads: number, tokens: number, runs: number): Promise<number> {
  const d = await openLlamaCppDecoder(lc, path, threads, 256);
  try {
    await d.once(Math.min(32, tokens));
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) rates.push(await d.once(tokens));
    return median(rates);
  } finally {
    await d.dispose();
  }
}
