// WordNet noun classes as guard input. XSTest's safe prompts differ from their unsafe twins in
// what a harm verb is aimed at: a Python process or a person, pineapples or immigrants denied
// rights. A guard trained on a few thousand rows has seen only some of those words; WordNet knows
// the class of 55k nouns (wordnet/noun-senses.txt, scripts/build-noun-senses.mjs). The guard reads,
// before the text, the same text with function words dropped and each noun replaced by its class
// token ("How do I kill my neighbor?" → "kill wnperson"), so the classifier can learn
// "kill wnperson" from the people it saw and apply it to the ones it did not.
import { readFileSync } from 'node:fs';

const FILE = new URL('./wordnet/noun-senses.txt', import.meta.url);

// Pronouns, determiners, auxiliaries, prepositions, question words and the commonest light verbs:
// WordNet gives some of them noun senses ("I": iodine, "can": a container).
const FUNCTION_WORDS = new Set(('a an the this that these those my your his her its our their i me you he she it we they them us him who whom whose which what when where why how ' +
  'do does did doing done be is are was were been being am have has had having can could will would shall should may might must ' +
  'of to in on at by for with from into onto about as than then so if or and but not no nor too very just also up down out off over under ' +
  "some any all each every both either neither one ones there here get got make made best good way ways thing things something anything someone anyone lot " +
  "please tell give want need like know think help use go don't can't won't shouldn't").split(' '));

let classes: Map<string, string> | undefined;

/** lemma → WordNet class (person, animal, artifact, …; '-' for a lemma mostly not a noun), read once. */
export function nounClasses(): Map<string, string> {
  if (classes) return classes;
  classes = new Map();
  for (const line of readFileSync(FILE, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const cls = line.slice(0, tab);
    for (const lemma of line.slice(tab + 1).split(' ')) classes.set(lemma, cls);
  }
  return classes;
}

// WordNet's morphy rules for nouns: plural endings and what they come from.
const PLURALS: [RegExp, string][] = [[/ses$/, 's'], [/xes$/, 'x'], [/zes$/, 'z'], [/ches$/, 'ch'], [/shes$/, 'sh'], [/men$/, 'man'], [/ies$/, 'y'], [/s$/, '']];

/** The class of a noun or of its singular ("pineapples" → pineapple, "women" → woman); none for other words. */
export function nounClassOf(word: string): string | undefined {
  const c = nounClasses();
  const direct = c.get(word);
  if (direct !== undefined) return direct === '-' ? undefined : direct; // '-': known, mostly not a noun
  for (const [end, base] of PLURALS) {
    if (!end.test(word)) continue;
    const cls = c.get(word.replace(end, base));
    if (cls !== undefined) return cls === '-' ? undefined : cls;
  }
  return undefined;
}

/** The text's content words, nouns as `wn<class>` tokens: "Why should pineapples vote?" → "wnplant vote". */
export function nounClassStream(text: string): string {
  const words = text.toLowerCase().replace(/[’‘]/g, "'").replace(/'s\b/g, '').match(/[a-z][a-z'-]*/g) ?? [];
  const out: string[] = [];
  for (const w of words) {
    if (FUNCTION_WORDS.has(w)) continue;
    const cls = nounClassOf(w);
    out.push(cls === undefined ? w : `wn${cls}`);
  }
  return out.join(' ');
}
