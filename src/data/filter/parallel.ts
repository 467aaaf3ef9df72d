// Runs one filter pass as n shards on n worker threads (unit % n == i), each writing its own
// OUT.shard-i-of-n.jsonl with its own checkpoint. Dedup indexes are per shard: near-duplicates in
// different shards both survive, which a later single-threaded pass over the merged output removes.
// Used by the benchmark; the same split runs across machines with `wren filter --shard i/n`.
//
// Workers do not inherit the tsx loader that bin/wren.js registers, so each boots from a small
// eval'd script that registers tsx when the parent has it, then imports this module.
import { Worker } from 'node:worker_threads';
import type { PassStats } from './stats.ts';

const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  const mod = await import(workerData.moduleUrl);
  parentPort.postMessage({ ok: true, pass: await mod.runShardTask(workerData.task) });
})().catch((err) => parentPort.postMessage({ ok: false, message: String((err && err.message) || err) }));
`;

export interface ShardTask {
  inputs: string[];
  output: string;
  recipe: string;
  shardIndex: number;
  shardCount: number;
  overwrite: boolean;
}

/** Worker side: one shard of a pass. */
export async function runShardTask(t: ShardTask): Promise<PassStats> {
  const { runFilter } = await import('./pipeline.ts');
  const { loadRecipe } = await import('./recipe.ts');
  const { pass } = await runFilter({
    inputs: t.inputs, output: t.output, recipe: loadRecipe(t.recipe), overwrite: t.overwrite,
    read: { shardIndex: t.shardIndex, shardCount: t.shardCount },
  });
  return pass;
}

function tsxApiUrl(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

export function shardOutput(output: string, i: number, n: number): string {
  return output.replace(/(\.jsonl)?$/, `.shard-${i}-of-${n}.jsonl`);
}

/** Runs `threads` shards in parallel worker threads; resolves with each shard's stats. */
export async function runFilterInWorkers(o: { inputs: string[]; output: string; recipe: string; threads: number; overwrite?: boolean }): Promise<PassStats[]> {
  const moduleUrl = new URL(import.meta.url).href;
  return Promise.all(
    Array.from({ length: o.threads }, (_, i) => new Promise<PassStats>((resolve, reject) => {
      const task: ShardTask = {
        inputs: o.inputs, output: shardOutput(o.output, i, o.threads), recipe: o.recipe, shardIndex: i, shardCount: o.threads, overwrite: o.overwrite ?? false,
      };
      const w = new Worker(BOOT, { eval: true, workerData: { moduleUrl, tsxApi: tsxApiUrl(), task } });
      w.once('message', (m: { ok: boolean; pass?: PassStats; message?: string }) => {
        void w.terminate();
        if (m.ok && m.pass) resolve(m.pass);
        else reject(new Error(`filter shard ${i}/${o.threads}: ${m.message}`));
      });
      w.once('error', reject);
    })),
  );
}
