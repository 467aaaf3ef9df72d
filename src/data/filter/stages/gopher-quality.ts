// Gopher quality rules (Rae et al. 2021, "Scaling Language Models", appendix A), with the published
// thresholds as defaults (as datatrove's GopherQualityFilter uses them):
//   50 ≤ words ≤ 100,000; 3 ≤ mean word length ≤ 10; '#' and '…' each ≤ 0.1 per word;
//   ≤ 90% of lines start with a bullet; ≤ 30% of lines end with an ellipsis;
//   ≥ 80% of words contain a letter; ≥ 2 of the stop words {the, be, to, of, and, that, have, with}.
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';
import { isAlnumCode, isAlphaCode, splitWords } from '../words.ts';

export interface GopherQualityOptions {
  minWords: number;
  maxWords: number;
  minMeanWordLength: number;
  maxMeanWordLength: number;
  maxHashRatio: number;
  maxEllipsisRatio: number;
  maxBulletLinesFraction: number;
  maxEllipsisLinesFraction: number;
  minAlphaWordsFraction: number;
  minStopWords: number;
  stopWords: string[];
}

function count(text: string, sub: string): number {
  let n = 0;
  for (let i = text.indexOf(sub); i >= 0; i = text.indexOf(sub, i + sub.length)) n++;
  return n;
}

function stripEdgePunct(w: string): string {
  let a = 0, b = w.length;
  while (a < b && !isAlnumCode(w.charCodeAt(a))) a++;
  while (b > a && !isAlnumCode(w.charCodeAt(b - 1))) b--;
  return a === 0 && b === w.length ? w : w.slice(a, b);
}

class GopherQualityStage implements FilterStage {
  readonly kind = 'gopher-quality';
  private stop: Set<string>;
  constructor(readonly name: string, private o: GopherQualityOptions) {
    this.stop = new Set(o.stopWords.map((w) => w.toLowerCase()));
  }

  apply(doc: FilterDoc): StageVerdict {
    const o = this.o;
    const text = doc.text;
    const words = splitWords(text);
    // Words made only of punctuation do not count as words (datatrove's "non-symbol words").
    let nWords = 0, chars = 0, alpha = 0, stops = 0;
    for (const w of words) {
      let hasAlnum = false, hasAlpha = false;
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        if (!hasAlnum && isAlnumCode(c)) hasAlnum = true;
        if (isAlphaCode(c)) { hasAlpha = true; break; }
      }
      if (hasAlnum || hasAlpha) { nWords++; chars += w.length; }
      if (hasAlpha) alpha++;
      if (w.length <= 6 && this.stop.has(stripEdgePunct(w).toLowerCase())) stops++;
    }
    if (nWords < o.minWords) return drop('too_few_words', `${nWords} words < ${o.minWords}`);
    if (nWords > o.maxWords) return drop('too_many_words', `${nWords} words > ${o.maxWords}`);
    const mean = chars / nWords;
    if (mean < o.minMeanWordLength) return drop('short_words', `mean word length ${mean.toFixed(2)} < ${o.minMeanWordLength}`);
    if (mean > o.maxMeanWordLength) return drop('long_words', `mean word length ${mean.toFixed(2)} > ${o.maxMeanWordLength}`);
    const all = Math.max(1, words.length);
    const hashes = count(text, '#') / all;
    if (hashes > o.maxHashRatio) return drop('too_many_hashes', `${hashes.toFixed(3)} '#' per word > ${o.maxHashRatio}`);
    const ellipses = (count(text, '...') + count(text, '…')) / all;
    if (ellipses > o.maxEllipsisRatio) return drop('too_many_ellipses', `${ellipses.toFixed(3)} ellipses per word > ${o.maxEllipsisRatio}`);
    const lines = text.split('\n');
    let bullets = 0, ellipsisLines = 0, nLines = 0;
    for (const raw of lines) {
      const line = raw.trim();
      if (line.length === 0) continue;
      nLines++;
      const c = line.charCodeAt(0);
      if (c === 0x2022 || c === 45 || c === 42 || c === 0x2023 || c === 0x25cf) bullets++; // • - * ‣ ●
      if (line.endsWith('...') || line.endsWith('…')) ellipsisLines++;
    }
    nLines = Math.max(1, nLines);
    if (bullets / nLines > o.maxBulletLinesFraction) return drop('bullet_lines', `${((100 * bullets) / nLines).toFixed(0)}% of lines are bullets`);
    if (ellipsisLines / nLines > o.maxEllipsisLinesFraction) {
      return drop('ellipsis_lines', `${((100 * ellipsisLines) / nLines).toFixed(0)}% of lines end with an ellipsis`);
    }
    if (alpha / all < o.minAlphaWordsFraction) return drop('few_alpha_words', `${((100 * alpha) / all).toFixed(0)}% of words contain a letter`);
    if (stops < o.minStopWords) return drop('few_stop_words', `${stops} stop words < ${o.minStopWords}`);
    return KEEP;
  }
}

export const gopherQualityStage: StageFactory<GopherQualityOptions> = {
  kind: 'gopher-quality',
  summary: 'Gopher quality rules: word count, mean word length, symbol ratios, bullet/ellipsis lines, alphabetic words, stop words',
  defaults: {
    minWords: 50,
    maxWords: 100_000,
    minMeanWordLength: 3,
    maxMeanWordLength: 10,
    maxHashRatio: 0.1,
    maxEllipsisRatio: 0.1,
    maxBulletLinesFraction: 0.9,
    maxEllipsisLinesFraction: 0.3,
    minAlphaWordsFraction: 0.8,
    minStopWords: 2,
    stopWords: ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'],
  },
  create(name, o) {
    const where = `stage '${name}'`;
    checkRange(where, 'minWords', o.minWords, 0, o.maxWords);
    for (const k of ['maxHashRatio', 'maxEllipsisRatio', 'maxBulletLinesFraction', 'maxEllipsisLinesFraction', 'minAlphaWordsFraction'] as const) {
      checkRange(where, k, o[k], 0, 1);
    }
    return new GopherQualityStage(name, o);
  },
};
