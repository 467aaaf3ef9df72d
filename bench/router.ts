// `wren bench router`: what routing costs per request. For each policy, the latency of scoring one
// prompt at a time (as the server does: p50 and p99 over --prompts MMLU prompts) and the rate of
// scoring them all in one call (prompts/s, batched where the policy batches). Routers are trained
// here on the other MMLU subjects (the classifier small: 1 epoch, 64 tokens, C = 32, one layer)
// unless --router DIR names one to measure too. Prints the machine first, then one JSON line per
// policy with the load average, so numbers from a busy machine say so. The batched rate is the
// median of three calls.
// Options: --prompts N (default 500), --router DIR, --threads N (classifier training, default 1)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, parseFlags } from '../src/cli/args.ts';
import { defaultThreads } from '../src/engine/backend.ts';
import { loadRouter } from '../src/router/load.ts';
import type { Router } from '../src/router/router.ts';
import { readRoutingData } from '../src/router/routing-data.ts';
import { trainRouter } from '../src/router/train.ts';
import { autoOn, figureLine, jsOn, machineLine, median, type RanOn } from './_machine.ts';

const data = fileURLToPath(new URL('../../shared/data/router', import.meta.url));
const BENCH_SUBJECTS = ['high_school_psychology']; // the measured prompts; never trained on

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function measure(name: string, router: Router, prompts: string[], on: RanOn): Promise<void> {
  await router.scoreAll(prompts.slice(0, 16)); // warm-up
  const lat: number[] = [];
  for (const p of prompts) {
    const t0 = performance.now();
    await router.scoreAll([p]);
    lat.push(performance.now() - t0);
  }
  const batch: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    await router.scoreAll(prompts);
    batch.push((performance.now() - t0) / 1000);
  }
  const batchSeconds = median(batch);
  console.log(figureLine({
    policy: name, prompts: prompts.length, p50Ms: +percentile(lat, 0.5).toFixed(4), p99Ms: +percentile(lat, 0.99).toFixed(4),
    onePerCallPromptsPerSecond: +(1000 * prompts.length / lat.reduce((a, b) => a + b, 0)).toFixed(1),
    batchedPromptsPerSecond: +(prompts.length / batchSeconds).toFixed(1),
  }, on));
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { prompts: { type: 'string' }, router: { type: 'string' }, threads: { type: 'string' } },
    'usage: wren bench router [--prompts N] [--router DIR] [--threads N]');
  const n = intFlag(values.prompts, 'prompts', 500, 10, 100000);
  console.log(machineLine());
  const rows = readRoutingData([data]);
  const prompts = rows.filter((r) => BENCH_SUBJECTS.includes(r.subject)).slice(0, n).map((r) => r.prompt);
  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-router-'));
  try {
    const classifierOptions = { epochs: 1, maxLen: 64, hidden: 32, layers: 1, threads: intFlag(values.threads, 'threads', 1, 1, 16) };
    for (const policy of ['random', 'heuristic', 'linear', 'classifier'] as const) {
      const out = join(dir, policy);
      const t0 = performance.now();
      const trained = await trainRouter({ data: [data], out, policy, holdOut: BENCH_SUBJECTS, options: policy === 'classifier' ? classifierOptions : {} });
      await trained.router?.close();
      const trainSeconds = (performance.now() - t0) / 1000;
      const { router } = await loadRouter(out);
      try {
        // trained on --threads; a loaded classifier scores on the default backend (all cores)
        const [trainOn, scoreOn] = policy === 'classifier' ? [autoOn(classifierOptions.threads), autoOn(await defaultThreads())] : [jsOn(), jsOn()];
        if (policy === 'classifier' || policy === 'linear') console.log(figureLine({ policy, trainSeconds: +trainSeconds.toFixed(1), trainRows: trained.trainRows }, trainOn));
        await measure(policy, router, prompts, scoreOn);
      } finally {
        await router.close();
      }
    }
    if (typeof values.router === 'string') {
      const { router, manifest } = await loadRouter(values.router);
      try {
        await measure(`${manifest.policy} (${values.router})`, router, prompts, manifest.policy === 'classifier' ? autoOn(await defaultThreads()) : jsOn());
      } finally {
        await router.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
