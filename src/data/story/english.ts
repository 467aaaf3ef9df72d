// Small pieces of English the story grammar needs: articles, capitals, pronouns, sentences.

const AN_EXCEPTIONS = /^(uni|use|usu|ure|uti|eu|ewe|one|once|ufo)/i;
const SILENT_H = /^(hour|honest|honou?r|heir)/i;

/** "a" or "an" for the word that follows. */
export function article(next: string): 'a' | 'an' {
  if (SILENT_H.test(next)) return 'an';
  if (AN_EXCEPTIONS.test(next)) return 'a';
  return /^[aeiou]/i.test(next) ? 'an' : 'a';
}

/** "a ball", "an apple" (the article agrees with the first word of phrase). */
export function withArticle(phrase: string): string {
  return `${article(phrase)} ${phrase}`;
}

export function cap(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

export type Gender = 'she' | 'he';
export type Pronouns = { he: string; him: string; his: string; himself: string };

export function pronouns(g: Gender): Pronouns {
  return g === 'she' ? { he: 'she', him: 'her', his: 'her', himself: 'herself' } : { he: 'he', him: 'him', his: 'his', himself: 'himself' };
}

/** "Lily's" / "Gus's" — possessive of a name or noun phrase. */
export function possessive(name: string): string {
  return `${name}'s`;
}

/** Joins words as "a, b and c". */
export function andList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Tidies a generated sentence: single spaces, no space before punctuation, capital first letter. */
export function sentence(s: string): string {
  const t = s.replace(/\s+/g, ' ').replace(/ ([,.!?])/g, '$1').trim();
  // capitalise the first letter, or the first letter inside an opening quote
  return t.startsWith('"') ? `"${cap(t.slice(1))}` : cap(t);
}
