// Gopher repetition rules (Rae et al. 2021, table A1), published thresholds as defaults:
//   duplicate lines ≤ 30% of lines and ≤ 20% of characters; duplicate paragraphs likewise;
//   the most frequent 2/3/4-gram covers ≤ 20/18/16% of characters;
//   characters in duplicated 5…10-grams ≤ 15/14/13/12/11/10%.
// N-grams are compared by 32-bit hash (a collision in one document is ~1e-5 likely and only
// ever makes the rule stricter). A top n-gram seen once is not repetition and never drops.
import { WrenError } from '../../../errors.ts';
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { combine } from '../hash.ts';
import { NgramTable } from '../ngram-table.ts';
import { checkRange, type FilterStage, type StageFactory } from '../stage.ts';
import { hashWords } from '../words.ts';

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

/** Duplicated elements (after the first occurrence) and their characters. */
function duplicates(parts: string[]): { dups: number; dupChars: number; n: number } {
  const seen = new Set<string>();
  let dups = 0, dupChars = 0, n = 0;
  for (const p of parts) {
    if (p.length === 0) continue;
    n++;
    if (seen.has(p)) { dups++; dupChars += p.length; } else seen.add(p);
  }
  return { dups, dupChars, n };
}

class GopherRepetitionStage implements FilterStage {
  readonly kind = 'gopher-repetition';
  constructor(readonly name: string, private o: GopherRepetitionOptions) {}

  apply(doc: FilterDoc): StageVerdict {
    const o = this.o;
    const text = doc.text;
    const L = Math.max(1, text.length);
    const paras = duplicates(text.split(/\n{2,}/).map((p) => p.trim()));
    if (paras.dups / Math.max(1, paras.n) > o.maxDupParagraphsFraction) return drop('dup_paragraphs', `${paras.dups} of ${paras.n} paragraphs repeat`);
    if (paras.dupChars / L > o.maxDupParagraphCharsFraction) return drop('dup_paragraph_chars', `${((100 * paras.dupChars) / L).toFixed(0)}% of characters in repeated paragraphs`);
    const lines = duplicates(text.split('\n').map((l) => l.trim()));
    if (lines.dups / Math.max(1, lines.n) > o.maxDupLinesFraction) return drop('dup_lines', `${lines.dups} of ${lines.n} lines repeat`);
    if (lines.dupChars / L > o.maxDupLineCharsFraction) return drop('dup_line_chars', `${((100 * lines.dupChars) / L).toFixed(0)}% of characters in repeated lines`);

    const w = hashWords(text);
    const { hash, len, count } = w;
    for (const [n, frac] of o.topNgrams) {
      if (count < n) continue;
      table.reset(count);
      let best = 0, bestAt = 0;
      for (let i = 0; i + n <= count; i++) {
        let h = hash[i];
        for (let j = 1; j < n; j++) h = combine(h, hash[i + j]);
        const c = table.add(h);
        if (c > best) { best = c; bestAt = i; }
      }
      if (best < 2) continue;
      let chars = n - 1; // the n-gram joined with spaces
      for (let j = 0; j < n; j++) chars += len[bestAt + j];
      if ((chars * best) / L > frac) return drop(`top_${n}gram`, `most frequent ${n}-gram covers ${((100 * chars * best) / L).toFixed(0)}% of characters`);
    }
    for (const [n, frac] of o.dupNgrams) {
      if (count < n) continue;
      table.reset(count);
      let repeated = 0;
      let i = 0;
      while (i + n <= count) {
        let h = hash[i];
        for (let j = 1; j < n; j++) h = combine(h, hash[i + j]);
        if (table.has(h)) {
          for (let j = 0; j < n; j++) repeated += len[i + j];
          i += n; // count each repeated span once, as datatrove's find_all_duplicate does
        } else {
          table.add(h);
          i++;
        }
      }
      if (repeated / L > frac) return drop(`dup_${n}gram`, `${((100 * repeated) / L).toFixed(0)}% of characters in repeated ${n}-grams`);
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
