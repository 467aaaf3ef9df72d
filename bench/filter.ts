// `wren bench filter`: throughput of the `web` recipe (normalise, Gopher quality + repetition, C4
// lines, exact + MinHash dedup, heuristic edu scorer — no teacher) on 1 and 2 worker threads
// (sharded), on real text: TinyStories (../shared/data/tinystories) and this checkout's
// node_modules (real code and docs nobody here wrote, read as a folder, binaries skipped).
// Prints the machine, then one JSON line per case with the median of --runs runs. docMB counts the
// bytes that became documents (node_modules binaries and oversized files are skipped unread by the
// stages). Workers are started once per case and every case first runs one uncounted warm-up pass;
// `seconds` is the wall time of a pass, `passSeconds` the slowest shard's own time, and
// `docMBPerCpuSecond` divides by the CPU time of all threads of this process: the per-core rate,
// which stays meaningful when other jobs share the machine (loadAvg1m says how busy it was).
// Options: --runs N (default 3), --threads 1,2
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFilter } from '../src/data/filter/pipeline.ts';
import { FilterWorkers } from '../src/data/filter/parallel.ts';
import { loadRecipe } from '../src/data/filter/recipe.ts';
import { parseFlags, intFlag } from '../src/cli/args.ts';
import { figureLine, jsOn, machineLine, median } from './_machine.ts';

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
        const secs: number[] = [], passSecs: number[] = [], cpuSecs: number[] = [];
        let docs = 0, bytes = 0, docBytes = 0, kept = 0;
        let stageMs: Record<string, number> = {};
        const pool = threads > 1 ? await FilterWorkers.create(threads) : null;
        try {
          for (let r = -1; r < runs; r++) { // run -1 warms the JIT (in the workers too) and is not counted
            const out = join(dir, `${name}-${threads}-${r}.jsonl`);
            const t0 = performance.now();
            const cpu0 = process.cpuUsage();
            const passes = pool
              ? await pool.run({ inputs, output: out, recipe: 'web', force: true })
              : [(await runFilter({ inputs, output: out, recipe: loadRecipe('web'), force: true })).pass];
            if (r < 0) continue;
            secs.push((performance.now() - t0) / 1000);
            const cpu = process.cpuUsage(cpu0);
            cpuSecs.push((cpu.user + cpu.system) / 1e6);
            passSecs.push(Math.max(...passes.map((p) => p.seconds))); // slowest shard's own time
            docs = passes.reduce((a, p) => a + p.input.docs, 0);
            bytes = passes.reduce((a, p) => a + p.input.bytes, 0);
            docBytes = passes.reduce((a, p) => a + p.input.docBytes, 0);
            kept = passes.reduce((a, p) => a + p.docsOut, 0);
            stageMs = Object.fromEntries(passes[0].stages.map((s) => [s.name, Math.round(s.ms)]));
          }
        } finally {
          await pool?.close();
        }
        const s = median(secs), ps = median(passSecs), cs = median(cpuSecs);
        console.log(figureLine({
          bench: 'filter', recipe: 'web', corpus: name, threads, docs, inputMB: +(bytes / 1e6).toFixed(2), docMB: +(docBytes / 1e6).toFixed(2), kept,
          seconds: +s.toFixed(3), docsPerSec: Math.round(docs / s), docMBPerSec: +(docBytes / 1e6 / s).toFixed(2),
          docMBPerSecPerThread: +(docBytes / 1e6 / s / threads).toFixed(2),
          passSeconds: +ps.toFixed(3), docMBPerSecInPass: +(docBytes / 1e6 / ps).toFixed(2),
          cpuSeconds: +cs.toFixed(3), docMBPerCpuSecond: +(docBytes / 1e6 / cs).toFixed(2), runs, stageMsShard0: stageMs,
        }, jsOn(threads)));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
