// Byte-level BPE training from pre-token counts.
//
// Vocabulary layout (the one HF's trainer and the cs336 reference produce): special tokens get
// ids 0..k-1, the 256 bytes get k..k+255 in byte-level alphabet order (see byte-level.ts), and
// each merge appends one id. Each step merges the most frequent adjacent pair over all words
// (a word's pairs count once per occurrence, overlapping ones too, times the word's count).
//
// Ties in pair count are broken by `tieBreak`:
//   'lexGreater' (default) — the lexicographically greater pair, comparing (left bytes, right
//       bytes) as byte strings; the cs336 reference (and Python `max(pairs, key=(count, pair))`).
//   'lowestIds' — the pair with the smallest (left id, right id); HF `tokenizers`' BpeTrainer.
//       With this vocabulary layout it equals HF's rule, though HF may still differ where its
//       word counts differ (it counts words after its own pre-tokenization and normalisation).
//
// Incremental: pair counts and a pair → words index are kept up to date; a merge touches only
// the words that contain its pair, and a lazy max-heap (stale entries dropped on pop) gives the
// next best pair, so there is no full recount per merge.
import { WrenError } from '../errors.ts';
import { BYTES_IN_ALPHABET_ORDER } from './byte-level.ts';
import type { BpeSpec } from './bpe-tokenizer.ts';
import { PairTable } from './pair-table.ts';
import { PRE_TOKENIZERS, type PreTokenizerSpec } from './pretokenizer.ts';

export type TieBreak = 'lexGreater' | 'lowestIds';

export interface BpeTrainOptions {
  vocabSize: number;
  specialTokens?: string[];
  /** A pair seen fewer times than this is never merged (training stops early); default 1. */
  minFrequency?: number;
  preTokenizer?: PreTokenizerSpec;
  tieBreak?: TieBreak;
  /** Called now and then with merges done so far and the target. */
  onProgress?: (done: number, total: number) => void;
}

export interface BpeTrainResult {
  spec: BpeSpec;
  /** True when no pair reached minFrequency before the target vocabulary size. */
  stoppedEarly: boolean;
}

/** Bytes compare as unsigned byte strings; a prefix is smaller. */
function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export function checkTrainOptions(opts: BpeTrainOptions): void {
  const specials = opts.specialTokens ?? [];
  const min = 256 + specials.length;
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < min) {
    throw new WrenError(`vocab size ${opts.vocabSize} is too small: byte-level BPE needs at least 256 byte tokens + ${specials.length} special token(s) = ${min}`);
  }
  if (new Set(specials).size !== specials.length || specials.includes('')) throw new WrenError(`special tokens must be distinct and non-empty: ${JSON.stringify(specials)}`);
  if (opts.minFrequency !== undefined && !(opts.minFrequency >= 1)) throw new WrenError(`min frequency must be ≥ 1, got ${opts.minFrequency}`);
}

