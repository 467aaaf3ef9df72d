// Spoken lines in the TinyStories style: `Mom said, "Be careful."`, `"Help!" cried Lily.`,
// `"Can I play?" she asked.` The line comes without its final mark; the mark picks the verb.
import type { Rng } from '../seeds/rng.ts';
import { cap } from './english.ts';

export type Mark = '.' | '!' | '?';

export function say(rng: Rng, speaker: string, pronoun: string, line: string, mark: Mark): string {
  const verb = mark === '?' ? 'asked' : mark === '!' ? rng.pick(['shouted', 'cried', 'said']) : rng.pick(['said', 'said', 'whispered', 'replied']);
  const text = cap(line);
  switch (rng.below(3)) {
    case 0:
      return `${cap(speaker)} ${verb}, "${text}${mark}"`;
    case 1:
      return `"${text}${mark === '.' ? ',' : mark}" ${verb} ${speaker}.`;
    default:
      return `"${text}${mark === '.' ? ',' : mark}" ${pronoun} ${verb}.`;
  }
}
