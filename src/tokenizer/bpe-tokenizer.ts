// Byte-level BPE encode/decode (GPT-2 family: GPT-2 files, HF tokenizer.json, Wren-trained).
//
// Pipeline: special tokens are cut out of the text first (never split or merged), the rest is
// split by the pre-tokenizer regex, and each pre-token's UTF-8 bytes start as one token per byte
// and merge pairwise, lowest merge rank first (leftmost on ties) — HF `tokenizers`' rule. Results
// per pre-token are cached by the pre-token's text, which is what makes encoding fast: in real
// text a few thousand distinct words cover almost every pre-token.
import { WrenError } from '../errors.ts';
import { PairTable } from './pair-table.ts';
import { specialSplitter } from './pretoken-count.ts';
import { compilePreTokenizer, forEachPreToken, type PreTokenizerSpec } from './pretokenizer.ts';
import type { EncodeOptions, Tokenizer } from './tokenizer.ts';

/** Everything that defines a byte-level BPE tokenizer; plain data, so it can cross to a worker. */
export interface BpeSpec {
  tokens: Uint8Array[];                               // (vocabSize) bytes of each id; a special token: its content's UTF-8
  merges: [number, number][];                          // (nMerges) pairs of ids, in rank order
  specialTokens: { content: string; id: number }[];    // never split, never merged
  preTokenizer: PreTokenizerSpec;
  /** Llama-3 style: a pre-token that is itself in the vocabulary is used whole, before any merge. */
  ignoreMerges?: boolean;
}

const utf8 = new TextEncoder();
const CACHE_LIMIT = 200_000;   // entries; cleared when full (real text rarely gets there)
const CACHE_MAX_CHARS = 256;   // longer pre-tokens are not cached

