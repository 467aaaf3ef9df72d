// Runs one filter pass as n shards on n worker threads (unit % n == i), each writing its own
// OUT.shard-i-of-n.jsonl with its own checkpoint. Dedup indexes are per shard: near-duplicates in
// different shards both survive, which a later single-threaded pass over the merged output removes.
// Used by the benchmark; the same split runs across machines with `wren filter --shard i/n`.
import { WorkerPool } from '../../util/worker-pool.ts';
import type { PassStats } from './stats.ts';

export interface ShardTask {
  inputs: string[];
  output: string;
  recipe: string;
  shardIndex: number;
  shardCount: number;
  force: boolean;
}

/** Worker side (WorkerPool's entry point): one shard of a pass. */
export async function handle(t: ShardTask): Promise<PassStats> {
  const { runFilter } = await import('./pipeline.ts');
  const { loadRecipe } = await import('./recipe.ts');
  const { pass } = await runFilter({
    inputs: t.inputs, output: t.output, recipe: loadRecipe(t.recipe), force: t.force,
    read: { shardIndex: t.shardIndex, shardCount: t.shardCount },
  });
  return pass;
}

export function shardOutput(output: string, i: number, n: number): string {
  return output.replace(/(\.jsonl)?$/, `.shard-${i}-of-${n}.jsonl`);
}

/**
 * A set of worker threads, one per shard, kept between passes (a benchmark runs the same pass
 * several times on warm workers). `run` sends shard i of the pass to worker i.
 */
export class FilterWorkers {
  private constructor(private readonly pool: WorkerPool) {}

  static async create(threads: number): Promise<FilterWorkers> {
    return new FilterWorkers(await WorkerPool.create(new URL(import.meta.url), threads));
  }

  run(o: { inputs: string[]; output: string; recipe: string; force?: boolean }): Promise<PassStats[]> {
    const n = this.pool.size;
    return Promise.all(Array.from({ length: n }, (_, i) => this.pool.runOn<PassStats>(i, {
      inputs: o.inputs, output: shardOutput(o.output, i, n), recipe: o.recipe, shardIndex: i, shardCount: n, force: o.force ?? false,
    } satisfies ShardTask)));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Runs one pass as `threads` shards on fresh worker threads; resolves with each shard's stats. */
export async function runFilterInWorkers(o: { inputs: string[]; output: string; recipe: string; threads: number; force?: boolean }): Promise<PassStats[]> {
  const pool = await FilterWorkers.create(o.threads);
  try {
    return await pool.run(o);
  } finally {
    await pool.close();
  }
}
