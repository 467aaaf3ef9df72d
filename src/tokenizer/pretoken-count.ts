// Counting pre-tokens: the first pass of BPE training. Special tokens are cut out of the text
// (they are never part of a pre-token), the rest is split by the pre-tokenizer regex, and each
// distinct pre-token is counted. Text can be cut into chunks for parallel counting only where the
// cut is a pre-token boundary in the whole text: right before a special token, or right after a
// '\n' with non-whitespace on both sides. With GPT-2's and Llama-3's patterns no pre-token runs
// from a newline into non-whitespace, and a lone newline after non-whitespace is a whole
// pre-token either way; but a whitespace run like " \n" before the cut would be split as " ",
// "\n" in the whole text (\s+(?!\S) backs off one character) and kept whole at a chunk's end.
import { compilePreTokenizer, forEachPreToken, type PreTokenizerSpec } from './pretokenizer.ts';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A global regex matching any special token, longest first (so a prefix never shadows a longer one). */
export function specialSplitter(specials: string[]): RegExp | undefined {
  const sorted = [...specials].sort((a, b) => b.length - a.length);
  return sorted.length ? new RegExp(sorted.map(escapeRegex).join('|'), 'g') : undefined;
}

/** Add the pre-token counts of `text` into `counts`. */
export function countPreTokens(text: string, preTokenizer: PreTokenizerSpec, specials: string[], counts = new Map<string, number>()): Map<string, number> {
  const re = compilePreTokenizer(preTokenizer);
  const splitter = specialSplitter(specials);
  const segments = splitter ? text.split(splitter) : [text];
  for (const segment of segments) {
    forEachPreToken(segment, re, (w) => counts.set(w, (counts.get(w) ?? 0) + 1));
  }
  return counts;
}

const isSpace = (c: string) => /\s/u.test(c) || c === '\x85';

/**
 * Cut `text` into about `parts` pieces at pre-token boundaries (see the top of this file).
 * `newlineCuts` allows the newline rule, which holds for GPT-2's and Llama-3's patterns but not
 * for an arbitrary custom one (then only special tokens are cut points).
 */
export function splitAtPreTokenBoundaries(text: string, parts: number, specials: string[], newlineCuts = true): string[] {
  if (parts <= 1 || text.length < 1 << 16) return [text];
  const splitter = specialSplitter(specials);
  const cuts: number[] = [0];
  for (let k = 1; k < parts; k++) {
    let p = Math.max(Math.floor((text.length * k) / parts), cuts[cuts.length - 1] + 1);
    let cut = -1;
    if (splitter) {
      splitter.lastIndex = p;
      const m = splitter.exec(text);
      if (m) cut = m.index;
    }
    if (cut < 0 && newlineCuts) {
      for (; p < text.length; p++) {
        if (text.charCodeAt(p - 1) === 10 && !isSpace(text[p]) && p >= 2 && !isSpace(text[p - 2])) {
          cut = p;
          break;
        }
      }
    }
    if (cut <= cuts[cuts.length - 1] || cut >= text.length) break;
    cuts.push(cut);
  }
  cuts.push(text.length);
  const out: string[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) out.push(text.slice(cuts[i], cuts[i + 1]));
  return out;
}
