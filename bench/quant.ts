// `wren bench quant`: decoding speed (tokens/s) of F32, Q8_0 and Q4_0 weights on the stories15M
// shape (random init, vocab 32000 with llama2.c's 32K tokenizer from ../shared/data) at 1 and 2
// threads, on the native and WASM backends, beside llama.cpp (node-llama-cpp, found through
// WREN_NODE_LLAMA_CPP or from the repo) decoding the very same GGUF files in the same run.
// Each case decodes --tokens tokens from BOS, --runs times; the median is printed, one JSON line a
// case, after a line saying the machine, the CPU's vector ISA and what each backend compiled in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type BackendName } from '../src/engine/backend.ts';
import { nativeSimd } from '../src/engine/native-backend.ts';
import { parseLlamaConfig } from '../src/nn/config.ts';
import { encodeLlamaGguf, type GgufExportType } from '../src/nn/gguf-llama.ts';
import { initParameters } from '../src/nn/init.ts';
import { LlamaModel } from '../src/nn/llama.ts';
import { loadModel } from '../src/nn/load.ts';
import { PRESETS } from '../src/nn/presets.ts';
import { Llama2cTokenizer } from '../src/tokenizer/llama2c-tokenizer.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { cpuIsa, figureLine, machineLine, median, ranOn } from './_machine.ts';
import { importLlamaCpp, llamaCppRates } from './_llama-cpp.ts';

const tokenizer32k = fileURLToPath(new URL('../../shared/data/tokenizers/llama2c-32k/tokenizer.bin', import.meta.url));
const HELP = 'usage: wren bench quant [--tokens N] [--runs R] [--threads 1,2] [--backends native,wasm] [--types f32,q8_0,q4_0] [--no-llama-cpp]';

/** Greedy decode of `tokens` tokens from BOS; tokens/s of the loop. */
function timeDecode(model: LlamaModel, tokens: number): number {
  model.reset();
  const V = model.config.vocab_size;
  const t0 = performance.now();
  let token = 1;
  for (let i = 0; i < tokens; i++) {
    const l = model.backend.arena.f32At(model.forward([token]), V);
    let best = 0;
    for (let j = 1; j < V; j++) if (l[j] > l[best]) best = j;
    token = best;
  }
  return tokens / ((performance.now() - t0) / 1000);
}

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    tokens: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' }, backends: { type: 'string' }, types: { type: 'string' },
    'no-llama-cpp': { type: 'boolean' },
  }, HELP);
  const tokens = intFlag(v.tokens, 'tokens', 128, 1, 250); // the 15M shape's context is 256
  const runs = intFlag(v.runs, 'runs', 5, 1, 100);
  const threadCounts = ((v.threads as string | undefined) ?? '1,2').split(',').map((t) => intFlag(t, 'threads', 1, 1, 16));
  const backends = ((v.backends as string | undefined) ?? 'native,wasm').split(',') as BackendName[];
  const types = ((v.types as string | undefined) ?? 'f32,q8_0,q4_0').split(',') as GgufExportType[];
  console.log(machineLine());
  console.log(JSON.stringify({ cpu_isa: cpuIsa(), native_simd: nativeSimd() }));

  // One random stories15M, written once per type: Wren and llama.cpp read the same files.
  const dir = mkdtempSync(join(os.tmpdir(), 'wren-bench-quant-'));
  try {
    const config = parseLlamaConfig(PRESETS.stories15M, 'stories15M');
    const tokenizer = Llama2cTokenizer.load(tokenizer32k, config.vocab_size);
    const holder = await createBackend({ backend: 'reference' });
    const files = new Map<GgufExportType, string>();
    try {
      const m = new LlamaModel(config, holder, 1);
      initParameters(m.params, config, 1);
      for (const type of types) {
        const path = join(dir, `stories15M-${type}.gguf`);
        const { bytes } = encodeLlamaGguf(m, tokenizer, { type, name: 'random-stories15M' });
        writeFileSync(path, bytes);
        files.set(type, path);
        console.log(JSON.stringify({ file: type, mb: +(bytes.length / 1e6).toFixed(2) }));
      }
    } finally {
      holder.dispose();
    }
    const lc = v['no-llama-cpp'] ? 'skipped (--no-llama-cpp)' : await importLlamaCpp();
    for (const [type, path] of files) {
      for (const threads of threadCounts) {
        for (const name of backends) {
          let backend;
          try {
            backend = await createBackend({ backend: name, threads });
          } catch (err) {
            console.log(JSON.stringify({ type, backend: name, threads, skipped: (err as Error).message }));
            continue;
          }
          try {
            const { model } = loadModel(path, backend, { maxRows: 1 });
            timeDecode(model, Math.min(tokens, 32)); // warm-up
            const rates = Array.from({ length: runs }, () => timeDecode(model, tokens));
            console.log(figureLine({ type, engine: 'wren', backend: backend.description, tokens, tokens_per_s: Math.round(median(rates) * 10) / 10 }, ranOn(backend)));
          } finally {
            backend.dispose();
          }
        }
        if (typeof lc === 'string') console.log(JSON.stringify({ type, engine: 'llama.cpp', threads, skipped: lc }));
        else console.log(figureLine({ type, engine: 'llama.cpp (node-llama-cpp)', tokens, tokens_per_s: Math.round((await llamaCppRates(lc, path, threads, tokens, runs)) * 10) / 10 }, { isa: 'llama.cpp prebuilt CPU', threads }));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
