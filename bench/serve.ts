// `wren bench serve`: `wren serve` as users run it (a child process, loopback HTTP, SSE streams)
// on the stories15M shape (random weights; Llama 2's 32k tokenizer). For 1, 4, 16 and 32
// concurrent streams: aggregate decode tokens/s, time to first token p50/p99, and the server's
// RSS before and after (from its /metrics). Two samplings: greedy, and llama.cpp's defaults
// (temperature 1, top-k 40, top-p 0.95). Plain top-p on a random model's flat distribution keeps
// ~90% of 32k tokens in the nucleus, a cost a trained model's peaked one never has, so it is not
// the default here (`--sampling top-p` measures it). `--soak S` then runs 32 streams for S seconds
// and reports errors and RSS after the first minute against the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { figureLine, machineLine, median, ranOnDescription, type RanOn } from './_machine.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const tokenizer = fileURLToPath(new URL('../../shared/data/tokenizers/llama2c-32k/tokenizer.bin', import.meta.url));
const HELP = 'usage: wren bench serve [--streams 1,4,16,32] [--sampling greedy,llama-defaults,top-p] [--tokens N] [--runs R] [--threads N] [--backend NAME] [--soak SECONDS]';

const SAMPLINGS: Record<string, object> = {
  'greedy': { temperature: 0 },
  'llama-defaults': { temperature: 1, top_k: 40, top_p: 0.95 },
  'top-p': { temperature: 1, top_p: 0.9 },
};

type Stream = { tokens: number; ttftMs: number; ok: boolean };

