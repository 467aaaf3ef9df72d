// Short names for the strings every beat uses, so templates read like the sentences they make.
import { cap, possessive } from './english.ts';
import { say, type Mark } from './speech.ts';
import type { World } from './world.ts';

export type Words = ReturnType<typeof wordsOf>;

export function wordsOf(w: World) {
  const { hero, friend, adult, focus, rng } = w;
  const friendIntro = friend.child ? `${hero.p.his} friend ${friend.name}` : `${hero.p.his} friend ${friend.name} the ${friend.kind}`;
  return {
    H: hero.name, he: hero.p.he, He: cap(hero.p.he), his: hero.p.his, His: cap(hero.p.his), him: hero.p.him, Hs: possessive(hero.name),
    F: friend.name, Fs: possessive(friend.name), fhe: friend.p.he, fhis: friend.p.his, fhim: friend.p.him, friendIntro,
    A: adult.name, ahe: adult.p.he, ahis: adult.p.his,
    helper: w.helper, Helper: cap(w.helper),
    place: w.setting.place, spot: rng.pick(w.setting.spot),
    a: focus.a, the: focus.the, The: cap(focus.the), word: focus.word,
    // "it" for things and most animals; TinyStories uses "it" for found animals too
    it: 'it',
    D: w.features.has('Dialogue'),
    /** a spoken line by the hero, the friend or the adult */
    hSay: (line: string, mark: Mark) => say(rng, hero.name, hero.p.he, line, mark),
    fSay: (line: string, mark: Mark) => say(rng, friend.name, friend.p.he, line, mark),
    aSay: (line: string, mark: Mark) => say(rng, adult.name, adult.p.he, line, mark),
    pick: <T>(xs: readonly T[]): T => rng.pick(xs),
  };
}
