// wren bench guard [--guard DIR…] [--prompts N] [--requests N] [--max-tokens N]
// The guard's speed: prompts checked per second (batched, and one at a time with p50/p99), on
// XSTest and support prompts; then the latency a guard adds to `wren serve` requests over
// stories260K (the same greedy completion of an ordinary support prompt with and without --guard,
// runs interleaved so machine load falls on both; non-streamed total and streamed time to first
// token, medians). The output check holds tokens back until `stride` characters (64) are checked,
// so a guarded stream's first token waits for those characters: that is most of its added TTFT.
// Without --guard, a linear guard is trained on ../shared/data first (seconds).
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { createBackend } from '../src/engine/backend.ts';
import { assembleGuardData } from '../src/safety/guard-data.ts';
import { Guard } from '../src/safety/guard-model.ts';
import { trainGuard } from '../src/safety/train-guard.ts';
import { defaultGuardPolicy } from '../src/serve/guard-policy.ts';
import { Moderation } from '../src/serve/moderation.ts';
import { ServedModel } from '../src/serve/served-model.ts';
import { WrenServer } from '../src/serve/server.ts';
import { autoOn, figureLine, jsOn, machineLine, median, ranOn } from './_machine.ts';

const shared = new URL('../../shared/data/', import.meta.url).pathname;
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, { guard: { type: 'string', multiple: true }, prompts: { type: 'string' }, requests: { type: 'string' }, 'max-tokens': { type: 'string' } },
    'usage: wren bench guard [--guard DIR…] [--prompts N] [--requests N] [--max-tokens N]');
  const nPrompts = intFlag(v.prompts, 'prompts', 400, 1), nRequests = intFlag(v.requests, 'requests', 20, 1), maxTokens = intFlag(v['max-tokens'], 'max-tokens', 32, 1);
  console.log(machineLine());
  const tmp = mkdtempSync(join(tmpdir(), 'wren-bench-guard-'));
  const rows = await assembleGuardData([shared], { maxPerSource: Infinity });
  const prompts = rows.filter((r) => r.role === 'prompt' && r.split === 'test' && (r.source.startsWith('xstest') || r.source === 'tasks_support')).map((r) => r.text).slice(0, nPrompts);
  let dirs = (v.guard as string[] | undefined) ?? [];
  if (dirs.length === 0) {
    const g = await trainGuard(await assembleGuardData([shared]), { kind: 'linear' });
    g.save(join(tmp, 'linear'));
    g.close();
    dirs = [join(tmp, 'linear')];
  }
  try {
    for (const dir of dirs) {
      const guard = await Guard.load(dir);
      guard.check(prompts.slice(0, 16), 'prompt'); // warm-up
      const batched: number[] = [];
      for (let rep = 0; rep < 3; rep++) { const t0 = performance.now(); guard.check(prompts, 'prompt'); batched.push((performance.now() - t0) / 1000); }
      const single: number[] = [];
      for (const p of prompts) { const t0 = performance.now(); guard.check([p], 'prompt'); single.push(performance.now() - t0); }
      console.log(figureLine({ guard: dir, kind: guard.kind, prompts: prompts.length, batchedPromptsPerSecond: Math.round(prompts.length / median(batched)),
        oneAtATime: { promptsPerSecond: Math.round((1000 * single.length) / single.reduce((x, y) => x + y, 0)), p50ms: +median(single).toFixed(3), p99ms: +pct(single, 0.99).toFixed(3) } }, guard.kind === 'linear' ? jsOn() : autoOn(os.availableParallelism())));
      // ordinary prompts only, so both servers answer every request and the pairs compare like with like
      const ordinary = rows.filter((r) => r.role === 'prompt' && r.split === 'test' && r.source === 'tasks_support').map((r) => r.text);
      const { on, ...serve } = await serveLatency(guard, ordinary, nRequests, maxTokens);
      console.log(figureLine({ guard: dir, kind: guard.kind, serve }, on));
      guard.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function serveLatency(guard: Guard, prompts: string[], n: number, maxTokens: number) {
  const backend = await createBackend({ threads: 2 });
  const load = () => ServedModel.load(join(shared, 'llama2c-stories260K/stories260K.bin'), backend, { tokenizer: join(shared, 'llama2c-stories260K/tok512.bin'), parallel: 1, queueLimit: 8 });
  const plain = new WrenServer({ models: [load()] }), guarded = new WrenServer({ models: [load()], moderation: new Moderation(guard, defaultGuardPolicy()) });
  const urls = [await plain.listen(0, '127.0.0.1'), await guarded.listen(0, '127.0.0.1')];
  const total: number[][] = [[], []], ttft: number[][] = [[], []];
  let blocked = 0;
  try {
    for (let i = 0; i < n; i++) {
      for (const k of [0, 1]) { // interleaved
        const body = { prompt: prompts[i % prompts.length], max_tokens: maxTokens, temperature: 0 };
        let t0 = performance.now();
        const r = await fetch(`${urls[k]}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        await r.json();
        if (r.status !== 200) { blocked++; continue; } // counted; its pair still ran the model
        total[k].push(performance.now() - t0);
        t0 = performance.now();
        const s = await fetch(`${urls[k]}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }) });
        const reader = s.body!.getReader();
        let first = -1;
        for (;;) { const c = await reader.read(); if (c.done) break; if (first < 0 && new TextDecoder().decode(c.value).includes('"text":"')) first = performance.now() - t0; }
        ttft[k].push(first);
      }
    }
  } finally {
    await plain.drain(1000); await guarded.drain(1000);
    backend.dispose();
  }
  const m = (xs: number[]) => +median(xs).toFixed(2);
  return { on: ranOn(backend), requests: n, maxTokens, blockedByGuard: blocked, totalMs: { without: m(total[0]), with: m(total[1]), added: +(m(total[1]) - m(total[0])).toFixed(2) },
    streamTtftMs: { without: m(ttft[0]), with: m(ttft[1]), added: +(m(ttft[1]) - m(ttft[0])).toFixed(2) } };
}