export function trainBpeFromCounts(counts: Map<string, number>, opts: BpeTrainOptions): BpeTrainResult {
  checkTrainOptions(opts);
  const specials = opts.specialTokens ?? [];
  const minFrequency = opts.minFrequency ?? 1;
  const lexGreater = (opts.tieBreak ?? 'lexGreater') === 'lexGreater';
  if (counts.size === 0) throw new WrenError('the training corpus is empty: no text outside special tokens to learn merges from');

  // vocabulary: specials, then bytes in alphabet order, then merges
  const enc = new TextEncoder();
  const tokens: Uint8Array[] = specials.map((s) => enc.encode(s));
  const byteId = new Int32Array(256);
  for (const b of BYTES_IN_ALPHABET_ORDER) {
    byteId[b] = tokens.length;
    tokens.push(Uint8Array.of(b));
  }

  // words: distinct pre-tokens as id sequences, with counts
  const words: Int32Array[] = [];
  const wordLen: number[] = [];
  const wordCount: number[] = [];
  for (const [word, count] of counts) {
    const bytes = enc.encode(word);
    if (bytes.length === 0) continue;
    const ids = new Int32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) ids[i] = byteId[bytes[i]];
    words.push(ids);
    wordLen.push(ids.length);
    wordCount.push(count);
  }

  // pairs: index → (a, b, count, words containing it)
  const table = new PairTable(1 << 16);
  const pairA: number[] = [];
  const pairB: number[] = [];
  const pairCount: number[] = [];
  const pairWords: number[][] = [];
  const pairIndex = (a: number, b: number): number => {
    const slot = table.upsert(a, b, pairA.length);
    const p = table.second(slot);
    if (p === pairA.length) {
      pairA.push(a);
      pairB.push(b);
      pairCount.push(0);
      pairWords.push([]);
    }
    return p;
  };
  for (let w = 0; w < words.length; w++) {
    const ids = words[w];
    for (let i = 0; i + 1 < ids.length; i++) {
      const p = pairIndex(ids[i], ids[i + 1]);
      pairCount[p] += wordCount[w];
      const list = pairWords[p];
      if (list[list.length - 1] !== w) list.push(w);
    }
  }

  // lazy max-heap of (count, pair)
  const heapCount: number[] = [];
  const heapPair: number[] = [];
  const better = (c1: number, p1: number, c2: number, p2: number): boolean => {
    if (c1 !== c2) return c1 > c2;
    if (lexGreater) {
      const d = compareBytes(tokens[pairA[p1]], tokens[pairA[p2]]) || compareBytes(tokens[pairB[p1]], tokens[pairB[p2]]);
      return d > 0;
    }
    return pairA[p1] !== pairA[p2] ? pairA[p1] < pairA[p2] : pairB[p1] < pairB[p2];
  };
  const push = (c: number, p: number) => {
    let i = heapCount.length;
    heapCount.push(c);
    heapPair.push(p);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!better(heapCount[i], heapPair[i], heapCount[up], heapPair[up])) break;
      [heapCount[i], heapCount[up]] = [heapCount[up], heapCount[i]];
      [heapPair[i], heapPair[up]] = [heapPair[up], heapPair[i]];
      i = up;
    }
  };
  const pop = () => {
    const lastC = heapCount.pop()!;
    const lastP = heapPair.pop()!;
    if (heapCount.length === 0) return;
    heapCount[0] = lastC;
    heapPair[0] = lastP;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heapCount.length && better(heapCount[l], heapPair[l], heapCount[m], heapPair[m])) m = l;
      if (r < heapCount.length && better(heapCount[r], heapPair[r], heapCount[m], heapPair[m])) m = r;
      if (m === i) break;
      [heapCount[i], heapCount[m]] = [heapCount[m], heapCount[i]];
      [heapPair[i], heapPair[m]] = [heapPair[m], heapPair[i]];
      i = m;
    }
  };
  for (let p = 0; p < pairA.length; p++) if (pairCount[p] > 0) push(pairCount[p], p);

  const target = opts.vocabSize - tokens.length;
  const merges: [number, number][] = [];
  const wordStamp = new Int32Array(words.length).fill(-1);
  let touchStamp = new Int32Array(1 << 16).fill(-1); // (pairs) merge that last touched the pair
  let touchOld = new Float64Array(1 << 16);          // (pairs) its count before that merge
  const touched: number[] = [];
  // Change pair (x, y)'s count by d during merge `stamp`, remembering its count before the merge.
  const bump = (x: number, y: number, d: number, stamp: number): number => {
    const p = pairIndex(x, y);
    if (p >= touchStamp.length) {
      const grownStamp = new Int32Array(touchStamp.length * 2).fill(-1);
      grownStamp.set(touchStamp);
      const grownOld = new Float64Array(touchOld.length * 2);
      grownOld.set(touchOld);
      touchStamp = grownStamp;
      touchOld = grownOld;
    }
    if (touchStamp[p] !== stamp) {
      touchStamp[p] = stamp;
      touchOld[p] = pairCount[p];
      touched.push(p);
    }
    pairCount[p] += d;
    return p;
  };
  let stoppedEarly = false;
  while (merges.length < target) {
    // the best live pair
    let best = -1;
    while (heapCount.length > 0) {
      const c = heapCount[0];
      const p = heapPair[0];
      if (c === pairCount[p] && c > 0) {
        best = p;
        break;
      }
      pop();
    }
    if (best < 0 || pairCount[best] < minFrequency) {
      stoppedEarly = true;
      break;
    }
    pop();
    const a = pairA[best];
    const b = pairB[best];
    const merged = tokens.length;
    const ab = new Uint8Array(tokens[a].length + tokens[b].length);
    ab.set(tokens[a]);
    ab.set(tokens[b], tokens[a].length);
    tokens.push(ab);
    merges.push([a, b]);
    const stamp = merges.length;
    touched.length = 0;
    // Merge every occurrence left to right, updating only the pairs around each one (HF's
    // Word::merge): with in-place output, "prev" is the last token written, so overlapping
    // runs like "a a a" and adjacent repeats like "a b a b" come out right.
    const addWord = (p: number, w: number) => {
      const list = pairWords[p];
      if (list[list.length - 1] !== w) list.push(w);
    };
    for (const w of pairWords[best]) {
      if (wordStamp[w] === stamp) continue;
      wordStamp[w] = stamp;
      const ids = words[w];
      const n = wordLen[w];
      const c = wordCount[w];
      let m = 0;
      for (let i = 0; i < n; i++) {
        if (i + 1 < n && ids[i] === a && ids[i + 1] === b) {
          bump(a, b, -c, stamp);
          if (m > 0) {
            bump(ids[m - 1], a, -c, stamp);
            addWord(bump(ids[m - 1], merged, c, stamp), w);
          }
          if (i + 2 < n) {
            bump(b, ids[i + 2], -c, stamp);
            addWord(bump(merged, ids[i + 2], c, stamp), w);
          }
          ids[m++] = merged;
          i++;
        } else ids[m++] = ids[i];
      }
      wordLen[w] = m; // m === n: a stale index entry (an earlier merge consumed the pair here)
    }
    pairWords[best] = [];
    for (const p of touched) if (pairCount[p] !== touchOld[p] && pairCount[p] > 0) push(pairCount[p], p);
    if (opts.onProgress && (merges.length & 63) === 0) opts.onProgress(merges.length, target);
  }
  opts.onProgress?.(merges.length, target);
  return {
    spec: {
      tokens,
      merges,
      specialTokens: specials.map((content, id) => ({ content, id })),
      preTokenizer: opts.preTokenizer ?? PRE_TOKENIZERS.gpt2,
    },
    stoppedEarly,
  };
}
