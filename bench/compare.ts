// `wren bench compare`: Wren beside its anchors in ONE interleaved run, so load from other work on
// the machine falls on every engine alike. Decode (greedy from BOS, tokens/s): Wren native and
// WASM, llama2.c's run.c built -Ofast from --runc PATH (its own "achieved tok/s"), and llama.cpp
// through node-llama-cpp (WREN_NODE_LLAMA_CPP, bench/_llama-cpp.ts) on the same weights as an F32
// GGUF; models: stories260K (../shared/data) and the 15M shape with random weights (seed 1) at
// vocab 4096 and 32000. Training (one step: forward + backward + clip + AdamW, tokens/s): Wren
// beside bench/train-pytorch.py when --python names a python with torch. Each round runs every
// engine once (A B C A B C …); each engine's line is its median, and the ratio line gives the
// median over rounds of each round's ratio. An anchor that is not there is skipped with one line
// saying why. Every line carries the ISA, the thread count and the load average.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { createBackend, type Backend } from '../src/engine/backend.ts';
import { nativeAvailable, nativeUnavailableReason } from '../src/engine/native-backend.ts';
import { encodeLlama2cCheckpoint } from '../src/formats/llama2c.ts';
import { parseLlamaConfig, type LlamaConfig } from '../src/nn/config.ts';
import { encodeLlamaGguf } from '../src/nn/gguf-llama.ts';
import { initParameters } from '../src/nn/init.ts';
import { LlamaModel } from '../src/nn/llama.ts';
import { loadModel } from '../src/nn/load.ts';
import { PRESETS } from '../src/nn/presets.ts';
import { Llama2cTokenizer } from '../src/tokenizer/llama2c-tokenizer.ts';
import { timeTrainSteps } from '../src/train/time-step.ts';
import { createTrainingBackend } from '../src/train/trainer.ts';
import { timeDecode } from './_decode.ts';
import { importLlamaCpp, openLlamaCppDecoder } from './_llama-cpp.ts';
import { figureLine, machineLine, median, ranOn, type RanOn } from './_machine.ts';

const run$ = promisify(execFile);
const data = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const trainPytorch = fileURLToPath(new URL('./train-pytorch.py', import.meta.url));
const HELP = 'usage: wren bench compare [--runc PATH] [--python PATH] [--cases NAME,…] [--threads 1,2] [--tokens N] [--rounds R] [--train-steps N] [--no-decode] [--no-train]';
const DECODE_CASES = ['stories260K', 'random-stories15M-v4096', 'random-stories15M'];
const TRAIN_CASES: Record<string, { preset: string; B: number; T: number }> = {
  'stories260K': { preset: 'stories260K', B: 16, T: 512 },
  '15M-v4096': { preset: 'stories15M-v4096', B: 32, T: 256 },
};

/** One engine in a round: `once()` is one timed run, tokens/s. */
type Engine = { name: string; on: RanOn; once(): Promise<number>; dispose(): Promise<void> | void };
type Skip = { name: string; skipped: string };

/** A decode case's files: the model for Wren, a llama2.c checkpoint + tokenizer for run.c, a GGUF for llama.cpp. */
type DecodeFiles = { name: string; make(b: Backend): LlamaModel; checkpoint: string; tokenizer: string; runcPrompt?: string; gguf?: string; context: number };

/** A llama2.c tokenizer.bin for a vocab with no real text behind it (the random 4096 model): llama2.c's
 *  <unk>, BOS, EOS and 256 byte pieces, then " " and "b" (so the prompt "b" encodes), then distinct fillers (llama.cpp asserts on duplicate pieces). */
function syntheticTokenizer(vocab: number): Uint8Array {
  const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
  const pieces = Array.from({ length: vocab }, (_, id) =>
    id === 0 ? '<unk>' : id === 1 ? '\n<s>\n' : id === 2 ? '\n</s>\n' : id < 259 ? hex(id - 3) : id === 259 ? ' ' : id === 260 ? 'b' : `t${id}`);
  const bytes = pieces.map((p) => new TextEncoder().encode(p));
  const out = new Uint8Array(4 + bytes.reduce((n, b) => n + 8 + b.length, 0)), dv = new DataView(out.buffer);
  dv.setInt32(0, Math.max(...bytes.map((b) => b.length)), true);
  let at = 4;
  for (const b of bytes) {
    dv.setFloat32(at, 0, true);
    dv.setInt32(at + 4, b.length, true);
    out.set(b, at + 8);
    at += 8 + b.length;
  }
  return out;
}

