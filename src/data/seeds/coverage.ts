// How the seed vocabulary compares with another word list (e.g. the 1,603 seed words of the
// TinyStories generation prompts): overlap both ways, and the words each side lacks.
import { readFileSync } from 'node:fs';
import { WrenError } from '../../errors.ts';
import type { Vocabulary } from './vocabulary.ts';

export type Coverage = { ours: number; theirs: number; shared: number; oursInTheirs: number; theirsInOurs: number; onlyOurs: string[]; onlyTheirs: string[] };

export function vocabularyCoverage(vocab: Vocabulary, theirs: Iterable<string>): Coverage {
  const ours = new Set([...vocab.nouns, ...vocab.verbs, ...vocab.adjectives].map((e) => e.word.toLowerCase()));
  const other = new Set([...theirs].map((w) => w.trim().toLowerCase()).filter((w) => w.length > 0));
  const shared = [...ours].filter((w) => other.has(w)).length;
  return {
    ours: ours.size, theirs: other.size, shared,
    oursInTheirs: shared / ours.size, theirsInOurs: shared / Math.max(other.size, 1),
    onlyOurs: [...ours].filter((w) => !other.has(w)).sort(),
    onlyTheirs: [...other].filter((w) => !ours.has(w)).sort(),
  };
}

/** A word list file: one word a line. */
export function readWordList(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').map((w) => w.trim()).filter((w) => w.length > 0);
  } catch (err) {
    throw new WrenError(`${path}: cannot read the word list (${(err as Error).message})`);
  }
}