/** A byte string as a JS string of char codes 0..255: a cheap, exact Map key. */
export function binaryKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export class BpeTokenizer implements Tokenizer {
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  private readonly byteId = new Int32Array(256);         // (256) token id of each single byte
  private readonly pairs: PairTable;                     // (a, b) → (rank, merged id)
  private readonly byBytes = new Map<string, number>();  // ordinary tokens by binaryKey(bytes)
  private readonly specialIds: Set<number>;
  private readonly preRe: RegExp;
  private readonly specialRe: RegExp | undefined;
  private readonly cache = new Map<string, Int32Array>();

  constructor(readonly spec: BpeSpec, readonly source = 'tokenizer') {
    const { tokens, merges, specialTokens } = spec;
    const specials = new Map<string, number>();
    for (const { content, id } of specialTokens) {
      if (!Number.isInteger(id) || id < 0 || id >= tokens.length) throw new WrenError(`${source}: special token '${content}' has id ${id}, outside 0..${tokens.length - 1}`);
      if (content === '') throw new WrenError(`${source}: special token ${id} has empty content`);
      specials.set(content, id);
    }
    this.specialTokens = specials;
    this.specialIds = new Set(specials.values());
    for (let id = 0; id < tokens.length; id++) {
      if (!(tokens[id] instanceof Uint8Array)) throw new WrenError(`${source}: token id ${id} is missing; ids must run 0..${tokens.length - 1} without gaps`);
      if (this.specialIds.has(id)) continue;
      const key = binaryKey(tokens[id]);
      if (!this.byBytes.has(key)) this.byBytes.set(key, id);
    }
    for (let b = 0; b < 256; b++) {
      const id = this.byBytes.get(String.fromCharCode(b));
      if (id === undefined) throw new WrenError(`${source}: no token for byte 0x${b.toString(16).padStart(2, '0')}; a byte-level BPE vocabulary needs all 256 bytes`);
      this.byteId[b] = id;
    }
    this.pairs = new PairTable(merges.length);
    merges.forEach(([a, b], rank) => {
      if (!(a >= 0 && a < tokens.length && b >= 0 && b < tokens.length)) throw new WrenError(`${source}: merge ${rank} refers to token ids ${a}, ${b}; vocab has ${tokens.length}`);
      const merged = this.byBytes.get(binaryKey(tokens[a]) + binaryKey(tokens[b]));
      if (merged === undefined) throw new WrenError(`${source}: merge ${rank} (${a} + ${b}) makes a token that is not in the vocabulary`);
      this.pairs.add(a, b, rank, merged);
    });
    this.preRe = compilePreTokenizer(spec.preTokenizer);
    this.specialRe = specialSplitter([...specials.keys()]);
    const pick = (...names: string[]) => names.map((n) => specials.get(n)).find((id) => id !== undefined);
    this.eosId = pick('<|endoftext|>', '</s>', '<|end_of_text|>', '<|eot_id|>');
    this.bosId = pick('<|begin_of_text|>', '<s>', '<|endoftext|>');
  }

  get vocabSize(): number {
    return this.spec.tokens.length;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (options.bos) out.push(this.required(this.bosId, 'BOS'));
    const mode = options.special ?? 'allowed';
    const re = this.specialRe;
    if (mode === 'text' || re === undefined) {
      this.encodeOrdinary(text, out);
    } else {
      re.lastIndex = 0;
      let start = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (mode === 'disallowed') {
          throw new WrenError(`input contains special token '${m[0]}' at character ${m.index}; pass special: 'allowed' to encode it as its id or 'text' to encode it as plain text`);
        }
        this.encodeOrdinary(text.slice(start, m.index), out);
        out.push(this.specialTokens.get(m[0])!);
        start = m.index + m[0].length;
      }
      this.encodeOrdinary(start === 0 ? text : text.slice(start), out);
    }
    if (options.eos) out.push(this.required(this.eosId, 'EOS'));
    return out;
  }

  /**
   * Encode an arbitrary byte string: valid UTF-8 runs are encoded as text (specials per
   * options.special), and each byte of an invalid sequence becomes its single-byte token, so
   * decodeBytes(encodeBytes(b)) returns b exactly.
   */
  encodeBytes(bytes: Uint8Array, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (options.bos) out.push(this.required(this.bosId, 'BOS'));
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let runStart = 0;
    let i = 0;
    const flush = (end: number) => {
      if (end > runStart) for (const id of this.encode(decoder.decode(bytes.subarray(runStart, end)), { special: options.special })) out.push(id);
    };
    while (i < bytes.length) {
      const n = validUtf8Length(bytes, i);
      if (n > 0) {
        i += n;
        continue;
      }
      flush(i);
      out.push(this.byteId[bytes[i]]);
      runStart = ++i;
    }
    flush(i);
    if (options.eos) out.push(this.required(this.eosId, 'EOS'));
    return out;
  }

  /** Encode text with no special-token handling (appends to `out`). */
  encodeOrdinary(text: string, out: number[]): void {
    if (text.length === 0) return;
    const cache = this.cache;
    forEachPreToken(text, this.preRe, (word) => {
      let ids = cache.get(word);
      if (ids === undefined) {
        ids = this.encodeWord(word);
        if (word.length <= CACHE_MAX_CHARS) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(word, ids);
        }
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]);
    });
  }

  /** BPE on one pre-token: start from bytes, apply the lowest-ranked adjacent merge until none applies. */
  private encodeWord(word: string): Int32Array {
    const bytes = utf8.encode(word);
    if (this.spec.ignoreMerges) {
      const whole = this.byBytes.get(binaryKey(bytes));
      if (whole !== undefined) return Int32Array.of(whole);
    }
    const ids = new Int32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) ids[i] = this.byteId[bytes[i]];
    let n = ids.length;
    const pairs = this.pairs;
    while (n > 1) {
      let bestRank = 0x7fffffff;
      let bestAt = -1;
      let bestId = -1;
      for (let i = 0; i + 1 < n; i++) {
        const slot = pairs.find(ids[i], ids[i + 1]);
        if (slot >= 0 && pairs.first(slot) < bestRank) {
          bestRank = pairs.first(slot);
          bestAt = i;
          bestId = pairs.second(slot);
        }
      }
      if (bestAt < 0) break;
      ids[bestAt] = bestId;
      ids.copyWithin(bestAt + 1, bestAt + 2, n);
      n--;
    }
    return ids.slice(0, n);
  }

  tokenBytes(id: number): Uint8Array {
    const t = this.spec.tokens[id];
    if (t === undefined || !Number.isInteger(id)) throw new WrenError(`token id ${id} is out of range for a ${this.vocabSize}-token tokenizer (${this.source})`);
    return t;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let total = 0;
    for (let i = 0; i < ids.length; i++) total += this.tokenBytes(ids[i]).length;
    const out = new Uint8Array(total);
    let off = 0;
    for (let i = 0; i < ids.length; i++) {
      const t = this.spec.tokens[ids[i]];
      out.set(t, off);
      off += t.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return new TextDecoder().decode(this.decodeBytes(ids));
  }

  /** Id of the ordinary (non-special) token with exactly these bytes, if any. */
  tokenId(bytes: Uint8Array | string): number | undefined {
    return this.byBytes.get(binaryKey(typeof bytes === 'string' ? utf8.encode(bytes) : bytes));
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  private required(id: number | undefined, what: string): number {
    if (id === undefined) throw new WrenError(`${this.source} has no ${what} token; add one as a special token (e.g. <|endoftext|>)`);
    return id;
  }
}

/** Length of the valid UTF-8 sequence starting at bytes[i] (1-4), or 0 if it is invalid there. */
function validUtf8Length(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