/** Writes what the anchors read for a case (into `dir`) with the weights Wren decodes. */
async function decodeFiles(name: string, dir: string, withGguf: boolean): Promise<DecodeFiles | string> {
  let config: LlamaConfig, make: (b: Backend) => LlamaModel, checkpoint: string, tokenizer: string, runcPrompt: string | undefined;
  if (name === 'stories260K') {
    checkpoint = join(data, 'llama2c-stories260K/stories260K.bin');
    tokenizer = join(data, 'llama2c-stories260K/tok512.bin');
    if (!existsSync(checkpoint)) return `not found: ${checkpoint}`;
    make = (b) => loadModel(checkpoint, b, { maxRows: 1 }).model;
    config = parseLlamaConfig(PRESETS.stories260K, name);
  } else {
    const preset = name.replace(/^random-/, '');
    if (!DECODE_CASES.includes(name) || !PRESETS[preset]) return `unknown case (known: ${DECODE_CASES.join(', ')})`;
    const c = config = parseLlamaConfig(PRESETS[preset], preset);
    make = (b) => {
      const m = new LlamaModel(c, b, 1);
      initParameters(m.params, c, 1);
      return m;
    };
    tokenizer = join(data, 'tokenizers/llama2c-32k/tokenizer.bin');
    if (config.vocab_size !== 32000) {
      tokenizer = join(dir, `tok-${config.vocab_size}.bin`);
      writeFileSync(tokenizer, syntheticTokenizer(config.vocab_size));
      runcPrompt = 'b'; // the random model's first greedy token is BOS, where run.c stops; a prompt gets past it
    }
    checkpoint = join(dir, `${name}.bin`);
  }
  if (!existsSync(tokenizer)) return `not found: ${tokenizer}`;
  const holder = await createBackend({ backend: 'reference' }); // holds the weights while the files are written
  try {
    const m = make(holder);
    if (checkpoint.startsWith(dir)) writeFileSync(checkpoint, encodeLlama2cCheckpoint(config, (n) => m.params.view(n), 0));
    let gguf: string | undefined;
    if (withGguf) {
      gguf = join(dir, `${name}.gguf`);
      writeFileSync(gguf, encodeLlamaGguf(m, Llama2cTokenizer.load(tokenizer, config.vocab_size), { type: 'f32', name }).bytes);
    }
    return { name, make, checkpoint, tokenizer, runcPrompt, gguf, context: m.config.max_position_embeddings };
  } finally {
    holder.dispose();
  }
}

/** A runnable run.c: PATH itself when it is an executable, else PATH (run.c source) built -Ofast with OpenMP into `dir`;
 *  `isa` says which, for the figure lines. */
async function prepareRunc(path: string | undefined, dir: string): Promise<{ bin: string; built: string; isa: string } | string> {
  if (!path) return 'give --runc PATH (llama2.c run.c, or a binary built from it)';
  if (!existsSync(path)) return `not found: ${path}`;
  if (!path.endsWith('.c')) {
    try { accessSync(path, constants.X_OK); } catch { return `${path}: not executable (give run.c or a binary)`; }
    return { bin: path, built: 'given binary', isa: `run.c (${basename(path)}, as given)` };
  }
  const bin = join(dir, 'run_ofast');
  const args = ['-Ofast', '-march=native', '-fopenmp', '-o', bin, path, '-lm'];
  try {
    await run$('cc', args);
  } catch (err) {
    return `cc ${args.join(' ')} failed: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0]}`;
  }
  return { bin, built: `cc ${args.join(' ')}`, isa: 'run.c -Ofast -march=native' };
}

