// The world of one story: who the hero is, where it happens, what the seed noun is to the story
// (the thing played with, the place, a new person, the weather, …), how the seed verb is said and
// where the seed adjective goes. Plot beats read this and never pick words themselves, except
// through `rng`, so one (seeds, sampleSeed) pair always gives the same story.
import type { Adjective, Noun, Verb, Vocabulary } from '../seeds/vocabulary.ts';
import type { StoryFeature } from '../seeds/features.ts';
import type { StorySeeds } from '../../llm/teacher.ts';
import { WrenError } from '../../errors.ts';
import { Rng } from '../seeds/rng.ts';
import { ADULTS, ANIMAL_KINDS, BAD_FEELINGS, CHILDLIKE, BOY_NAMES, FAMILY, GIRL_NAMES, GOOD_FEELINGS, PART_OWNERS, PET_NAMES, PROPS, SETTINGS, WEATHER } from './cast.ts';
import { type Gender, type Pronouns, pronouns, withArticle } from './english.ts';
import { poolsFor, type Pools } from './pools.ts';

export type Character = { name: string; kind: string; p: Pronouns; child: boolean };
/** The thing the plot turns around: the seed noun when it can be held or met, else a prop. */
export type Focus = { a: string; bare: string; the: string; word: string; holdable: boolean; animate: boolean; fromSeed: boolean; breakable: boolean };
export type NounRole = 'focus' | 'setting' | 'person' | 'weather' | 'sight' | 'body' | 'idea' | 'event' | 'when' | 'meal' | 'part';
export type VerbPhrase = { base: string; past: string; ing: string; third: string; agent?: string };
export type Problem = 'lost' | 'broken' | 'stuck' | 'rain' | 'hurt' | 'cannot' | 'want' | 'scared' | 'hungry' | 'gift';

export type World = {
  rng: Rng;
  pools: Pools;
  hero: Character;
  friend: Character;
  adult: Character;
  setting: (typeof SETTINGS)[number];
  noun: Noun;
  role: NounRole;
  focus: Focus;
  verb: VerbPhrase;
  adjective: Adjective;
  /** where a feeling adjective goes: good at happy moments, bad at the problem, plain at the start; none for other adjectives */
  feel: 'good' | 'bad' | 'plain' | 'none';
  features: Set<StoryFeature>;
  problem: Problem;
  /** the person who helps at the end: the adult, or the seed noun when it is a person */
  helper: string;
};

function character(rng: Rng, avoid: string[], pools: Pools): Character {
  const child = rng.chance(0.7);
  const gender: Gender = rng.chance(0.5) ? 'she' : 'he';
  const names = child ? (gender === 'she' ? GIRL_NAMES : BOY_NAMES) : PET_NAMES;
  let name = rng.pick(names);
  while (avoid.includes(name)) name = rng.pick(names);
  // animals: half the time a storybook favourite, half the time any animal a child knows
  const kind = child ? (gender === 'she' ? 'girl' : 'boy') : rng.chance(0.5) ? rng.pick(ANIMAL_KINDS) : rng.pick(pools.animals).word;
  return { name, kind, p: pronouns(gender), child };
}


function nounRole(n: Noun): NounRole {
  switch (n.class) {
    case 'thing': case 'food': case 'stuff': case 'big': case 'animal': return 'focus';
    case 'animalpart': return 'part';
    case 'place': return 'setting';
    case 'person': return 'person';
    case 'nature': return WEATHER.has(n.word) ? 'weather' : 'sight';
    case 'body': return 'body';
    case 'idea': return 'idea';
    case 'event': return 'event';
    case 'when': return 'when';
    case 'meal': return 'meal';
  }
}

