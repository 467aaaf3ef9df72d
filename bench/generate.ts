// `wren bench generate`: decoding speed (tokens/s) for stories260K (real weights, from
// ../shared/data) and random models of the 15M shape with vocab 4096 and 32000, at 1 and 2 threads.
// Each case generates 256 tokens from BOS; the thread counts' runs alternate (A B A B …), so load
// from other work falls on each alike; prints the median, one JSON line a case and thread count.
// --profile: where a token's time goes instead (bench/_profile.ts): per op kind, per layer, the
// calls split across threads (hand-offs) and the time outside kernels, as µs per token, summed
// over all runs; read the 1- and 2-thread lines side by side. --fan-out-ns A,B,… runs each split
// threshold (src/engine/fan-out.ts; `default` is the backend's own) as its own side in the rotation.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Arena } from '../src/engine/arena.ts';
import { createBackend, type Backend, type BackendName } from '../src/engine/backend.ts';
import { createNativeBackend, nativeAvailable } from '../src/engine/native-backend.ts';
import { createWasmBackend } from '../src/engine/wasm-backend.ts';
import { parseLlamaConfig } from '../src/nn/config.ts';
import { initParameters } from '../src/nn/init.ts';
import { LlamaModel } from '../src/nn/llama.ts';
import { loadModel } from '../src/nn/load.ts';
import { PRESETS } from '../src/nn/presets.ts';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { figureLine, machineLine, median, ranOn } from './_machine.ts';
import { timeDecode } from './_decode.ts';
import { ProfilingBackend, type OpTotal } from './_profile.ts';

const stories260K = fileURLToPath(new URL('../../shared/data/llama2c-stories260K/stories260K.bin', import.meta.url));
const HELP = 'usage: wren bench generate [--backend native|wasm|reference] [--tokens N] [--runs R] [--threads 1,2] [--case NAME] [--profile] [--fan-out-ns default,N,…]';

type Case = { name: string; make: (b: Backend) => LlamaModel };

function cases(): Case[] {
  const out: Case[] = [];
  if (existsSync(stories260K)) out.push({ name: 'stories260K', make: (b) => loadModel(stories260K, b, { maxRows: 1 }).model });
  else console.log(JSON.stringify({ case: 'stories260K', skipped: `not found: ${stories260K}` }));
  for (const preset of ['stories15M-v4096', 'stories15M']) {
    out.push({
      name: `random-${preset}`,
      make: (b) => {
        const config = parseLlamaConfig(PRESETS[preset], preset);
        const m = new LlamaModel(config, b, 1);
        initParameters(m.params, config, 1);
        return m;
      },
    });
  }
  return out;
}

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    backend: { type: 'string' }, tokens: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' }, case: { type: 'string' },
    profile: { type: 'boolean' }, 'fan-out-ns': { type: 'string' },
  }, HELP);
  const tokens = intFlag(v.tokens, 'tokens', 256, 1, 4096);
  const runs = intFlag(v.runs, 'runs', 5, 1, 100);
  const threadCounts = ((v.threads as string | undefined) ?? '1,2').split(',').map((t) => intFlag(t, 'threads', 1, 1, 16));
  const profile = v.profile === true;
  const fanOuts = ((v['fan-out-ns'] as string | undefined) ?? 'default').split(',').map((x) => (x === 'default' ? undefined : intFlag(x, 'fan-out-ns', 0, 0, 1e9)));
  console.log(machineLine());
  for (const c of cases().filter((x) => !v.case || x.name === v.case)) {
    const sides: { backend: Backend; fanOutNs?: number; prof?: ProfilingBackend; model: LlamaModel; rates: number[]; seconds: number }[] = [];
    try {
      for (const threads of threadCounts) {
        for (const fanOutNs of fanOuts) {
          const backend = await makeBackend(v.backend as BackendName | undefined, threads, fanOutNs);
          const prof = profile ? new ProfilingBackend(backend, fanOutNs) : undefined;
          const model = c.make(prof ?? backend);
          if (prof) prof.nLayers = model.config.num_hidden_layers;
          sides.push({ backend, fanOutNs, prof, model, rates: [], seconds: 0 });
          timeDecode(model, Math.min(tokens, 32)); // warm-up
          prof?.reset();
        }
      }
      for (let r = 0; r < runs; r++) {
        for (const s of sides) {
          const rate = timeDecode(s.model, tokens);
          s.rates.push(rate);
          s.seconds += tokens / rate;
        }
      }
      for (const s of sides) {
        const on = ranOn(s.backend);
        const base = { case: c.name, backend: s.backend.name, tokens, runs, ...(s.fanOutNs !== undefined ? { fan_out_ns: s.fanOutNs } : {}) };
        if (!s.prof) {
          console.log(figureLine({ ...base, tokens_per_s: Math.round(median(s.rates) * 10) / 10 }, on));
          continue;
        }
        printProfile(base, s.prof, s.seconds, tokens * runs, on);
      }
    } finally {
      for (const s of sides) s.backend.dispose();
    }
  }
}

/** The backend `createBackend` would pick, or the one named, with a split threshold other than its own when given. */
async function makeBackend(name: BackendName | undefined, threads: number, fanOutNs: number | undefined): Promise<Backend> {
  if (fanOutNs === undefined) return createBackend({ backend: name, threads });
  const arena = new Arena();
  if ((name ?? 'native') === 'native' && nativeAvailable()) return createNativeBackend(arena, threads, { fanOutNs });
  if (name === 'native') throw new Error('--fan-out-ns with --backend native: the native addon is not available');
  return createWasmBackend(arena, threads, { fanOutNs });
}

/** One line per op kind and per layer (µs a token, calls and hand-offs a token, share of the token), then the total. */
function printProfile(base: Record<string, unknown>, prof: ProfilingBackend, seconds: number, n: number, on: ReturnType<typeof ranOn>): void {
  const tokenUs = (seconds * 1e6) / n;
  const line = (kind: string, t: OpTotal) => console.log(figureLine({
    ...base, profile: kind, [kind]: t.op, us_per_token: +(t.ns / 1e3 / n).toFixed(2), calls_per_token: +(t.calls / n).toFixed(2),
    hand_offs_per_token: +(t.splitCalls / n).toFixed(2), share: +(t.ns / 1e3 / n / tokenUs).toFixed(3),
  }, on));
  const byTime = (m: Map<string, OpTotal>) => [...m.values()].sort((a, b) => b.ns - a.ns);
  for (const t of byTime(prof.ops)) line('op', t);
  for (const t of prof.layers.values()) line('layer', t);
  const kernelNs = [...prof.ops.values()].reduce((s, t) => s + t.ns, 0);
  const handOffs = [...prof.ops.values()].reduce((s, t) => s + t.splitCalls, 0);
  const calls = [...prof.ops.values()].reduce((s, t) => s + t.calls, 0);
  console.log(figureLine({
    ...base, profile: 'total', tokens_per_s: +(n / seconds).toFixed(1), us_per_token: +tokenUs.toFixed(2),
    kernels_us_per_token: +(kernelNs / 1e3 / n).toFixed(2), outside_kernels_us_per_token: +(tokenUs - kernelNs / 1e3 / n).toFixed(2),
    calls_per_token: +(calls / n).toFixed(2), hand_offs_per_token: +(handOffs / n).toFixed(2),
  }, on));
}
