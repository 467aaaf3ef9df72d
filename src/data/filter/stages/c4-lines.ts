// C4-style line rules (Raffel et al. 2020, §2.2; datatrove's C4QualityFilter): remove lines that
// do not end in terminal punctuation, have fewer than 3 words, mention javascript, or are
// cookie/privacy boilerplate; strip Wikipedia citation marks; drop documents that contain
// "lorem ipsum" or a curly bracket, or keep fewer than 5 sentences.
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';

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

class C4LinesStage implements FilterStage {
  readonly kind = 'c4-lines';
  constructor(readonly name: string, private o: C4LinesOptions) {}

  apply(doc: FilterDoc): StageVerdict {
    const o = this.o;
    let text = doc.text;
    const lower = text.toLowerCase();
    if (o.dropLoremIpsum && lower.includes('lorem ipsum')) return drop('lorem_ipsum');
    if (o.dropCurlyBracket && text.includes('{')) return drop('curly_bracket', 'contains "{" (code or templates)');
    if (o.removeCitations) text = text.replace(CITATION, '');
    const kept: string[] = [];
    let removed = 0, sentences = 0;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.length === 0) { kept.push(''); continue; }
      const words = line.split(/\s+/);
      const low = line.toLowerCase();
      const bad =
        !o.terminalPunctuation.some((p) => line.endsWith(p)) ||
        words.length < o.minWordsPerLine ||
        words.some((w) => w.length > o.maxWordLength) ||
        (o.dropJavascriptLines && low.includes('javascript')) ||
        (o.dropPolicyLines && o.policyPhrases.some((p) => low.includes(p)));
      if (bad) { removed++; continue; }
      kept.push(line);
      const m = line.match(/[.!?…]+(?=["'”’)\]]*(\s|$))/g);
      sentences += m ? m.length : 1;
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
