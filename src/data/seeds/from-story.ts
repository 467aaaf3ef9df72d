// Seeds read back from a real story, so a model can learn "write a story with these words and
// features" from text nobody generated for it (the bundled teacher's SFT data, docs/recipes.md):
// the seed words are a noun, a verb and an adjective of Wren's vocabulary that the story uses
// (whole words, any inflection, as the synth validator counts them), drawn uniformly from those present so rare
// words are asked for as often as common ones; the features are the ones a rule can see in the
// text. Foreshadowing is never detected: no rule sees a setup and its payoff.
import type { StorySeeds } from '../../llm/teacher.ts';
import type { StoryFeature } from './features.ts';
import type { Rng } from './rng.ts';
import { wordForms, type Vocabulary } from './vocabulary.ts';

const RULES: [StoryFeature, (story: string, ending: string) => boolean][] = [
  ['Dialogue', (s) => /["“”]/.test(s)],
  ['BadEnding', (_s, end) => /\b(sad|sadly|cried|crying|died|dead|hurt|broke|broken|lost|gone|never (again|saw|found))\b/i.test(end) && !/\b(happy|smiled|laughed|glad|hugged)\b/i.test(end)],
  ['MoralValue', (s) => /\b(learned|learnt|lesson|moral)\b/i.test(s)],
  ['Twist', (s) => /\b(suddenly|surprise|surprised|it turned out|but then)\b/i.test(s)],
  ['Conflict', (s) => /\b(fight|fought|argue|argued|angry|mad at|mean|bully|shouted|yelled)\b/i.test(s)],
];

/** The features the rules see in `story` (its last two sentences decide BadEnding), in canonical order. */
export function detectFeatures(story: string): StoryFeature[] {
  const ending = story.split(/(?<=[.!?])\s+/).slice(-2).join(' ');
  return RULES.filter(([, rule]) => rule(story, ending)).map(([f]) => f);
}

/** Each part of speech's vocabulary words that `story` uses, leaving out the function words
 *  ("can", "go", "little"), which say nothing about a story. */
export function vocabularyWordsIn(story: string, vocab: Vocabulary): { noun: string[]; verb: string[]; adjective: string[] } {
  // the story's words and hyphenated compounds: the whole-word matches containsWord finds
  const lower = story.toLowerCase(), words = new Set([...(lower.match(/[a-z]+/g) ?? []), ...(lower.match(/[a-z]+(?:-[a-z]+)+/g) ?? [])]);
  const found = (list: { word: string; forms: string[] }[]) => list.filter((w) => w.forms.some((f) => words.has(f))).map((w) => w.word);
  const f = formsOf(vocab);
  return { noun: found(f.noun), verb: found(f.verb), adjective: found(f.adjective) };
}

type Forms = Record<'noun' | 'verb' | 'adjective', { word: string; forms: string[] }[]>;
const formsCache = new WeakMap<Vocabulary, Forms>();

/** Every seed word's lower-case spellings, by part of speech, without the function words. */
function formsOf(vocab: Vocabulary): Forms {
  let f = formsCache.get(vocab);
  if (!f) {
    const skip = new Set(vocab.functionWords.map((w) => w.toLowerCase()));
    const list = (words: string[], pos: 'noun' | 'verb' | 'adjective') =>
      words.filter((w) => !skip.has(w)).map((word) => ({ word, forms: wordForms(vocab, word, pos).map((x) => x.toLowerCase()) }));
    f = { noun: list(vocab.nouns.map((n) => n.word), 'noun'), verb: list(vocab.verbs.map((v) => v.word), 'verb'), adjective: list(vocab.adjectives.map((a) => a.word), 'adjective') };
    formsCache.set(vocab, f);
  }
  return f;
}

/** The story's opening: its first third, carried on to the end of that sentence. */
export function opening(story: string): string {
  const cut = Math.floor(story.length / 3), end = story.slice(cut).search(/[.!?]/);
  return end < 0 ? story : story.slice(0, cut + end + 1);
}

/** Up to `count` different seed triples for `story` (none when it lacks a part of speech). Each
 *  word is drawn from the opening when the opening has one of its part of speech: a model that
 *  trained on the story knows its later words from what came before, but nothing tells it the
 *  opening's words except the request, so the opening is where it learns to use them. */
export function seedsFromStory(story: string, vocab: Vocabulary, rng: Rng, count: number): StorySeeds[] {
  const all = vocabularyWordsIn(story, vocab), first = vocabularyWordsIn(opening(story), vocab);
  const words = { noun: first.noun.length ? first.noun : all.noun, verb: first.verb.length ? first.verb : all.verb, adjective: first.adjective.length ? first.adjective : all.adjective };
  if (!words.noun.length || !words.verb.length || !words.adjective.length) return [];
  const features = detectFeatures(story), out: StorySeeds[] = [], seen = new Set<string>();
  const most = Math.min(count, words.noun.length * words.verb.length * words.adjective.length);
  while (out.length < most) {
    const s = { noun: rng.pick(words.noun), verb: rng.pick(words.verb), adjective: rng.pick(words.adjective), features };
    const key = `${s.noun}|${s.verb}|${s.adjective}`;
    if (!seen.has(key)) { seen.add(key); out.push(s); }
  }
  return out;
}
