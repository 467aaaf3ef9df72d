// C4-style line rules (Raffel et al. 2020, §2.2; datatrove's C4QualityFilter): remove lines that
// do not end in terminal punctuation, have fewer than 3 words, mention javascript, or are
// cookie/privacy boilerplate; strip Wikipedia citation marks; drop documents that contain
// "lorem ipsum" or a curly bracket, or keep fewer than 5 sentences.
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';
import { isSpaceCode } from '../words.ts';

export interface C4LinesOptions {
  terminalPunctuation: string[];
  minWordsPerLine: number;
  maxWordLength: number;
  minSentences: number;
  removeCitations: boolean;
  dropJavascriptLines: boolean;
  dropPolicyLines: boolean;
  policyPhrases: string[];
  dropLoremIpsum: boolean;
  dropCurlyBracket: boolean;
}

const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/gi;

/** Sentence ends in text[a, b): runs of . ! ? … followed (after closing quotes/brackets) by space or the end. */
function countSentences(text: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c !== 46 && c !== 33 && c !== 63 && c !== 0x2026) continue;
    let j = i + 1;
    while (j < b && /[.!?…"'”’)\]]/.test(text[j])) j++;
    if (j === b || isSpaceCode(text.charCodeAt(j))) n++;
    i = j - 1;
  }
  return n === 0 ? 1 : n;
}

class C4LinesStage implements FilterStage {
  readonly kind = 'c4-lines';
  constructor(readonly name: string, private o: C4LinesOptions) {}

  private endsWithTerminal(text: string, a: number, b: number): boolean {
    for (const p of this.o.terminalPunctuation) if (b - a >= p.length && text.startsWith(p, b - p.length)) return true;
    return false;
  }

  /** Fewer than minWordsPerLine words, or a word longer than maxWordLength. */
  private badWords(text: string, a: number, b: number): boolean {
    let words = 0, wordStart = -1;
    for (let i = a; i <= b; i++) {
      const space = i === b || isSpaceCode(text.charCodeAt(i));
      if (space) {
        if (wordStart >= 0) {
          words++;
          if (i - wordStart > this.o.maxWordLength) return true;
          wordStart = -1;
        }
      } else if (wordStart < 0) wordStart = i;
    }
    return words < this.o.minWordsPerLine;
  }

  private badPhrase(low: string, a: number, b: number): boolean {
    const line = low.slice(a, b);
    return (this.o.dropJavascriptLines && line.includes('javascript')) || (this.o.dropPolicyLines && this.o.policyPhrases.some((p) => line.includes(p)));
  }

  apply(doc: FilterDoc): StageVerdict {
    const o = this.o;
    let text = doc.text;
    const lower = text.toLowerCase();
    if (o.dropLoremIpsum && lower.includes('lorem ipsum')) return drop('lorem_ipsum');
    if (o.dropCurlyBracket && text.includes('{')) return drop('curly_bracket', 'contains "{" (code or templates)');
    if (o.removeCitations) text = text.replace(CITATION, '');
    const kept: string[] = [];
    const low = o.removeCitations && text !== doc.text ? text.toLowerCase() : lower;
    // Phrase checks per line only when the document contains one of the phrases at all.
    const phrases = (o.dropJavascriptLines && low.includes('javascript')) || (o.dropPolicyLines && o.policyPhrases.some((p) => low.includes(p)));
    let removed = 0, sentences = 0;
    const L = text.length;
    for (let at = 0; at <= L; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = L;
      let a = at, b = end;
      at = end + 1;
      while (a < b && isSpaceCode(text.charCodeAt(a))) a++;
      while (b > a && isSpaceCode(text.charCodeAt(b - 1))) b--;
      if (a === b) { kept.push(''); continue; }
      if (!this.endsWithTerminal(text, a, b) || this.badWords(text, a, b) || (phrases && this.badPhrase(low, a, b))) { removed++; continue; }
      kept.push(text.slice(a, b));
      sentences += countSentences(text, a, b);
    }
    if (sentences < o.minSentences) return drop('few_sentences', `${sentences} sentences in kept lines < ${o.minSentences}`);
    if (removed === 0 && text === doc.text) return KEEP;
    doc.text = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    return { keep: true, edited: removed > 0 ? 'removed_lines' : 'removed_citations' };
  }
}

export const c4LinesStage: StageFactory<C4LinesOptions> = {
  kind: 'c4-lines',
  summary: 'C4 line rules: removes lines without terminal punctuation, short lines, javascript/policy boilerplate; drops lorem ipsum, "{", < 5 sentences',
  defaults: {
    terminalPunctuation: ['.', '?', '!', '"', "'", '”', '’', '…'],
    minWordsPerLine: 3,
    maxWordLength: 1000,
    minSentences: 5,
    removeCitations: true,
    dropJavascriptLines: true,
    dropPolicyLines: true,
    policyPhrases: ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'],
    dropLoremIpsum: true,
    dropCurlyBracket: true,
  },
  create(name, o) {
    checkRange(`stage '${name}'`, 'minWordsPerLine', o.minWordsPerLine, 0, 1000);
    checkRange(`stage '${name}'`, 'minSentences', o.minSentences, 0, 1e6);
    return new C4LinesStage(name, o);
  },
};
