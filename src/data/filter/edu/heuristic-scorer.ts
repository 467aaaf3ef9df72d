// The built-in educational-value heuristic: the offline default when no classifier or teacher is
// configured. It is NOT a model of the FineWeb-Edu rubric — it is a transparent points system in
// the rubric's additive spirit, scoring what a rule can see:
//   web:     explanatory/instructional vocabulary, textbook markers (definitions, examples,
//            exercises), sentence shape; minus commerce/spam vocabulary and first-person chatter.
//   code:    comments and docstrings, named functions/classes, descriptive identifiers, sane size.
//   stories: simple vocabulary (TinyStories' 3-year-old rule), dialogue, a whole narrative arc.
// Its agreement with Llama-3.3-70B's scores on the 150 shared FineWeb rows is measured in the tests
// and printed by `wren filter train-classifier` for comparison; treat it as a coarse pre-filter.
import { commentChars, extensionOf } from '../code-comments.ts';
import { fnv1a } from '../hash.ts';
import { hashWords } from '../words.ts';
import { clampScore, type EduScorer } from './scorer.ts';

const EDU_WORDS = new Set(
  ('learn learning explain explains explained example examples because therefore thus define defined definition means called ' +
    'process cause causes effect result results method theory concept concepts principle study studies research students student ' +
    'teacher lesson chapter exercise exercises solution solve problem equation formula calculate measure describe describes ' +
    'understand important science scientific history historical century energy cells cell species body water earth ' +
    'system systems function structure analysis evidence data experiment observe observation numbers number fraction ' +
    'language grammar word words meaning include includes including called known however although whereas ' +
    'first second finally step steps how why what which').split(' '),
);
const SPAM_WORDS = new Set(
  ('buy price prices sale discount discounts shop shopping cart shipping click subscribe login ' +
    'coupon coupons casino betting viagra loan loans cheap deals offers product products brand brands ' +
    'store purchase customers sponsored ads').split(' '),
);
const FIRST_PERSON = new Set(['i', 'me', 'my', 'mine', 'myself']);
const SIMPLE_WORDS_MAX_LEN = 5;

export type HeuristicProfile = 'web' | 'code' | 'stories';

// Lexicons as sets of word hashes, so scoring never builds word strings (hot path).
const hashSet = (words: Set<string>) => new Set([...words].map((w) => fnv1a(w)));
const LEXICON = new Map<number, number>(); // word hash → 1 edu, 2 spam, 3 first person
for (const [set, kind] of [[FIRST_PERSON, 3], [SPAM_WORDS, 2], [EDU_WORDS, 1]] as const) for (const h of hashSet(set)) LEXICON.set(h, kind);

export function scoreWeb(text: string): number {
  const { hash, count: n } = hashWords(text.toLowerCase(), true);
  if (n < 20) return 0;
  let edu = 0, spam = 0, first = 0;
  for (let i = 0; i < n; i++) {
    const kind = LEXICON.get(hash[i]);
    if (kind === 1) edu++;
    else if (kind === 2) spam++;
    else if (kind === 3) first++;
  }
  const sentences = Math.max(1, (text.match(/[.!?](\s|$)/g) ?? []).length);
  const meanSentence = n / sentences;
  let s = 1; // any coherent text with some information
  s += Math.min(1.5, (edu / n) * 25); // ~6% explanatory vocabulary earns the full 1.5
  if (/\b(is defined as|refers to|is called|for example|for instance|in other words|such as)\b/i.test(text)) s += 0.75;
  if (/\b(exercise|question|answer|solution|step \d|lesson|chapter|quiz)\b/i.test(text)) s += 0.5;
  if (meanSentence >= 10 && meanSentence <= 30) s += 0.5;
  if (n >= 150) s += 0.5;
  s -= Math.min(2, (spam / n) * 30);
  s -= Math.min(0.5, (first / n) * 8); // personal writing can still teach: a small penalty
  return clampScore(s);
}

export function scoreCode(text: string, path = ''): number {
  const lines = text.split('\n');
  const ext = extensionOf(path) || 'js';
  const comments = commentChars(text, ext);
  const frac = comments < 0 ? 0 : comments / Math.max(1, text.length);
  let s = 1;
  if (frac >= 0.05 && frac <= 0.5) s += 1;
  else if (frac > 0.01) s += 0.5;
  if (/\/\*\*[\s\S]*?@(param|returns?)\b|"""[\s\S]+?"""|^\s*#\s+\w+.*\n\s*(def|class)\b/m.test(text)) s += 1;
  const defs = (text.match(/\b(function|def|class|fn|func|interface)\s+[A-Za-z_]\w*/g) ?? []).length;
  if (defs >= 1) s += 0.5;
  if (defs >= 3) s += 0.25;
  const ids = text.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? [];
  const meanId = ids.reduce((a, w) => a + w.length, 0) / Math.max(1, ids.length);
  if (meanId >= 4 && meanId <= 20) s += 0.5;
  if (lines.length >= 20 && lines.length <= 1000) s += 0.5;
  if (/\b(eval|exec)\s*\(|\bTODO\b|\bFIXME\b|\bXXX\b/.test(text)) s -= 0.25;
  return clampScore(s);
}

export function scoreStory(text: string): number {
  const { len, count: n } = hashWords(text, true);
  if (n < 20) return 0;
  let simple = 0;
  for (let i = 0; i < n; i++) if (len[i] <= SIMPLE_WORDS_MAX_LEN) simple++;
  let s = 1;
  s += Math.min(1.5, Math.max(0, (simple / n - 0.6) * 5)); // ≥ 90% short words earns the full 1.5
  if (/["“”]/.test(text)) s += 0.5; // dialogue
  if (n >= 80 && n <= 600) s += 1;
  if (/[.!?]["”’]?\s*$/.test(text)) s += 0.5; // ends on a finished sentence
  if (/\b(learned|lesson|realized|from that day|felt|because)\b/i.test(text)) s += 0.5; // a moral or a turn
  return clampScore(s);
}

export class HeuristicEduScorer implements EduScorer {
  readonly kind = 'heuristic';
  constructor(readonly profile: HeuristicProfile) {}
  score(text: string, id: string): number {
    if (this.profile === 'code') return scoreCode(text, id);
    if (this.profile === 'stories') return scoreStory(text);
    return scoreWeb(text);
  }
}
