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
  parentPort.on('message', async (task) => {
    try {
      parentPort.postMessage({ ok: true, pass: await mod.runShardTask(task) });
    } catch (err) {
      parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
    }
  });
  parentPort.postMessage({ ok: true, ready: true });
})().catch((err) => parentPort.postMessage({ ok: false, message: String((err && err.stack) || err) }));
`;

type Reply = { ok: boolean; ready?: boolean; pass?: PassStats; message?: string };

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

/**
 * A set of worker threads, one per shard, kept between passes (a benchmark runs the same pass
 * several times on warm workers). `run` sends shard i of the pass to worker i.
 */
export class FilterWorkers {
  private constructor(private readonly workers: Worker[]) {}

  static async create(threads: number): Promise<FilterWorkers> {
    const workerData = { moduleUrl: new URL(import.meta.url).href, tsxApi: tsxApiUrl() };
    const workers = Array.from({ length: threads }, () => new Worker(BOOT, { eval: true, workerData }));
    const pool = new FilterWorkers(workers);
    try {
      await Promise.all(workers.map((w) => pool.next(w)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private next(w: Worker): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => { w.off('message', onMessage); reject(err); };
      const onMessage = (m: Reply) => {
        w.off('error', onError);
        if (m.ok) resolve(m);
        else reject(new Error(m.message));
      };
      w.once('message', onMessage);
      w.once('error', onError);
    });
  }

  async run(o: { inputs: string[]; output: string; recipe: string; overwrite?: boolean }): Promise<PassStats[]> {
    const n = this.workers.length;
    return Promise.all(this.workers.map(async (w, i) => {
      const reply = this.next(w);
      const task: ShardTask = { inputs: o.inputs, output: shardOutput(o.output, i, n), recipe: o.recipe, shardIndex: i, shardCount: n, overwrite: o.overwrite ?? false };
      w.postMessage(task);
      const m = await reply;
      return m.pass!;
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Runs one pass as `threads` shards on fresh worker threads; resolves with each shard's stats. */
export async function runFilterInWorkers(o: { inputs: string[]; output: string; recipe: string; threads: number; overwrite?: boolean }): Promise<PassStats[]> {
  const pool = await FilterWorkers.create(o.threads);
  try {
    return await pool.run(o);
  } finally {
    await pool.close();
  }
}
