// `wren bench wasm-builds`: two or more builds of the WebAssembly kernels side by side in one
// process, with the native addon beside them when it is built. Each round runs every engine once,
// the order rotating from round to round (decode: --tokens greedy tokens from BOS; with --prefill N,
// one N-token prompt instead), so the machine's drift falls on all of them alike; prints each engine's
// median tokens/s and the median over rounds of each round's ratio to the first build and to native.
// On a noisy machine this is what tells a kernel change from the weather: separate processes
// minutes apart differ by more than most changes do.
//   wren bench wasm-builds --build old.wasm --build src/kernels/wasm/kernels-relaxed.wasm
// (old.wasm: e.g. `git show HEAD~1:src/kernels/wasm/kernels-relaxed.wasm > old.wasm`, or a build
// made with `WREN_WASM_OUT=dir npm run build:kernels`). A build must export every kernel the
// engine calls; relaxed SIMD and SIMD128 builds both load.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Arena } from '../src/engine/arena.ts';
import type { Backend } from '../src/engine/backend.ts';
import { createNativeBackend, nativeAvailable } from '../src/engine/native-backend.ts';
import { createWasmBackend } from '../src/engine/wasm-backend.ts';
import { loadKernelModule, nodeKernelHost } from '../src/engine/wasm-node.ts';
import type { SimdLevel } from '../src/engine/wasm-host.ts';
import type { LlamaModel } from '../src/nn/llama.ts';
import { PRESETS } from '../src/nn/presets.ts';
import { CliError, intFlag, parseFlags } from '../src/cli/args.ts';
import { figureLine, machineLine, median, ranOn } from './_machine.ts';
import { decodeModel, timeDecode, timePrefill, type DecodeCase } from './_decode.ts';

const stories260K = fileURLToPath(new URL('../../shared/data/llama2c-stories260K/stories260K.bin', import.meta.url));
const HELP = 'usage: wren bench wasm-builds --build A.wasm --build B.wasm … [--case stories260K|random-stories15M-v4096|random-stories15M] [--threads N] [--rounds R] [--tokens N] [--prefill N]';

type Engine = { name: string; backend: Backend; model: LlamaModel };

/** The case as bench/_decode.ts takes it: stories260K's bytes, or a preset with random weights. */
function decodeCase(kase: string): DecodeCase {
  const base = { name: kase, threads: 1, tokens: 0, runs: 0 };
  if (kase === 'stories260K') {
    if (!existsSync(stories260K)) throw new CliError(`stories260K: not found: ${stories260K}`);
    return { ...base, bytes: readFileSync(stories260K) };
  }
  const preset = kase.replace(/^random-/, '');
  if (!kase.startsWith('random-') || !PRESETS[preset]) throw new CliError(`--case: unknown case '${kase}' (stories260K, random-stories15M-v4096, random-stories15M)`);
  return { ...base, preset };
}

/** A build compiled, or a clear error naming it. The level only names the backend; a figure's
 *  line says 'wasm (given build)' and the path. */
function compileBuild(path: string): { module: WebAssembly.Module; simd: SimdLevel } {
  if (!existsSync(path)) throw new CliError(`--build: not found: ${path}`);
  try {
    return { module: new WebAssembly.Module(readFileSync(path)), simd: 'relaxed-simd' };
  } catch (err) {
    throw new CliError(`--build ${path}: not a WebAssembly module this runtime compiles (${(err as Error).message})`);
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    build: { type: 'string', multiple: true }, case: { type: 'string' }, threads: { type: 'string' },
    rounds: { type: 'string' }, tokens: { type: 'string' }, prefill: { type: 'string' },
  }, HELP);
  const builds = (v.build as string[] | undefined) ?? [];
  if (builds.length < 1) throw new CliError(`${HELP}\n(give at least one --build; two to compare)`);
  const kase = (v.case as string | undefined) ?? 'random-stories15M-v4096';
  const threads = intFlag(v.threads, 'threads', 2, 1, 16);
  const rounds = intFlag(v.rounds, 'rounds', 15, 1, 1000);
  const tokens = intFlag(v.tokens, 'tokens', 128, 1, 100_000);
  const prefill = v.prefill === undefined ? 0 : intFlag(v.prefill, 'prefill', 64, 1, 100_000);
  loadKernelModule(); // switches relaxed SIMD on in this V8 where it needs a flag, before any build compiles
  const modules = builds.map(compileBuild), c = decodeCase(kase); // every path and the case checked before any model is made
  console.log(machineLine());

  const rows = prefill ? 64 : 1;
  const engines: Engine[] = [];
  if (nativeAvailable()) {
    const backend = await createNativeBackend(new Arena(), threads);
    engines.push({ name: 'native', backend, model: decodeModel(c, backend, rows) });
  }
  for (const [i, path] of builds.entries()) {
    const backend = await createWasmBackend(new Arena(), threads, { host: { ...nodeKernelHost, loadKernelModule: async () => modules[i] } });
    engines.push({ name: path, backend, model: decodeModel(c, backend, rows) });
  }
  const context = engines[0].model.contextLength, decodeTokens = Math.min(tokens, context);
  const prompt = Array.from({ length: prefill }, (_, i) => 1 + (i * 7919) % (engines[0].model.config.vocab_size - 1));
  if (prefill > context) throw new CliError(`--prefill ${prefill} exceeds the model's context length ${context}`);
  const once = (e: Engine): number => (prefill ? timePrefill(e.model, prompt) : timeDecode(e.model, decodeTokens));
  for (const e of engines) once(e); // warm-up
  const rates = engines.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) { // the order rotates each round, so no engine always goes first
    for (let j = 0; j < engines.length; j++) {
      const i = (j + r) % engines.length;
      rates[i].push(once(engines[i]));
    }
  }

  const firstBuild = engines.findIndex((e) => e.name !== 'native');
  const native = engines.findIndex((e) => e.name === 'native');
  const ratio = (i: number, j: number) => +median(rates[i].map((x, r) => x / rates[j][r])).toFixed(3);
  for (const [i, e] of engines.entries()) {
    console.log(figureLine({
      case: kase, bench: prefill ? `prefill ${prefill}` : `decode ${decodeTokens}`, engine: e.name, rounds,
      tokens_per_s: Math.round(median(rates[i])),
      ...(e.name !== 'native' && i !== firstBuild ? { vs_first_build: ratio(i, firstBuild) } : {}),
      ...(e.name !== 'native' && native >= 0 ? { vs_native: ratio(i, native) } : {}),
    }, e.name === 'native' ? ranOn(e.backend) : { isa: 'wasm (given build)', threads }));
  }
  for (const e of engines) e.backend.dispose();
}
