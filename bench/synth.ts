// `wren bench synth [--count N] [--runs R]`: the built-in teacher through the whole synth run
// (seeds, story grammar, validation, JSONL writing), stories per second, and what the corpus is
// like: duplicates, distinct-n and near-duplicates from `wren data stats`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, intFlag } from '../src/cli/args.ts';
import { loadRecipe } from '../src/data/recipes/recipe.ts';
import { synthesize } from '../src/data/synth/run.ts';
import { createBuiltinTeacher } from '../src/llm/builtin.ts';
import { datasetStats } from '../src/data/stats/dataset-stats.ts';
import { figureLine, jsOn, machineLine, median } from './_machine.ts';

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { count: { type: 'string' }, runs: { type: 'string' } }, 'usage: wren bench synth [--count N] [--runs R]');
  const count = intFlag(values.count, 'count', 20_000, 1, 10_000_000);
  const runs = intFlag(values.runs, 'runs', 3, 1, 100);
  console.log(machineLine());
  const dir = mkdtempSync(join(tmpdir(), 'wren-bench-synth-'));
  try {
    for (const recipe of ['stories', 'instruct']) {
      const rates: number[] = [];
      let last = '';
      for (let r = 0; r < runs; r++) {
        last = join(dir, `${recipe}-${r}.jsonl`);
        const t0 = performance.now();
        const rep = await synthesize({ recipe: loadRecipe(recipe), teacher: createBuiltinTeacher(), count, out: last, seed: 1000 + r });
        rates.push(rep.written / ((performance.now() - t0) / 1000));
      }
      const s = await datasetStats(last, { sample: Math.min(count, 20_000) });
      console.log(figureLine({
        bench: 'synth', recipe, teacher: 'builtin', count, runs, recordsPerSecondMedian: Math.round(median(rates)),
        exactDuplicates: s.nearDuplicates.exactDuplicates, nearDuplicateRate: s.nearDuplicates.rate, distinctSampled: s.distinct.sampled,
        distinct1: +s.distinct.n1.toFixed(4), distinct2: +s.distinct.n2.toFixed(4), distinct3: +s.distinct.n3.toFixed(4), distinct4: +s.distinct.n4.toFixed(4),
        meanWords: +s.words.mean.toFixed(1), outsideVocabularyRate: +s.outsideVocabulary.rate.toFixed(4),
      }, jsOn()));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
