// What makes a teacher's answer usable: a story must use its three seed words (any inflection),
// a textbook section must carry the recipe's markers (exercises, solutions) and be long enough.
import type { Recipe } from '../recipes/recipe.ts';
import { wordForms, type Vocabulary } from '../seeds/vocabulary.ts';
import type { StorySeeds, TextbookSeeds } from '../../llm/teacher.ts';

export type Invalid = { reason: 'empty' | 'missing-seed-word' | 'missing-marker' | 'too-short'; detail: string };

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-word, case-insensitive: does `text` contain any of the spellings? */
export function containsWord(text: string, forms: string[]): boolean {
  const re = new RegExp(`(^|[^A-Za-z])(${forms.map(escape).join('|')})(?![A-Za-z])`, 'i');
  return re.test(text);
}

/** The seed words `text` uses, each as a whole word in any of its inflections (`ant` is not in `want`). */
export function seedWordsUsed(text: string, seeds: StorySeeds, vocab: Vocabulary): string[] {
  return (['verb', 'noun', 'adjective'] as const).filter((pos) => containsWord(text, wordForms(vocab, seeds[pos], pos))).map((pos) => seeds[pos]);
}

export function checkStory(text: string, seeds: StorySeeds, vocab: Vocabulary): Invalid | undefined {
  if (text.trim() === '') return { reason: 'empty', detail: 'the teacher answered with no text' };
  for (const pos of ['noun', 'verb', 'adjective'] as const) {
    const word = seeds[pos];
    if (!containsWord(text, wordForms(vocab, word, pos))) return { reason: 'missing-seed-word', detail: `the story does not use the ${pos} "${word}"` };
  }
  return undefined;
}

export function checkTextbook(text: string, recipe: Recipe, _seeds: TextbookSeeds): Invalid | undefined {
  if (text.trim() === '') return { reason: 'empty', detail: 'the teacher answered with no text' };
  for (const m of recipe.requiredMarkers) {
    if (!text.toLowerCase().includes(m.toLowerCase())) return { reason: 'missing-marker', detail: `the section has no "${m}"` };
  }
  if (text.length < recipe.minChars) return { reason: 'too-short', detail: `the section has ${text.length} characters, fewer than ${recipe.minChars}` };
  return undefined;
}

/** Strips what chat models wrap stories in: a leading "Possible story:" / "Story:" label, outer quotes. */
export function cleanStory(text: string): string {
  return text.replace(/^\s*(possible story|story)\s*:\s*/i, '').trim();
}
