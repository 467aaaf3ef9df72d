// Gopher quality rules (Rae et al. 2021, "Scaling Language Models", appendix A), with the published
// thresholds as defaults (as datatrove's GopherQualityFilter uses them):
//   50 ≤ words ≤ 100,000; 3 ≤ mean word length ≤ 10; '#' and '…' each ≤ 0.1 per word;
//   ≤ 90% of lines start with a bullet; ≤ 30% of lines end with an ellipsis;
//   ≥ 80% of words contain a letter; ≥ 2 of the stop words {the, be, to, of, and, that, have, with}.
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';
import { isAlnumCode, isAlphaCode, isSpaceCode } from '../words.ts';

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

/** FNV-1a of a word's letters and digits, lower-cased (ASCII): 'The,' and 'the' hash alike. */
function coreHash(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) {
    let c = w.charCodeAt(i);
    if (!isAlnumCode(c)) continue;
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

class GopherQualityStage implements FilterStage {
  readonly kind = 'gopher-quality';
  private stop: Set<number>;
  constructor(readonly name: string, private o: GopherQualityOptions) {
    this.stop = new Set(o.stopWords.map(coreHash));
  }

  apply(doc: FilterDoc): StageVerdict {
    const o = this.o;
    const text = doc.text;
    const L = text.length;
    // One pass over whitespace-separated tokens. Tokens made only of punctuation do not count as
    // words (datatrove's "non-symbol words"); stop words match with edge punctuation stripped.
    let all = 0, nWords = 0, chars = 0, alpha = 0, stops = 0;
    let start = -1, hasAlnum = false, hasAlpha = false, h = 0x811c9dc5;
    for (let i = 0; i <= L; i++) {
      const c = i < L ? text.charCodeAt(i) : 32;
      if (isSpaceCode(c)) {
        if (start >= 0) {
          all++;
          if (hasAlnum) { nWords++; chars += i - start; }
          if (hasAlpha) alpha++;
          if (i - start <= 6 && this.stop.has(h >>> 0)) stops++;
          start = -1;
        }
        continue;
      }
      if (start < 0) { start = i; hasAlnum = false; hasAlpha = false; h = 0x811c9dc5; }
      if (isAlnumCode(c)) {
        hasAlnum = true;
        if (!hasAlpha && isAlphaCode(c)) hasAlpha = true;
        h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), 0x01000193);
      }
    }
    if (nWords < o.minWords) return drop('too_few_words', `${nWords} words < ${o.minWords}`);
    if (nWords > o.maxWords) return drop('too_many_words', `${nWords} words > ${o.maxWords}`);
    const mean = chars / nWords;
    if (mean < o.minMeanWordLength) return drop('short_words', `mean word length ${mean.toFixed(2)} < ${o.minMeanWordLength}`);
    if (mean > o.maxMeanWordLength) return drop('long_words', `mean word length ${mean.toFixed(2)} > ${o.maxMeanWordLength}`);
    all = Math.max(1, all);
    const hashes = count(text, '#') / all;
    if (hashes > o.maxHashRatio) return drop('too_many_hashes', `${hashes.toFixed(3)} '#' per word > ${o.maxHashRatio}`);
    const ellipses = (count(text, '...') + count(text, '…')) / all;
    if (ellipses > o.maxEllipsisRatio) return drop('too_many_ellipses', `${ellipses.toFixed(3)} ellipses per word > ${o.maxEllipsisRatio}`);
    let bullets = 0, ellipsisLines = 0, nLines = 0;
    for (let at = 0; at <= L; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = L;
      let a = at, b = end;
      while (a < b && isSpaceCode(text.charCodeAt(a))) a++;
      while (b > a && isSpaceCode(text.charCodeAt(b - 1))) b--;
      if (a < b) {
        nLines++;
        const c = text.charCodeAt(a);
        if (c === 0x2022 || c === 45 || c === 42 || c === 0x2023 || c === 0x25cf) bullets++; // • - * ‣ ●
        if (text.charCodeAt(b - 1) === 0x2026 || (b - a >= 3 && text.startsWith('...', b - 3))) ellipsisLines++;
      }
      at = end + 1;
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
