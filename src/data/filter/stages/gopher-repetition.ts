// Gopher repetition rules (Rae et al. 2021, table A1), published thresholds as defaults:
//   duplicate lines ≤ 30% of lines and ≤ 20% of characters; duplicate paragraphs likewise;
//   the most frequent 2/3/4-gram covers ≤ 20/18/16% of characters;
//   characters in duplicated 5…10-grams ≤ 15/14/13/12/11/10%.
// N-grams are compared by 32-bit hash (a collision in one document is ~1e-5 likely and only
// ever makes the rule stricter). A top n-gram seen once is not repetition and never drops.
import { WrenError } from '../../../errors.ts';
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { combine, fnv1a } from '../hash.ts';
import { NgramTable } from '../ngram-table.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';
import { hashWords, isSpaceCode } from '../words.ts';

export interface GopherRepetitionOptions {
  maxDupLinesFraction: number;
  maxDupLineCharsFraction: number;
  maxDupParagraphsFraction: number;
  maxDupParagraphCharsFraction: number;
  /** [n, max fraction of characters covered by the most frequent n-gram]. */
  topNgrams: number[][];
  /** [n, max fraction of characters in n-grams that occurred before]. */
  dupNgrams: number[][];
}

const table = new NgramTable();

const segTable = new NgramTable();

/**
 * Duplicated segments (after the first occurrence) and their characters. Segments are lines
 * (`paragraphs` false: split at every newline) or paragraphs (split at runs of 2+ newlines),
 * trimmed, empty ones ignored, compared by hash (a collision only makes the rule stricter).
 */
function duplicates(text: string, paragraphs: boolean): { dups: number; dupChars: number; n: number } {
  let dups = 0, dupChars = 0, n = 0;
  const L = text.length;
  segTable.reset(64 + (L >> 4));
  for (let at = 0; at <= L; ) {
    let end = text.indexOf('\n', at);
    if (paragraphs) while (end >= 0 && text.charCodeAt(end + 1) !== 10) end = text.indexOf('\n', end + 1);
    if (end < 0) end = L;
    let a = at, b = end;
    while (a < b && isSpaceCode(text.charCodeAt(a))) a++;
    while (b > a && isSpaceCode(text.charCodeAt(b - 1))) b--;
    if (a < b) {
      n++;
      if (segTable.add(combine(fnv1a(text, a, b), b - a)) > 1) { dups++; dupChars += b - a; }
    }
    at = end + 1;
    while (paragraphs && at < L && text.charCodeAt(at) === 10) at++;
  }
  return { dups, dupChars, n };
}

let cur = new Uint32Array(1024); // (words,) n-gram hash starting at each word
let prefix = new Float64Array(1025); // (words + 1,) prefix sums of word lengths

class GopherRepetitionStage implements FilterStage {
  readonly kind = 'gopher-repetition';
  private top: (number | undefined)[] = []; // max fraction by n
  private dup: (number | undefined)[] = [];
  private maxN = 0;
  constructor(readonly name: string, private o: GopherRepetitionOptions) {
    for (const [n, f] of o.topNgrams) { this.top[n] = f; this.maxN = Math.max(this.maxN, n); }
    for (const [n, f] of o.dupNgrams) { this.dup[n] = f; this.maxN = Math.max(this.maxN, n); }
  }

  apply(doc: FilterDoc): StageVerdict {
    const o = this.o;
    const text = doc.text;
    const L = Math.max(1, text.length);
    const paras = duplicates(text, true);
    if (paras.dups / Math.max(1, paras.n) > o.maxDupParagraphsFraction) return drop('dup_paragraphs', `${paras.dups} of ${paras.n} paragraphs repeat`);
    if (paras.dupChars / L > o.maxDupParagraphCharsFraction) return drop('dup_paragraph_chars', `${((100 * paras.dupChars) / L).toFixed(0)}% of characters in repeated paragraphs`);
    const lines = duplicates(text, false);
    if (lines.dups / Math.max(1, lines.n) > o.maxDupLinesFraction) return drop('dup_lines', `${lines.dups} of ${lines.n} lines repeat`);
    if (lines.dupChars / L > o.maxDupLineCharsFraction) return drop('dup_line_chars', `${((100 * lines.dupChars) / L).toFixed(0)}% of characters in repeated lines`);

    const { hash, len, count } = hashWords(text);
    // cur[i] holds the hash of the n-gram starting at word i, extended by one word per size, so
    // all sizes together cost one combine per word per size; prefix[] gives span lengths.
    if (cur.length < count + 1) { cur = new Uint32Array(count + 1024); prefix = new Float64Array(count + 1025); }
    prefix[0] = 0;
    for (let i = 0; i < count; i++) { cur[i] = hash[i]; prefix[i + 1] = prefix[i] + len[i]; }
    for (let n = 2; n <= this.maxN && n <= count; n++) {
      const m = count - n + 1; // n-grams
      for (let i = 0; i < m; i++) cur[i] = combine(cur[i], hash[i + n - 1]);
      const top = this.top[n];
      if (top !== undefined) {
        table.reset(m);
        let best = 0, bestAt = 0;
        for (let i = 0; i < m; i++) {
          const c = table.add(cur[i]);
          if (c > best) { best = c; bestAt = i; }
        }
        const chars = prefix[bestAt + n] - prefix[bestAt] + n - 1; // the n-gram joined with spaces
        if (best >= 2 && (chars * best) / L > top) return drop(`top_${n}gram`, `most frequent ${n}-gram covers ${((100 * chars * best) / L).toFixed(0)}% of characters`);
      }
      const dup = this.dup[n];
      if (dup !== undefined) {
        table.reset(m);
        let repeated = 0;
        for (let i = 0; i < m; ) {
          if (table.has(cur[i])) {
            repeated += prefix[i + n] - prefix[i];
            i += n; // count each repeated span once, as datatrove's find_all_duplicate does
          } else {
            table.add(cur[i]);
            i++;
          }
        }
        if (repeated / L > dup) return drop(`dup_${n}gram`, `${((100 * repeated) / L).toFixed(0)}% of characters in repeated ${n}-grams`);
      }
    }
    return KEEP;
  }
}

export const gopherRepetitionStage: StageFactory<GopherRepetitionOptions> = {
  kind: 'gopher-repetition',
  summary: 'Gopher repetition rules: duplicate lines/paragraphs, top n-gram share, duplicated n-gram share',
  defaults: {
    maxDupLinesFraction: 0.3,
    maxDupLineCharsFraction: 0.2,
    maxDupParagraphsFraction: 0.3,
    maxDupParagraphCharsFraction: 0.2,
    topNgrams: [[2, 0.2], [3, 0.18], [4, 0.16]],
    dupNgrams: [[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]],
  },
  create(name, o) {
    const where = `stage '${name}'`;
    for (const k of ['maxDupLinesFraction', 'maxDupLineCharsFraction', 'maxDupParagraphsFraction', 'maxDupParagraphCharsFraction'] as const) {
      checkRange(where, k, o[k], 0, 1);
    }
    for (const key of ['topNgrams', 'dupNgrams'] as const) {
      for (const pair of o[key]) {
        if (pair.length !== 2 || !Number.isInteger(pair[0])) throw new WrenError(`${where}: each '${key}' entry must be [n, fraction], got ${JSON.stringify(pair)}`);
        checkRange(where, `${key} n`, pair[0], 1, 64);
        checkRange(where, `${key} fraction`, pair[1], 0, 1);
      }
    }
    return new GopherRepetitionStage(name, o);
  },
};