/** "the picture on the wall" → the object part of a verb use, with the seed noun swapped in when it fits. */
function verbPhrase(v: Verb, n: Noun, heroP: Pronouns, friendName: string, rng: Rng): VerbPhrase {
  const personUses = v.uses.filter((u): u is { object: string; takes?: Noun['class'][] } => 'object' in u);
  const agentUses = v.uses.filter((u): u is { agent: string } => 'agent' in u);
  const fitting = personUses.filter((u) => u.takes?.includes(n.class) && /\[[^\]]*\]/.test(u.object));
  const forms = { base: v.word, past: v.past, ing: v.ing, third: v.third };
  if (personUses.length === 0 || (agentUses.length > 0 && fitting.length === 0 && rng.chance(0.25))) {
    return { ...forms, agent: rng.pick(agentUses).agent };
  }
  const use = fitting.length > 0 && rng.chance(0.85) ? rng.pick(fitting) : rng.pick(personUses);
  const nounRef = FAMILY.has(n.word) ? `${heroP.his} ${n.word}` : n.class === 'body' ? `${heroP.his} ${n.word}` : `the ${n.word}`;
  const object = (fitting.includes(use) ? use.object.replace(/\[[^\]]*\]/, nounRef) : use.object.replace(/[[\]]/g, ''))
    .replace(/\btheir\b/g, heroP.his)
    .replace(/\b(the|a) friend\b/g, friendName)
    .trim();
  const add = (w: string) => (object ? `${w} ${object}` : w);
  return { base: add(v.word), past: add(v.past), ing: add(v.ing), third: add(v.third) };
}

function focusFor(n: Noun, role: NounRole, adjective: Adjective, rng: Rng, pools: Pools): Focus {
  const describe = adjective.class === 'look' || (adjective.class === 'taste' && n.class === 'food');
  if (role === 'focus' && n.class !== 'stuff') {
    const bare = describe ? `${adjective.word} ${n.word}` : n.word;
    const a = n.plural === null ? `some ${bare}` : withArticle(bare);
    return {
      a, bare, the: `the ${n.word}`, word: n.word, fromSeed: true,
      holdable: n.class === 'thing' || n.class === 'food', animate: n.class === 'animal',
      breakable: n.class === 'thing',
    };
  }
  if (role === 'focus' && n.class === 'stuff') {
    const bare = describe ? `${adjective.word} ${n.word}` : n.word;
    return { a: `some ${bare}`, bare, the: `the ${n.word}`, word: n.word, fromSeed: true, holdable: false, animate: false, breakable: false };
  }
  if (role === 'part') {
    const owner = PART_OWNERS[n.word] ?? 'bird';
    const bare = adjective.class === 'look' ? `little ${adjective.word} ${owner}` : `little ${owner}`;
    return { a: withArticle(bare), bare, the: `the ${owner}`, word: owner, fromSeed: false, holdable: false, animate: true, breakable: false };
  }
  // half the time a favourite toy from the fixed list, half the time any carryable thing; a look
  // adjective goes in front, so it needs a prop without a describing word of its own
  const fixed = adjective.class === 'look' ? PROPS.filter((x) => !x.includes(' ')) : PROPS;
  const prop = rng.chance(0.5) ? rng.pick(fixed) : rng.pick(pools.toys).word;
  const bare = adjective.class === 'look' ? `${adjective.word} ${prop}` : prop;
  return { a: withArticle(bare), bare, the: `the ${prop}`, word: prop, fromSeed: false, holdable: true, animate: false, breakable: true };
}

const NOT_SKILLS = new Set(['cough', 'sneeze', 'yawn', 'cry', 'want', 'need', 'like', 'love', 'know', 'forget', 'remember', 'wish', 'hope', 'believe', 'argue', 'complain', 'worry', 'sigh', 'frown', 'shiver', 'sweat', 'blink', 'snore', 'scream', 'wonder', 'imagine', 'decide', 'agree', 'miss', 'trust', 'forgive', 'giggle', 'laugh', 'smile', 'sleep', 'nap', 'rest', 'relax', 'wait', 'hear', 'see', 'look', 'listen', 'smell', 'feel', 'think', 'lose', 'drop', 'spill', 'break', 'tear', 'trip', 'slip', 'fall', 'bump', 'hurt', 'stumble', 'limp', 'tease', 'scare', 'obey', 'behave', 'apologize', 'dream', 'guess', 'heal', 'breathe', 'shout', 'nod', 'wink', 'purr', 'bark', 'growl', 'hiss', 'howl', 'moo', 'oink', 'neigh', 'cluck', 'tweet', 'meow', 'quack', 'chirp', 'roar', 'squeak', 'hatch', 'pray', 'stop', 'start', 'begin', 'leave', 'come', 'go', 'say', 'get', 'let', 'put']);

