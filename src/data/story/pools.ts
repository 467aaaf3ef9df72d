// Word pools drawn from the seed vocabulary for the filler slots of a story (the hero's toy, the
// snack, what the hero likes, the animal by the fence). Filling them from ~1,600 words instead of
// a dozen fixed phrases is what keeps 4-grams from repeating across a big corpus.
import type { Noun, Vocabulary } from '../seeds/vocabulary.ts';

export type Pools = {
  /** countable things a child can carry */
  toys: Noun[];
  /** countable foods, for snacks */
  snacks: Noun[];
  /** countable animals */
  animals: Noun[];
  /** plurals a child can like: foods, things, animals */
  likes: string[];
  /** plain look adjectives that suit almost any thing */
  looks: string[];
};

// things that read oddly as a loved toy or a snack
const NOT_TOYS = new Set(['knife', 'needle', 'saw', 'nail', 'hook', 'lock', 'battery', 'tissue', 'napkin', 'straw', 'bin', 'can', 'lid', 'pipe', 'hose', 'trash', 'bandage', 'toothbrush', 'sponge', 'hanger', 'pan', 'pot', 'kettle']);
const SAFE_LOOKS = ['big', 'small', 'tiny', 'shiny', 'pretty', 'new', 'old', 'soft', 'round', 'red', 'blue', 'green', 'yellow', 'pink', 'purple', 'orange', 'brown', 'white', 'colorful', 'bright', 'little', 'fluffy', 'special', 'lovely', 'striped', 'spotted', 'sparkly', 'golden'];

const cache = new WeakMap<Vocabulary, Pools>();

export function poolsFor(vocab: Vocabulary): Pools {
  const hit = cache.get(vocab);
  if (hit) return hit;
  const countable = (cls: string) => vocab.nouns.filter((n) => n.class === cls && n.plural !== null && !n.word.includes('-'));
  const toys = countable('thing').filter((n) => !NOT_TOYS.has(n.word));
  const snacks = countable('food');
  const animals = countable('animal');
  const likes = [...toys, ...snacks, ...animals].map((n) => n.plural as string);
  const known = new Set(vocab.adjectives.map((a) => a.word));
  const pools = { toys, snacks, animals, likes, looks: SAFE_LOOKS.filter((a) => known.has(a)) };
  cache.set(vocab, pools);
  return pools;
}
