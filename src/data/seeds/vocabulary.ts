// The seed vocabulary: ~1,600 words a 3-4 year old knows, tagged noun / verb / adjective with the
// inflections a story needs. Shipped as vocabulary.json beside this file (Wren's own list).
//
// File format (JSON, format "wren-vocabulary", version 1):
//   nouns:      [{ word, plural: string|null (null = uncountable), class, intro? }]
//                class is what a story can do with it: person animal animalpart thing big food
//                stuff nature place body idea event when meal; intro (idea nouns) is the
//                past-tense verb that introduces it ("sang" a song, "heard" a noise).
//   verbs:      [{ word, past, ing, third, uses: [{ object, takes? } | { agent }] }]
//                object follows the verb ("hang" + "[the picture] on the wall"); the bracketed
//                part may be replaced by "the <seed noun>" when the noun's class is in takes.
//                agent: the verb is done by a thing, not a character ("@the snowman" melts).
//   adjectives: [{ word, class }]   class: feel trait look day taste
//   functionWords: [string]         the small words every story needs (stats count them as known)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WrenError } from '../../errors.ts';

export const NOUN_CLASSES = ['person', 'animal', 'animalpart', 'thing', 'big', 'food', 'stuff', 'nature', 'place', 'body', 'idea', 'event', 'when', 'meal'] as const;
export const ADJECTIVE_CLASSES = ['feel', 'trait', 'look', 'day', 'taste'] as const;
export type NounClass = (typeof NOUN_CLASSES)[number];
export type AdjectiveClass = (typeof ADJECTIVE_CLASSES)[number];

export type Noun = { word: string; plural: string | null; class: NounClass; intro?: string };
export type VerbUse = { object: string; takes?: NounClass[] } | { agent: string };
export type Verb = { word: string; past: string; ing: string; third: string; uses: VerbUse[] };
export type Adjective = { word: string; class: AdjectiveClass };
export type Vocabulary = { nouns: Noun[]; verbs: Verb[]; adjectives: Adjective[]; functionWords: string[] };

export const DEFAULT_VOCABULARY_PATH = fileURLToPath(new URL('./vocabulary.json', import.meta.url));

let cached: Vocabulary | undefined;

/** The built-in vocabulary (parsed once). */
export function defaultVocabulary(): Vocabulary {
  cached ??= loadVocabulary(DEFAULT_VOCABULARY_PATH);
  return cached;
}

export function loadVocabulary(path: string): Vocabulary {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WrenError(`${path}: cannot read the vocabulary (${(err as Error).message})`);
  }
  return parseVocabulary(raw, path);
}

const isWord = (x: unknown): x is string => typeof x === 'string' && /^[A-Za-z][a-z'-]*$/.test(x);

/** Checks every entry; the error names the file, the list, the index and the field. */
export function parseVocabulary(raw: unknown, source: string): Vocabulary {
  const o = raw as Record<string, unknown>;
  if (!o || typeof o !== 'object' || o.format !== 'wren-vocabulary') {
    throw new WrenError(`${source}: not a Wren vocabulary (expected "format": "wren-vocabulary")`);
  }
  if (o.version !== 1) throw new WrenError(`${source}: vocabulary version ${String(o.version)} is not supported (expected 1)`);
  const list = (name: string): Record<string, unknown>[] => {
    const v = o[name];
    if (!Array.isArray(v) || v.length === 0) throw new WrenError(`${source}: "${name}" must be a non-empty list`);
    return v as Record<string, unknown>[];
  };
  const bad = (name: string, i: number, field: string, want: string): never => {
    throw new WrenError(`${source}: ${name}[${i}].${field} must be ${want}`);
  };
  const nouns = list('nouns').map((e, i): Noun => {
    if (!isWord(e.word)) bad('nouns', i, 'word', 'a word');
    if (e.plural !== null && !isWord(e.plural)) bad('nouns', i, 'plural', 'a word or null');
    if (!(NOUN_CLASSES as readonly unknown[]).includes(e.class)) bad('nouns', i, 'class', `one of ${NOUN_CLASSES.join(' ')}`);
    if (e.intro !== undefined && typeof e.intro !== 'string') bad('nouns', i, 'intro', 'a verb in the past tense');
    return e as Noun;
  });
  const verbs = list('verbs').map((e, i): Verb => {
    for (const f of ['word', 'past', 'ing', 'third']) if (!isWord(e[f])) bad('verbs', i, f, 'a word');
    if (!Array.isArray(e.uses) || e.uses.length === 0) bad('verbs', i, 'uses', 'a non-empty list');
    (e.uses as Record<string, unknown>[]).forEach((u, j) => {
      const okAgent = typeof u.agent === 'string' && u.agent.length > 0;
      const okObject = typeof u.object === 'string';
      if (!okAgent && !okObject) bad('verbs', i, `uses[${j}]`, 'an object {"object": "..."} or {"agent": "..."}');
      if (u.takes !== undefined && (!Array.isArray(u.takes) || !u.takes.every((c) => (NOUN_CLASSES as readonly unknown[]).includes(c)))) {
        bad('verbs', i, `uses[${j}].takes`, `a list of noun classes (${NOUN_CLASSES.join(' ')})`);
      }
    });
    return e as Verb;
  });
  const adjectives = list('adjectives').map((e, i): Adjective => {
    if (!isWord(e.word)) bad('adjectives', i, 'word', 'a word');
    if (!(ADJECTIVE_CLASSES as readonly unknown[]).includes(e.class)) bad('adjectives', i, 'class', `one of ${ADJECTIVE_CLASSES.join(' ')}`);
    return e as Adjective;
  });
  const functionWords = Array.isArray(o.functionWords) ? (o.functionWords as unknown[]).filter((w): w is string => typeof w === 'string') : [];
  return { nouns, verbs, adjectives, functionWords };
}

/** Every spelling of a seed word a story may use (word, plural, past, -ing, he/she form). */
export function wordForms(vocab: Vocabulary, word: string, pos: 'noun' | 'verb' | 'adjective'): string[] {
  if (pos === 'noun') {
    const n = vocab.nouns.find((x) => x.word === word);
    return n ? [n.word, ...(n.plural ? [n.plural] : [])] : [word];
  }
  if (pos === 'verb') {
    const v = vocab.verbs.find((x) => x.word === word);
    return v ? [v.word, v.past, v.ing, v.third] : [word];
  }
  return [word];
}

/** All known spellings (lower case): seed words with their inflections plus function words. */
export function knownWordSet(vocab: Vocabulary): Set<string> {
  const s = new Set<string>();
  for (const n of vocab.nouns) {
    s.add(n.word.toLowerCase());
    if (n.plural) s.add(n.plural.toLowerCase());
  }
  for (const v of vocab.verbs) for (const f of [v.word, v.past, v.ing, v.third]) s.add(f);
  for (const a of vocab.adjectives) s.add(a.word);
  for (const w of vocab.functionWords) s.add(w.toLowerCase());
  return s;
}
