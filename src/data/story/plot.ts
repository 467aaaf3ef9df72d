// One story from its seeds: the world (world.ts), then four paragraphs — who the hero is; the
// seed noun arriving and friends playing with the seed verb; the problem; and the ending, with
// the requested features laid over them. Also the one-line summary TinyStories-Instruct needs.
import type { StorySeeds } from '../../llm/teacher.ts';
import type { Vocabulary } from '../seeds/vocabulary.ts';
import { arrival, opening, play } from './beats.ts';
import { afterHappy } from './flavor.ts';
import { PROBLEMS, sadFeel } from './problems.ts';
import { sentence } from './english.ts';
import { varyWords } from './synonyms.ts';
import { wordForms } from '../seeds/vocabulary.ts';
import { wordsOf } from './words.ts';
import { buildWorld, type Problem } from './world.ts';

export type WrittenStory = { text: string; summary: string; problem: Problem; happy: boolean };

function closeWithTwist(w: ReturnType<typeof buildWorld>, twist: string[], happy: boolean, x: ReturnType<typeof wordsOf>): string[] {
  const out = [...twist];
  if (w.problem === 'cannot' && happy) out.push(`Then ${x.H} ${w.verb.past}!`);
  if (happy) out.push(x.pick([`${x.H} and ${x.F} laughed and laughed.`, `Everyone was happy again.`, `They played together until the sun went down.`]));
  else out.push(x.pick([`${x.H} went home feeling sad.`, `${x.H} cried, and the day was ruined.`, `It was a sad day for ${x.H}.`]));
  return out;
}

export function writeStory(vocab: Vocabulary, seeds: StorySeeds, sampleSeed: number): WrittenStory {
  const w = buildWorld(vocab, seeds, sampleSeed);
  const x = wordsOf(w);
  const f = w.features;
  const happy = !f.has('BadEnding');
  const beats = PROBLEMS[w.problem];

  const p1 = opening(w, x);
  const p2 = [...arrival(w, x), ...play(w, x)];
  const fore = f.has('Foreshadowing') ? beats.foreshadow(w, x, happy) : undefined;
  if (fore) p2.push(fore.setup);
  const p3 = [...beats.trouble(w, x), ...sadFeel(w, x)];
  if (f.has('Conflict')) p3.push(...beats.conflict(w, x));
  let p4 = f.has('Twist') ? closeWithTwist(w, beats.twist(w, x, happy), happy, x) : happy ? beats.happy(w, x) : beats.bad(w, x);
  const extra = [...(fore ? [fore.payoff] : []), ...(happy && !f.has('Twist') ? afterHappy(w, x) : [])];
  p4 = [...p4.slice(0, -1), ...extra, p4[p4.length - 1]];
  if (f.has('MoralValue')) p4.push(beats.moral(w, x, happy));

  // a little structural variety: the first two paragraphs sometimes run together
  const paragraphs = w.rng.chance(0.3) ? [[...p1, ...p2], p3, p4] : [p1, p2, p3, p4];
  const protect = new Set([...wordForms(vocab, seeds.noun, 'noun'), ...wordForms(vocab, seeds.verb, 'verb'), seeds.adjective].map((s) => s.toLowerCase()));
  const text = varyWords(paragraphs.map((p) => p.map(sentence).join(' ')).join('\n'), w.rng, protect);
  return { text, summary: sentence(beats.summary(w, x, happy)), problem: w.problem, happy };
}
