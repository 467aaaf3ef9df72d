// Word-level views of a document shared by the quality, repetition, dedup and decontamination
// stages. Words are whitespace-separated tokens (as Gopher's rules count them); "hashed" views
// give 32-bit FNV hashes so n-gram sets never build substrings on the hot path.
import { fnv1a } from './hash.ts';

/** True when the UTF-16 code unit is a letter or digit (non-ASCII counts as a letter: scripts vary). */
export function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c > 127 && !isSpaceCode(c) && !(c >= 0x2000 && c <= 0x206f));
}

export function isAlphaCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c > 191 && !isSpaceCode(c) && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f));
}

export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Whitespace-separated words with their hashes and lengths, in one pass over the text. */
export interface HashedWords {
  count: number;
  hash: Uint32Array; // (count,) FNV-1a of each word
  len: Uint32Array; // (count,) characters in each word
}

let scratchHash = new Uint32Array(1024);
let scratchLen = new Uint32Array(1024);

/**
 * Splits on whitespace. With `alnumOnly` (MinHash, decontamination) punctuation also separates words
 * and the text should be lower-cased first. The arrays are reused between calls: copy to keep.
 */
export function hashWords(text: string, alnumOnly = false): HashedWords {
  let n = 0;
  let start = -1;
  const L = text.length;
  if (scratchHash.length < (L >> 1) + 2) {
    scratchHash = new Uint32Array((L >> 1) + 1024);
    scratchLen = new Uint32Array((L >> 1) + 1024);
  }
  let h = 0;
  for (let i = 0; i <= L; i++) {
    const c = i < L ? text.charCodeAt(i) : 32;
    const sep = alnumOnly ? !isAlnumCode(c) : isSpaceCode(c);
    if (sep) {
      if (start >= 0) {
        scratchHash[n] = h >>> 0;
        scratchLen[n] = i - start;
        n++;
        start = -1;
      }
    } else {
      if (start < 0) {
        start = i;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
  }
  return { count: n, hash: scratchHash, len: scratchLen };
}

/** Words as strings (whitespace split), for rules that look at characters inside words. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

export function wordHash(w: string): number {
  return fnv1a(w);
}
