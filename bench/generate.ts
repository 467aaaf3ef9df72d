// `wren bench generate`: decoding speed (tokens/s) for stories260K (real weights, from
// ../shared/data) and random models of the 15M shape with vocab 4096 and 32000, at 1 and 2 threads.
// Each case generates 256 tokens from BOS; prints the median of several runs, one JSON line a case.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createBackend, type BackendName } from '../src/engine/backend.ts';
import { parseLlamaConfig } from '../src/nn/config.ts';
import { initParameters } from '../src/nn/init.ts';
import { LlamaModel } from '../src/nn/llama.ts';
import { loadModel } from '../src/nn/load.ts';
import { PRESETS } from '../src/nn/presets.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { machineLine, median } from './_machine.ts';
import { timeDecode } from './_decode.ts';

const stories260K = fileURLToPath(new URL('../../shared/data/llama2c-stories260K/stories260K.bin', import.meta.url));
const HELP = 'usage: wren bench generate [--backend native|wasm|reference] [--tokens N] [--runs R] [--threads 1,2]';

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    backend: { type: 'string' }, tokens: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' },
  }, HELP);
  const tokens = intFlag(v.tokens, 'tokens', 256, 1, 4096);
  const runs = intFlag(v.runs, 'runs', 5, 1, 100);
  const threadCounts = ((v.threads as string | undefined) ?? '1,2').split(',').map((t) => intFlag(t, 'threads', 1, 1, 16));
  console.log(machineLine());
  const cases: { name: string; make: (b: Awaited<ReturnType<typeof createBackend>>) => LlamaModel }[] = [];
  if (existsSync(stories260K)) cases.push({ name: 'stories260K', make: (b) => loadModel(stories260K, b, { maxRows: 1 }).model });
  else console.log(JSON.stringify({ case: 'stories260K', skipped: `not found: ${stories260K}` }));
  for (const preset of ['stories15M-v4096', 'stories15M']) {
    cases.push({
      name: `random-${preset}`,
      make: (b) => {
        const config = parseLlamaConfig(PRESETS[preset], preset);
        const m = new LlamaModel(config, b, 1);
        initParameters(m.params, config, 1);
        return m;
      },
    });
  }
  for (const c of cases) {
    for (const threads of threadCounts) {
      const backend = await createBackend({ backend: v.backend as BackendName | undefined, threads });
      try {
        const model = c.make(backend);
        timeDecode(model, Math.min(tokens, 32)); // warm-up
        const rates = Array.from({ length: runs }, () => timeDecode(model, tokens));
        console.log(JSON.stringify({ case: c.name, backend: backend.name, threads, tokens, tokens_per_s: Math.round(median(rates) * 10) / 10 }));
      } finally {
        backend.dispose();
      }
    }
  }
}
