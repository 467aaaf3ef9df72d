// The beats before the problem: who the hero is, what the hero loves to do (the seed verb), and
// how the seed noun comes into the story. Each returns sentences; plot.ts groups them.
import { FAMILY, GO_ON_EVENTS } from './cast.ts';
import { cap, withArticle } from './english.ts';
import { habitDetail, heroDetail, placeDetail, reaction } from './flavor.ts';
import type { Words } from './words.ts';
import type { World } from './world.ts';

const THE_SIGHTS = new Set(['sun', 'moon', 'sky', 'earth', 'sunset', 'sunrise']);
const WEEKDAY = /^[A-Z]/;

export function opening(w: World, x: Words): string[] {
  const { hero, adjective: adj } = w;
  const trait = adj.class === 'trait' ? adj.word : undefined;
  const kind = trait ? (trait === 'little' ? `little ${hero.kind}` : x.pick([`${trait} little ${hero.kind}`, `${trait} ${hero.kind}`])) : `little ${hero.kind}`;
  const ak = withArticle(kind);
  const out = [
    x.pick([
      `Once upon a time, there was ${ak} named ${x.H}.`,
      `Once upon a time, in a small ${x.pick(['town', 'village'])}, there lived ${ak} called ${x.H}.`,
      `There was once ${ak} named ${x.H}.`,
      `${x.H} was ${ak} who lived near a big ${x.pick(['forest', 'park', 'lake', 'hill', 'farm'])}.`,
      `Once upon a time, ${ak} named ${x.H} lived in a little house with ${x.his} family.`,
      `In a little house by the ${x.pick(['sea', 'woods', 'river', 'road', 'park'])}, there lived ${ak} named ${x.H}.`,
      `${x.H} was ${ak}.`,
      `Once there was ${ak}. ${x.His} name was ${x.H}.`,
    ]),
    ...heroDetail(w, x),
  ];
  if (w.feel === 'plain') out.push(x.pick([`${x.H} was ${adj.word} that morning.`, `That day, ${x.H} felt ${adj.word}.`]));
  out.push(habit(w, x), ...habitDetail(w, x));
  if (!w.focus.fromSeed && w.role !== 'part') {
    out.push(x.pick([`${x.He} had ${x.a} that ${x.he} loved very much.`, `${x.His} favorite toy was ${x.a}.`, `${x.He} took ${x.his} ${w.focus.bare} everywhere, because it was ${x.pick(['special', 'a gift from Grandma', 'fun to play with'])}.`]));
  }
  if (w.role === 'meal') out.push(x.pick([`After ${w.noun.word}, ${x.he} wanted to go outside.`, `${x.He} ate ${x.his} ${w.noun.word} very fast, because ${x.he} wanted to play.`]));
  return out;
}

function habit(w: World, x: Words): string {
  const v = w.verb;
  if (v.agent) {
    return x.pick([`${x.He} loved to watch ${v.agent} ${v.base}.`, `${x.H} liked to see ${v.agent} ${v.base}.`, `${x.H} always hoped to see ${v.agent} ${v.base}.`, `${x.His} favorite thing was to watch ${v.agent} ${v.base}.`]);
  }
  if (w.problem === 'cannot') {
    return x.pick([`${x.H} wanted to ${v.base}, but ${x.he} did not know how.`, `More than anything, ${x.H} wanted to learn to ${v.base}.`]);
  }
  return x.pick([
    `${x.He} loved to ${v.base}.`,
    `${x.H} liked to ${v.base} every day.`,
    `More than anything, ${x.H} loved to ${v.base}.`,
    `${x.His} favorite thing was to ${v.base}.`,
    `Every day, ${x.H} wanted to ${v.base}.`,
    `${x.H} thought it was fun to ${v.base}.`,
    `${x.He} liked to ${v.base} with ${x.his} ${x.pick(['mom', 'dad', 'grandma', 'grandpa'])}.`,
    `Most of all, ${x.H} liked to ${v.base}.`,
  ]);
}

/** "One day," / "On Tuesday," / "One sunny morning," — the time the adventure starts. */
export function timePhrase(w: World, x: Words): string {
  if (w.role === 'when') {
    const n = w.noun.word;
    if (WEEKDAY.test(n)) return `On ${n},`;
    if (n === 'birthday') return `On ${x.his} birthday,`;
    return `One ${n},`;
  }
  if (w.adjective.class === 'day') return x.pick([`One ${w.adjective.word} day,`, `One ${w.adjective.word} morning,`]);
  return x.pick(['One day,', 'One day,', 'One morning,', 'One afternoon,', 'The next day,', 'Later that week,']);
}

