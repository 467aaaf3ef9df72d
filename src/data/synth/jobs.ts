// Job i of a run: its seeds and its rendered prompt, a pure function of (recipe, run seed, i), so
// a resumed run recreates exactly the jobs it still owes.
import { fillTemplate, type Recipe } from '../recipes/recipe.ts';
import { mixSeed, Rng } from '../seeds/rng.ts';
import { storySeedsForJob } from '../seeds/sample.ts';
import type { Vocabulary } from '../seeds/vocabulary.ts';
import type { StoryFeature } from '../seeds/features.ts';
import type { StorySeeds, TextbookSeeds } from '../../llm/teacher.ts';

export type SynthJob =
  | { index: number; kind: 'story' | 'instruct'; seeds: StorySeeds; prompt: string }
  | { index: number; kind: 'textbook'; seeds: TextbookSeeds; prompt: string };

/** The {features} sentence: "" for none, else before + phrases + after. */
export function featureText(recipe: Recipe, features: string[]): string {
  if (features.length === 0) return '';
  return recipe.features.before + features.map((f) => recipe.features.phrases[f] ?? f).join(recipe.features.separator) + recipe.features.after;
}

export function storyPrompt(recipe: Recipe, seeds: StorySeeds): string {
  return fillTemplate(recipe.prompt, { verb: seeds.verb, noun: seeds.noun, adjective: seeds.adjective, features: featureText(recipe, seeds.features) });
}

function weightedPick<T>(rng: Rng, items: [T, number][]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let u = rng.uniform() * total;
  for (const [item, w] of items) {
    if (u < w) return item;
    u -= w;
  }
  return items[items.length - 1][0];
}

export function makeJob(recipe: Recipe, vocab: Vocabulary, runSeed: number, index: number): SynthJob {
  if (recipe.kind === 'textbook') {
    const rng = Rng.forJob(runSeed, index, 2);
    const domain = weightedPick(rng, Object.entries(recipe.domains).map(([name, d]) => [name, d.weight] as [string, number]));
    const d = recipe.domains[domain];
    const seeds: TextbookSeeds = { topic: rng.pick(d.topics), audience: rng.pick(recipe.audiences), style: rng.pick(recipe.styles), domain };
    const prompt = fillTemplate(recipe.prompt, { ...seeds, instructions: d.instructions, exercises: String(recipe.exercises) }).replace(/ +\n/g, '\n');
    return { index, kind: 'textbook', seeds, prompt };
  }
  const seeds = storySeedsForJob(vocab, runSeed, index, { countWeights: recipe.featureCountWeights });
  return { index, kind: recipe.kind, seeds, prompt: storyPrompt(recipe, seeds) };
}

/** The teacher's sampling seed for attempt `attempt` of job `index`. */
export function sampleSeedFor(runSeed: number, index: number, attempt: number): number {
  return mixSeed(mixSeed(runSeed, index), 1000 + attempt);
}

export type { StoryFeature };