/** One streamed completion: its tokens (from the usage chunk) and the time to its first text. */
async function stream(url: string, tokens: number, seed: number, sampling: object): Promise<Stream> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/v1/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: tokens, ...sampling, seed, stream: true, stream_options: { include_usage: true } }),
    });
    if (res.status !== 200) return { tokens: 0, ttftMs: 0, ok: false };
    let n = 0, ttft = 0, buf = '', done = false;
    const decoder = new TextDecoder();
    for await (const part of res.body! as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(part, { stream: true });
      let at;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, at);
        buf = buf.slice(at + 2);
        if (event === 'data: [DONE]') { done = true; continue; }
        const chunk = JSON.parse(event.slice(6));
        if (chunk.usage) n = chunk.usage.completion_tokens;
        else if (chunk.choices[0]?.text && !ttft) ttft = performance.now() - t0;
      }
    }
    return { tokens: n, ttftMs: ttft, ok: done };
  } catch {
    return { tokens: 0, ttftMs: 0, ok: false };
  }
}

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^wren_process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? NaN);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function startServer(model: string, parallel: number, threads: string | undefined, backend: string | undefined): Promise<{ child: ChildProcess; url: string; on: RanOn }> {
  const args = [join(repo, 'bin/wren.js'), 'serve', '--model', model, '--port', '0', '--parallel', String(parallel), '--queue', '256'];
  if (threads) args.push('--threads', threads);
  if (backend) args.push('--backend', backend);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let on: RanOn = { isa: 'unknown (the server did not say)', threads: Number(threads ?? 0) };
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l);
      if (m) resolve(m[1]);
      else if (l.startsWith('wren serve: native') || l.startsWith('wren serve: wasm') || l.startsWith('wren serve: reference')) {
        console.log(JSON.stringify({ server: l.slice(12) }));
        on = ranOnDescription(l.slice(12));
      }
    });
    child.on('exit', (code) => reject(new Error(`wren serve exited (${code})`)));
  });
  return { child, url, on };
}

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    streams: { type: 'string' }, tokens: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' },
    backend: { type: 'string' }, soak: { type: 'string' }, sampling: { type: 'string' },
  }, HELP);
  const samplings = ((v.sampling as string | undefined) ?? 'greedy,llama-defaults').split(',');
  for (const s of samplings) if (!SAMPLINGS[s]) throw new Error(`unknown --sampling ${s} (known: ${Object.keys(SAMPLINGS).join(', ')})`);
  const counts = ((v.streams as string | undefined) ?? '1,4,16,32').split(',').map((s) => intFlag(s, 'streams', 1, 1, 256));
  const tokens = intFlag(v.tokens, 'tokens', 128, 1, 240);
  const runs = intFlag(v.runs, 'runs', 3, 1, 50);
  const soak = intFlag(v.soak, 'soak', 0, 0, 24 * 3600);
  console.log(machineLine());

  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-serve-'));
  const init = spawn(process.execPath, [join(repo, 'bin/wren.js'), 'init', '--preset', 'stories15M', '--out', join(dir, 'stories15M'), '--tokenizer', tokenizer], { stdio: 'inherit' });
  await new Promise((r) => init.on('exit', r));
  const { child, url, on } = await startServer(join(dir, 'stories15M'), Math.max(...counts, soak ? 32 : 1), v.threads as string | undefined, v.backend as string | undefined);
  try {
    await stream(url, 8, 0, SAMPLINGS.greedy); // warm up
    const rssBefore = await rss(url);
    for (const name of samplings) {
      let single = 0;
      for (const c of counts) {
        const rates: number[] = [], ttfts: number[] = [];
        let errors = 0;
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          const got = await Promise.all(Array.from({ length: c }, (_, i) => stream(url, tokens, r * 1000 + i, SAMPLINGS[name])));
          const seconds = (performance.now() - t0) / 1000;
          rates.push(got.reduce((s, g) => s + g.tokens, 0) / seconds);
          ttfts.push(...got.map((g) => g.ttftMs));
          errors += got.filter((g) => !g.ok).length;
        }
        const rate = median(rates);
        if (c === 1) single = rate;
        console.log(figureLine({
          case: `${c} streams`, sampling: name, tokens_per_stream: tokens, aggregate_tok_s: +rate.toFixed(1),
          vs_single: single ? +(rate / single).toFixed(2) : null,
          ttft_p50_ms: +percentile(ttfts, 0.5).toFixed(1), ttft_p99_ms: +percentile(ttfts, 0.99).toFixed(1), errors, runs,
        }, on));
      }
    }
    console.log(figureLine({ rss_before_mb: +(rssBefore / 2 ** 20).toFixed(1), rss_after_mb: +((await rss(url)) / 2 ** 20).toFixed(1) }, on));
    if (soak) await soakTest(url, soak, tokens, on);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 32 streams, each re-issued as soon as it ends, for `seconds`; RSS sampled every 10 s. */
async function soakTest(url: string, seconds: number, tokens: number, on: RanOn): Promise<void> {
  const end = performance.now() + seconds * 1000, start = performance.now();
  let errors = 0, requests = 0, generated = 0, rssAtMinute = NaN;
  const samples: number[] = [];
  const sampler = setInterval(async () => {
    const r = await rss(url);
    samples.push(r);
    if (Number.isNaN(rssAtMinute) && performance.now() - start >= 60_000) rssAtMinute = r;
  }, 10_000);
  await Promise.all(Array.from({ length: 32 }, async (_, i) => {
    for (let k = 0; performance.now() < end; k++) {
      const g = await stream(url, tokens, i * 100_000 + k, SAMPLINGS['llama-defaults']);
      requests++;
      generated += g.tokens;
      if (!g.ok) errors++;
    }
  }));
  clearInterval(sampler);
  const rssEnd = await rss(url);
  console.log(figureLine({
    case: 'soak, 32 streams', seconds, requests, errors, tokens: generated,
    rss_after_1min_mb: +(rssAtMinute / 2 ** 20).toFixed(1), rss_end_mb: +(rssEnd / 2 ** 20).toFixed(1),
    rss_growth_pct: +((rssEnd / rssAtMinute - 1) * 100).toFixed(2), rss_max_mb: +(Math.max(...samples) / 2 ** 20).toFixed(1),
  }, on));
}
