// A last pass over a finished story that swaps some everyday words for a simple synonym
// ("little" → "small", "began to" → "started to"), so the same template does not always give the
// same words. Seed words (in every inflection) are never touched, and no synonym starts with a
// vowel, so "a"/"an" stay right.
import type { Rng } from '../seeds/rng.ts';

const SWAPS: [RegExp, string[]][] = [
  // not in idioms: "a little later", "a little bit", "a little sad"
  [/\blittle\b(?! (later|bit|while|more|better|shy|sad|tired|scared|longer|trick))/g, ['small', 'tiny']],
  [/\bbig\b/g, ['large', 'huge']],
  [/(?<=\ba )very\b/g, ['really']], // "a very good day", never "a so good day"
  [/(?<!\ba )\bvery\b/g, ['so', 'really']],
  [/\bhappy\b/g, ['glad']],
  [/\bsmiled\b/g, ['grinned']],
  [/\blaughed\b/g, ['giggled']],
  [/\bwent to the\b/g, ['walked to the']],
  [/\bsaw\b/g, ['spotted']],
  [/\bpretty\b/g, ['lovely']],
  [/\bbegan to\b/g, ['started to']],
  [/\bfriend (?=[A-Z])/g, ['pal ']],
  [/\bcame by\b/g, ['stopped by']],
  [/\bloved\b/g, ['liked']],
];

export function varyWords(text: string, rng: Rng, protect: Set<string>, rate = 0.35): string {
  let out = text;
  for (const [re, alts] of SWAPS) {
    out = out.replace(re, (m) => (protect.has(m.trim().toLowerCase()) || !rng.chance(rate) ? m : rng.pick(alts)));
  }
  return out;
}