/** run.c's greedy decode of `tokens` steps on `threads` OpenMP threads: its own "achieved tok/s" (which leaves out the first token). */
function runcEngine(bin: string, isa: string, f: DecodeFiles, threads: number, tokens: number): Engine {
  const args = [f.checkpoint, '-z', f.tokenizer, '-n', String(tokens), '-t', '0.0', ...(f.runcPrompt ? ['-i', f.runcPrompt] : [])];
  return {
    name: 'run.c -Ofast', on: { isa, threads },
    async once() {
      const { stderr } = await run$(bin, args, { env: { ...process.env, OMP_NUM_THREADS: String(threads) }, maxBuffer: 16 << 20 });
      const m = /achieved tok\/s: ([\d.]+)/.exec(stderr);
      if (!m) throw new Error(`${bin} ${args.join(' ')}: no "achieved tok/s" in its output (${stderr.trim().split('\n').pop()})`);
      return Number(m[1]);
    },
    dispose() {},
  };
}

async function wrenEngine(name: 'native' | 'wasm', f: DecodeFiles, threads: number, tokens: number): Promise<Engine> {
  const backend = await createBackend({ backend: name, threads });
  const model = f.make(backend);
  return { name: `wren ${name}`, on: ranOn(backend), once: async () => timeDecode(model, tokens), dispose: () => backend.dispose() };
}

/** Every engine once per round, in the same order; each engine's median and the median of each round's ratios. */
async function interleave(label: Record<string, unknown>, all: Engine[], rounds: number, unit: string, warmUp = true): Promise<void> {
  const engines: Engine[] = [];
  for (const e of all) { // an engine that fails its first run is skipped, saying why; the others go on
    try {
      if (warmUp) await e.once();
      engines.push(e);
    } catch (err) {
      console.log(JSON.stringify({ ...label, engine: e.name, skipped: (err as Error).message.split('\n')[0] }));
    }
  }
  const rates = engines.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) for (const [i, e] of engines.entries()) rates[i].push(await e.once());
  for (const [i, e] of engines.entries()) console.log(figureLine({ ...label, engine: e.name, rounds, [unit]: Math.round(median(rates[i]) * 10) / 10 }, e.on));
  // Wren's engines over each other engine, and WASM over native
  const ratios: Record<string, number> = {};
  for (const [i, a] of engines.entries()) {
    if (!a.name.startsWith('wren')) continue;
    for (const [j, b] of engines.entries()) {
      if (i === j || (b.name.startsWith('wren') && !(a.name === 'wren wasm' && b.name === 'wren native'))) continue;
      ratios[`${a.name} / ${b.name}`] = +median(rates[i].map((x, r) => x / rates[j][r])).toFixed(3);
    }
  }
  const wren = engines.find((e) => e.name.startsWith('wren'));
  console.log(figureLine({ ...label, ratios, rounds }, { isa: engines.map((e) => e.on.isa).join(' | '), threads: wren?.on.threads ?? 0 }));
}

async function compareDecode(cases: string[], threadCounts: number[], tokensWanted: number, rounds: number, runcPath: string | undefined, dir: string): Promise<void> {
  const runc = await prepareRunc(runcPath, dir);
  if (typeof runc === 'string') console.log(JSON.stringify({ anchor: 'run.c', skipped: runc }));
  else console.log(JSON.stringify({ anchor: 'run.c', binary: runc.bin, built: runc.built }));
  const lc = await importLlamaCpp();
  if (typeof lc === 'string') console.log(JSON.stringify({ anchor: 'llama.cpp', skipped: lc }));
  if (!nativeAvailable()) console.log(JSON.stringify({ engine: 'wren native', skipped: nativeUnavailableReason() }));
  for (const name of cases) {
    const f = await decodeFiles(name, dir, typeof lc !== 'string');
    if (typeof f === 'string') { console.log(JSON.stringify({ case: name, skipped: f })); continue; }
    const tokens = Math.min(tokensWanted, f.context - 6); // llama.cpp's context holds the BOS and every token
    for (const threads of threadCounts) {
      const engines: Engine[] = [];
      try {
        for (const backend of nativeAvailable() ? ['native', 'wasm'] as const : ['wasm'] as const) {
          try {
            engines.push(await wrenEngine(backend, f, threads, tokens));
          } catch (err) {
            console.log(JSON.stringify({ case: name, threads, engine: `wren ${backend}`, skipped: (err as Error).message.split('\n')[0] }));
          }
        }
        if (typeof runc !== 'string') engines.push(runcEngine(runc.bin, runc.isa, f, threads, tokens));
        if (typeof lc !== 'string' && f.gguf) {
          try {
            const d = await openLlamaCppDecoder(lc, f.gguf, threads, f.context);
            engines.push({ name: 'llama.cpp', on: { isa: 'llama.cpp (node-llama-cpp CPU build)', threads }, once: () => d.once(tokens), dispose: () => d.dispose() });
          } catch (err) {
            console.log(JSON.stringify({ case: name, threads, anchor: 'llama.cpp', skipped: (err as Error).message.split('\n')[0] }));
          }
        }
        await interleave({ case: name, bench: 'decode', tokens }, engines, rounds, 'tokens_per_s');
      } finally {
        for (const e of engines) await e.dispose();
      }
    }
  }
}