function chooseProblem(w: Omit<World, 'problem' | 'helper'> & { verbWord: string }): Problem {
  const { rng, role, focus, features } = w;
  if (role === 'body') return 'hurt';
  if (role === 'weather') return 'rain';
  const options: Problem[] = w.setting.inside ? ['hurt', 'cannot'] : ['hurt', 'cannot', 'rain'];
  if (focus.holdable || focus.animate) options.push('lost', 'lost');
  if ((focus.holdable || focus.animate) && !w.setting.inside) options.push('stuck');
  if (focus.breakable) options.push('broken', 'broken');
  // two children pulling at it: only something small enough to hold
  if (focus.holdable) options.push('want');
  if (focus.animate || (focus.fromSeed && w.noun.class === 'big')) options.push('scared', 'scared');
  if (focus.animate) options.push('hungry', 'hungry');
  if (focus.holdable && !w.setting.inside) options.push('gift');
  if (features.has('Conflict') && rng.chance(0.5) && options.includes('want')) return 'want';
  // "tried to cough, but it was too hard" makes no story: only skills can be hard to learn
  if (w.verb.agent || NOT_SKILLS.has(w.verbWord)) return rng.pick(options.filter((p) => p !== 'cannot'));
  return rng.pick(options);
}

const indexes = new WeakMap<readonly { word: string }[], Map<string, { word: string }>>();

function lookup<T extends { word: string }>(list: T[], word: string, pos: string): T {
  let index = indexes.get(list);
  if (!index) indexes.set(list, (index = new Map(list.map((x) => [x.word, x]))));
  const hit = index.get(word) as T | undefined;
  if (!hit) throw new WrenError(`the builtin teacher does not know the ${pos} "${word}" (it writes only with words from its vocabulary)`);
  return hit;
}

export function buildWorld(vocab: Vocabulary, seeds: StorySeeds, sampleSeed: number): World {
  const rng = new Rng(sampleSeed);
  const noun = lookup(vocab.nouns, seeds.noun, 'noun');
  const verbEntry = lookup(vocab.verbs, seeds.verb, 'verb');
  const adjective = lookup(vocab.adjectives, seeds.adjective, 'adjective');
  const pools = poolsFor(vocab);
  const hero = character(rng, [], pools);
  const friend = character(rng, [hero.name], pools);
  const a = rng.pick(ADULTS);
  const adult: Character = { name: a.name, kind: 'adult', p: pronouns(a.gender), child: false };
  const role = nounRole(noun);
  // things that happen outdoors (events, the sky, the weather) need an outdoor setting
  const outdoorOnly = role === 'event' || role === 'sight' || role === 'weather';
  let setting = rng.pick(outdoorOnly ? SETTINGS.filter((s) => !s.inside) : SETTINGS);
  if (role === 'setting') setting = { place: noun.word, inside: false, spot: ['in a quiet corner', 'by the entrance', 'near a wall', 'behind a bench'] };
  const verb = verbPhrase(verbEntry, noun, hero.p, friend.name, rng);
  const focus = focusFor(noun, role, adjective, rng, pools);
  const feel = adjective.class !== 'feel' ? 'none' : GOOD_FEELINGS.has(adjective.word) ? 'good' : BAD_FEELINGS.has(adjective.word) ? 'bad' : 'plain';
  const partial = { rng, pools, hero, friend, adult, setting, noun, role, focus, verb, adjective, feel, features: new Set(seeds.features as StoryFeature[]) } as const;
  const problem = chooseProblem({ ...partial, verbWord: verbEntry.word });
  const grownUp = role === 'person' && !CHILDLIKE.has(noun.word);
  const helper = grownUp ? (FAMILY.has(noun.word) ? `${hero.p.his} ${noun.word}` : `the ${noun.word}`) : adult.name;
  return { ...partial, feel, problem, helper };
}

