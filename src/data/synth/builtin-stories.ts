// Built-in stories in memory, without a run file: for callers that want text now (the
// quickstart's sample prompts, a tokenizer trained on the fly). Same seeds and same stories as
// `synthesize` with the builtin teacher, recipe "stories", and the same run seed.
import { defaultVocabulary, type Vocabulary } from '../seeds/vocabulary.ts';
import { writeStory } from '../story/plot.ts';
import type { StorySeeds } from '../../llm/teacher.ts';
import { makeJob, sampleSeedFor } from './jobs.ts';
import { loadRecipe, type Recipe } from '../recipes/recipe.ts';

export type BuiltinStory = { index: number; text: string; summary: string; seeds: StorySeeds };

/** Stories for jobs first, first+1, …, first+count-1 of a run with this seed. */
export function* builtinStories(opts: { count: number; seed: number; first?: number; vocabulary?: Vocabulary; recipe?: Recipe }): Generator<BuiltinStory> {
  const vocab = opts.vocabulary ?? defaultVocabulary();
  const recipe = opts.recipe ?? loadRecipe('stories');
  const first = opts.first ?? 0;
  for (let index = first; index < first + opts.count; index++) {
    const job = makeJob(recipe, vocab, opts.seed, index);
    if (job.kind === 'textbook') throw new Error('builtinStories needs a story recipe');
    const story = writeStory(vocab, job.seeds, sampleSeedFor(opts.seed, index, 0));
    yield { index, text: story.text, summary: story.summary, seeds: job.seeds };
  }
}
