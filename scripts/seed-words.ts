// How well a teacher follows seeded story prompts: on N fresh jobs of the `stories` synth recipe
// (seed stream SEED, never a training seed), each teacher's first answer, asked as `wren synth`
// asks (one attempt, all jobs in flight together: a wren: teacher decodes them in one batch).
// Prints, per teacher: stories using all three seed words (whole words or inflections, the synth
// validator's test), seed words used, stories the synth validator accepts, and distinct-2/3.
// Usage: node --import tsx scripts/seed-words.ts [--n 200] [--seed 424242] [--seed-word-bias B] TEACHER…   (e.g. wren, wren:DIR, builtin)
import { parseArgs } from 'node:util';
import { loadRecipe } from '../src/data/recipes/recipe.ts';
import { defaultVocabulary } from '../src/data/seeds/vocabulary.ts';
import { makeJob, sampleSeedFor } from '../src/data/synth/jobs.ts';
import { checkStory, cleanStory, seedWordsUsed } from '../src/data/synth/validate.ts';
import { createTeacher } from '../src/llm/create.ts';

const { values: v, positionals: teachers } = parseArgs({ options: { n: { type: 'string' }, seed: { type: 'string' }, 'seed-word-bias': { type: 'string' } }, allowPositionals: true });
if (teachers.length === 0) throw new Error('usage: seed-words.ts [--n N] [--seed S] TEACHER…');
const N = Number(v.n ?? 200), seed = Number(v.seed ?? 424242), recipe = loadRecipe('stories'), vocab = defaultVocabulary();

function distinct(texts: string[], n: number): number {
  const all = texts.flatMap((t) => {
    const w = t.toLowerCase().split(/\s+/).filter(Boolean);
    return Array.from({ length: Math.max(0, w.length - n + 1) }, (_, i) => w.slice(i, i + n).join(' '));
  });
  return all.length ? new Set(all).size / all.length : 0;
}

for (const spec of teachers) {
  const bias = v['seed-word-bias'] === undefined ? undefined : Number(v['seed-word-bias']);
  const teacher = await createTeacher(spec, { limits: { concurrency: 32 }, seedWordBias: bias });
  const t0 = performance.now();
  const jobs = Array.from({ length: N }, (_, i) => makeJob(recipe, vocab, seed, i));
  const stories = await Promise.all(jobs.map(async (job) => {
    if (job.kind === 'textbook') throw new Error('a story recipe was expected');
    const reply = await teacher.complete({
      messages: [{ role: 'user', content: job.prompt }], maxTokens: recipe.maxTokens, temperature: recipe.temperature,
      seed: sampleSeedFor(seed, job.index, 0), job: { kind: 'story', seeds: job.seeds, sampleSeed: sampleSeedFor(seed, job.index, 0) },
    });
    const story = cleanStory(reply.text);
    return { story, used: seedWordsUsed(story, job.seeds, vocab).length, valid: !checkStory(story, job.seeds, vocab) };
  }));
  const seconds = (performance.now() - t0) / 1000, texts = stories.map((s) => s.story);
  console.log(JSON.stringify({
    teacher: spec, seed_word_bias: bias ?? 'default', prompts: N, seed_stream: seed,
    all_three_words: stories.filter((s) => s.used === 3).length / N, words_used: stories.reduce((n, s) => n + s.used, 0) / (3 * N),
    validator_accepts: stories.filter((s) => s.valid).length / N, distinct_2: +distinct(texts, 2).toFixed(3), distinct_3: +distinct(texts, 3).toFixed(3),
    mean_words: Math.round(texts.reduce((n, t) => n + t.split(/\s+/).length, 0) / N), seconds: +seconds.toFixed(1),
    example: texts[0],
  }));
  await teacher.close();
}