/** How the seed noun (or the prop) enters the story. */
export function arrival(w: World, x: Words): string[] {
  const t = timePhrase(w, x);
  const n = w.noun.word;
  const go = w.setting.inside ? `${t} ${x.H} was playing in the ${x.place}` : x.pick([
    `${t} ${x.H} went to the ${x.place}`, `${t} ${x.H} and ${x.A} went to the ${x.place}`, `${t} ${x.H} went out to play in the ${x.place}`,
    `${t} ${x.H} walked to the ${x.place}`, `${t} ${x.A} took ${x.H} to the ${x.place}`, `${t} ${x.H} ran to the ${x.place} to play`,
  ]);
  const out: string[] = [];
  if (w.role === 'when' && w.adjective.class === 'day') out.push(`It was a ${w.adjective.word} day.`);
  switch (w.role) {
    case 'focus':
      if (w.noun.class === 'food') out.push(x.pick([`${t} ${x.A} gave ${x.H} ${x.a}.`, `${go}. There, ${x.he} found ${x.a} ${x.spot}.`]));
      else if (w.noun.class === 'big') out.push(`${go}. There, ${x.he} saw ${x.a}.`);
      else if (w.noun.class === 'animal') out.push(x.pick([`${go}. ${x.He} saw ${x.a} ${x.spot}.`, `${go}. ${x.He} met ${x.a} ${x.spot}.`]));
      else out.push(`${go}. ${x.pick(['There,', 'Soon,', 'Then'])} ${x.he} found ${x.a} ${x.spot}.`);
      break;
    case 'part':
      out.push(`${go}. ${x.He} saw ${x.a} ${x.spot}. It had a hurt ${n}.`);
      break;
    case 'setting':
      out.push(x.pick([`${t} ${x.H} and ${x.A} went to the ${n}.`, `${t} ${x.H} went to the ${n} for the first time.`]));
      break;
    case 'person': {
      const who = FAMILY.has(n) ? `${x.his} ${n}` : withArticle(n);
      const the = FAMILY.has(n) ? `${cap(x.his)} ${n}` : `The ${n}`;
      out.push(`${go}. There, ${x.he} met ${who}.`, x.pick([`${the} smiled and waved.`, `${the} was very nice.`]));
      break;
    }
    case 'sight':
      out.push(`${go}.`, `${x.He} looked up and saw ${THE_SIGHTS.has(n) ? `the ${n}` : w.noun.plural === null ? `the ${n}` : withArticle(n)}.`);
      break;
    case 'event':
      out.push(`${t} ${x.H} went ${GO_ON_EVENTS.has(n) ? 'on' : 'to'} ${withArticle(n)} with ${x.A}.`);
      break;
    default:
      out.push(`${go}.`);
  }
  out.splice(1, 0, ...placeDetail(w, x));
  out.push(...reaction(w, x));
  if (w.adjective.class === 'taste' && !(w.role === 'focus' && w.noun.class === 'food')) {
    const snack = x.pick(w.pools.snacks).plural;
    out.push(`${x.A} gave ${x.him} some ${w.adjective.word} ${snack}.`);
  }
  return out;
}

/** The friend arrives and they play; the seed verb in the past or -ing form. */
export function play(w: World, x: Words): string[] {
  const v = w.verb;
  const out: string[] = [];
  out.push(x.pick([
    `${x.friendIntro} came to play too.`, `Soon, ${x.friendIntro} came by.`, `${x.H} saw ${x.friendIntro} there.`,
    `Then ${x.friendIntro} came running.`, `A little later, ${x.friendIntro} came to join ${x.him}.`, `${x.friendIntro} was there too.`,
  ]));
  if (x.D) {
    out.push(v.agent || w.problem === 'cannot'
      ? x.hSay(`Hi, ${x.F}! Do you want to play with me`, '?')
      : x.hSay(`Hi, ${x.F}! Let's ${v.base} together`, '!'));
    out.push(x.fSay(x.pick(['Yes, that sounds fun', 'OK, let us play', 'Yes, please']), '!'));
  }
  if (v.agent) out.push(x.pick([`Then ${v.agent} ${v.past}.`, `They watched ${v.agent} ${v.base}.`, `Soon, ${v.agent} was ${v.ing}.`]));
  else if (w.problem !== 'cannot') {
    out.push(x.pick([
      `${x.H} ${v.past}, and ${x.F} laughed.`, `First, ${x.H} ${v.past}.`, `${x.H} was ${v.ing}, and ${x.F} watched.`,
      `They took turns, and ${x.H} ${v.past} first.`, `${x.H} showed ${x.F} how to ${v.base}.`, `${x.H} was busy ${v.ing}, so ${x.F} helped.`,
    ]));
  }
  if (w.role === 'idea') {
    const intro = w.noun.intro ?? 'thought of';
    const a = w.noun.plural === null ? `some ${w.noun.word}` : withArticle(w.noun.word);
    out.push(`While they played, ${x.H} ${intro} ${a}.`);
  }
  if (w.feel === 'good') out.push(x.pick([`${x.H} felt ${w.adjective.word}.`, `${x.H} was very ${w.adjective.word}.`]));
  return out;
}