/** PyTorch's tokens/s for one case and thread count (bench/train-pytorch.py, `steps` timed steps after a warm-up). */
function pytorchEngine(python: string, name: string, threads: number, steps: number): Engine {
  return {
    name: 'pytorch', on: { isa: 'pytorch (CPU)', threads },
    async once() {
      const { stdout } = await run$(python, [trainPytorch, String(steps), name, String(threads)], { maxBuffer: 16 << 20 });
      const row = stdout.trim().split('\n').map((l) => JSON.parse(l) as { case?: string; tokens_per_s?: number }).find((r) => r.case === name);
      if (!row?.tokens_per_s) throw new Error(`${python} ${trainPytorch}: no line for ${name} in its output`);
      return row.tokens_per_s;
    },
    dispose() {},
  };
}

async function compareTraining(python: string | undefined, threadCounts: number[], steps: number, rounds: number): Promise<void> {
  if (!python) { console.log(JSON.stringify({ anchor: 'pytorch', skipped: 'give --python PATH (a python with torch) to compare training' })); return; }
  try {
    const { stdout } = await run$(python, ['-c', 'import torch; print(torch.__version__)']);
    console.log(JSON.stringify({ anchor: 'pytorch', python, torch: stdout.trim() }));
  } catch (err) {
    console.log(JSON.stringify({ anchor: 'pytorch', skipped: `${python} cannot import torch: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').pop()}` }));
    return;
  }
  for (const [name, c] of Object.entries(TRAIN_CASES)) {
    const config = parseLlamaConfig(PRESETS[c.preset], c.preset);
    for (const threads of threadCounts) {
      const backends = await Promise.all((nativeAvailable() ? ['native', 'wasm'] as const : ['wasm'] as const).map((b) => createTrainingBackend(b, threads)));
      try {
        const wren = backends.map((backend): Engine => ({
          name: `wren ${backend.name}`, on: ranOn(backend),
          once: async () => (c.B * c.T) / (median(timeTrainSteps(config, backend, c.B, c.T, steps).ms) / 1000),
          dispose() {},
        }));
        await interleave({ case: name, bench: 'train', batch: `B${c.B}xT${c.T}`, steps }, [...wren, pytorchEngine(python, name, threads, steps)], rounds, 'tokens_per_s', false); // each run warms up its own first step
      } finally {
        for (const b of backends) b.dispose();
      }
    }
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    runc: { type: 'string' }, python: { type: 'string' }, cases: { type: 'string' }, threads: { type: 'string' }, tokens: { type: 'string' },
    rounds: { type: 'string' }, 'train-steps': { type: 'string' }, 'no-decode': { type: 'boolean' }, 'no-train': { type: 'boolean' },
  }, HELP);
  const threadCounts = ((v.threads as string | undefined) ?? '1,2').split(',').map((t) => intFlag(t, 'threads', 1, 1, 16));
  const tokens = intFlag(v.tokens, 'tokens', 256, 2, 4096);
  const rounds = intFlag(v.rounds, 'rounds', 5, 1, 100);
  const cases = ((v.cases as string | undefined) ?? DECODE_CASES.join(',')).split(',');
  console.log(machineLine());
  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-compare-'));
  try {
    if (v['no-decode'] !== true) await compareDecode(cases, threadCounts, tokens, rounds, v.runc as string | undefined, dir);
    if (v['no-train'] !== true) await compareTraining(v.python as string | undefined, threadCounts, intFlag(v['train-steps'], 'train-steps', 2, 1, 100), Math.min(rounds, 3));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
