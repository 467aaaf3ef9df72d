// Seeded sampling of story seeds: one verb, one noun, one adjective and a subset of features,
// drawn uniformly like the TinyStories generator did. Job i of a run always gets the same seeds.
import { Rng } from './rng.ts';
import { STORY_FEATURES, type StoryFeature } from './features.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { StorySeeds } from '../../llm/teacher.ts';

export type FeatureSampling = {
  /** probability of 0, 1, 2, 3 features (normalised) */
  countWeights?: number[];
  /** features that may be drawn (default: all six) */
  allowed?: readonly StoryFeature[];
};

const DEFAULT_COUNT_WEIGHTS = [0.2, 0.4, 0.3, 0.1];

export function sampleStorySeeds(vocab: Vocabulary, rng: Rng, opts: FeatureSampling = {}): StorySeeds {
  const verb = rng.pick(vocab.verbs).word;
  const noun = rng.pick(vocab.nouns).word;
  const adjective = rng.pick(vocab.adjectives).word;
  const weights = opts.countWeights ?? DEFAULT_COUNT_WEIGHTS;
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.uniform() * total;
  let k = 0;
  while (k < weights.length - 1 && u >= weights[k]) u -= weights[k++];
  const allowed = opts.allowed ?? STORY_FEATURES;
  // keep the canonical order so prompts and records read the same way every time
  const chosen = new Set(rng.sample(allowed, k));
  const features = STORY_FEATURES.filter((f) => chosen.has(f));
  return { noun, verb, adjective, features };
}

/** Seeds for job `index` of a run with seed `runSeed`. */
export function storySeedsForJob(vocab: Vocabulary, runSeed: number, index: number, opts?: FeatureSampling): StorySeeds {
  return sampleStorySeeds(vocab, Rng.forJob(runSeed, index, 1), opts);
}
