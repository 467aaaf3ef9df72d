// `wren bench filter`: throughput of the `web` recipe (normalise, Gopher quality + repetition, C4
// lines, exact + MinHash dedup, heuristic edu scorer — no teacher) on 1 and 2 worker threads
// (sharded), on real text: TinyStories (../shared/data/tinystories) and this checkout's
// node_modules (real code and docs nobody here wrote, read as a folder, binaries skipped).
// Prints the machine, then one JSON line per case with the median of --runs runs.
// Options: --runs N (default 3), --threads 1,2
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFilter } from '../src/data/filter/pipeline.ts';
import { runFilterInWorkers } from '../src/data/filter/parallel.ts';
import { loadRecipe } from '../src/data/filter/recipe.ts';
import { parseFlags, intFlag } from '../src/cli/args.ts';
import { machineLine, median } from './_machine.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { runs: { type: 'string' }, threads: { type: 'string' } }, 'usage: wren bench filter [--runs N] [--threads 1,2]');
  const runs = intFlag(values.runs, 'runs', 3, 1, 50);
  const threadList = String(values.threads ?? '1,2').split(',').map((t) => intFlag(t, 'threads', 1, 1, 64));
  console.log(machineLine());
  const stories = join(repo, '../shared/data/tinystories');
  const corpora: [string, string[]][] = [];
  const ts = [join(stories, 'TinyStories-train_head2MiB.txt'), join(stories, 'TinyStoriesV2-GPT4-train_head10klines.txt')].filter(existsSync);
  if (ts.length > 0) corpora.push(['tinystories', ts]);
  else console.log(JSON.stringify({ skipped: 'tinystories', reason: '../shared/data/tinystories missing' }));
  corpora.push(['node_modules', [join(repo, 'node_modules')]]);
  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-filter-'));
  try {
    for (const [name, inputs] of corpora) {
      for (const threads of threadList) {
        const secs: number[] = [];
        let docs = 0, bytes = 0, kept = 0;
        let stageMs: Record<string, number> = {};
        for (let r = 0; r < runs; r++) {
          const out = join(dir, `${name}-${threads}-${r}.jsonl`);
          const t0 = performance.now();
          const passes = threads === 1
            ? [(await runFilter({ inputs, output: out, recipe: loadRecipe('web'), overwrite: true })).pass]
            : await runFilterInWorkers({ inputs, output: out, recipe: 'web', threads, overwrite: true });
          secs.push((performance.now() - t0) / 1000);
          docs = passes.reduce((a, p) => a + p.input.docs, 0);
          bytes = passes.reduce((a, p) => a + p.input.bytes, 0);
          kept = passes.reduce((a, p) => a + p.docsOut, 0);
          stageMs = Object.fromEntries(passes[0].stages.map((s) => [s.name, Math.round(s.ms)]));
        }
        const s = median(secs);
        console.log(JSON.stringify({
          bench: 'filter', recipe: 'web', corpus: name, threads, docs, mb: +(bytes / 1e6).toFixed(2), kept,
          seconds: +s.toFixed(3), docsPerSec: Math.round(docs / s), mbPerSec: +(bytes / 1e6 / s).toFixed(2),
          mbPerSecPerThread: +(bytes / 1e6 / s / threads).toFixed(2), runs, stageMsShard0: stageMs,
        }));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
