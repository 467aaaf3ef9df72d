// llama2.c's tokenizer.bin and the encode/decode of karpathy's run.c, reproduced exactly so a
// model exported by llama2.c generates the same tokens and text here as under ./run.
//
// File format (little-endian, no header magic, no token count — run.c takes the count from the
// model's config; without one we read tokens until the end of the file):
//   int32   max_token_length
//   repeated vocab_size times:
//     float32 score     // merge priority: a higher score merges first
//     int32   len       // byte length of the piece
//     u8[len] piece     // UTF-8; SentencePiece's '▁' already replaced by ' '
// Ids 0, 1, 2 are <unk>, <s> (BOS), </s> (EOS); ids 3..258 are the byte-fallback pieces
// '<0x00>'..'<0xFF>' (run.c assumes this layout; we check it on load).
//
// Encode (run.c `encode`): text stops at the first NUL byte (a C string); if BOS, id 1 first; if
// the text is non-empty, the piece " " (dummy prefix); then one token per UTF-8 character (at
// most 4 bytes each), or its bytes as ids byte+3 when the character is not a piece; then, while
// any adjacent pair concatenates to a piece with score > -1e10, merge the pair whose piece has
// the highest score (leftmost on ties); then EOS (id 2) if asked. We keep run.c's result but find
// the best pair with a heap over a linked list instead of rescanning the whole array each merge.
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { binaryKey } from './bpe-tokenizer.ts';
import type { EncodeOptions, Tokenizer } from './tokenizer.ts';

const utf8 = new TextEncoder();
const MIN_SCORE = -1e10; // run.c's initial best_score: pairs scoring at or below it never merge

export const LLAMA2C_UNK = 0;
export const LLAMA2C_BOS = 1;
export const LLAMA2C_EOS = 2;

/** run.c's `sscanf(piece, "<0x%02hhX>", &b) == 1`: '<0x', optional whitespace, 1-2 hex digits. */
function parseBytePiece(piece: Uint8Array): number {
  if (piece.length < 4 || piece[0] !== 0x3c || piece[1] !== 0x30 || piece[2] !== 0x78) return -1;
  let i = 3;
  while (i < piece.length && (piece[i] === 0x20 || (piece[i] >= 0x09 && piece[i] <= 0x0d))) i++;
  let value = 0;
  let digits = 0;
  while (i < piece.length && digits < 2) {
    const c = piece[i];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1;
    if (d < 0) break;
    value = value * 16 + d;
    digits++;
    i++;
  }
  return digits > 0 ? value : -1;
}

export class Llama2cTokenizer implements Tokenizer {
  readonly bosId = LLAMA2C_BOS;
  readonly eosId = LLAMA2C_EOS;
  readonly specialTokens: ReadonlyMap<string, number> = new Map([['<unk>', 0], ['<s>', 1], ['</s>', 2]]);
  private readonly byId = new Map<string, number>();   // piece bytes (binaryKey) → first id with them
  private readonly pairCache = new Map<number, number>(); // a * vocabSize + b → merged id or -1
  private readonly decoded: Uint8Array[];              // piece after <0xXX> → raw byte mapping
  private readonly spaceId: number;
  private readonly singleByte: (number | undefined)[] = new Array(256); // (256) id of each 1-byte piece

  constructor(
    readonly pieces: Uint8Array[],   // (vocabSize) piece bytes as stored
    readonly scores: Float32Array,   // (vocabSize)
    readonly maxTokenLength: number,
    readonly source = 'tokenizer.bin',
  ) {
    if (pieces.length !== scores.length) throw new WrenError(`${source}: ${pieces.length} pieces but ${scores.length} scores`);
    if (pieces.length < 259) {
      throw new WrenError(`${source}: ${pieces.length} tokens; a llama2.c tokenizer needs at least 259 (<unk>, <s>, </s>, 256 byte pieces)`);
    }
    for (let b = 0; b < 256; b++) {
      if (parseBytePiece(pieces[b + 3]) !== b) {
        throw new WrenError(`${source}: token ${b + 3} is '${new TextDecoder().decode(pieces[b + 3])}', expected byte-fallback piece <0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      }
    }
    for (let id = 0; id < pieces.length; id++) {
      const key = binaryKey(pieces[id]);
      if (!this.byId.has(key)) this.byId.set(key, id);
    }
    for (let b = 0; b < 256; b++) this.singleByte[b] = this.byId.get(String.fromCharCode(b));
    const space = this.byId.get(' ');
    if (space === undefined) throw new WrenError(`${source}: no ' ' piece, which run.c needs as the dummy prefix`);
    this.spaceId = space;
    this.decoded = pieces.map((p) => {
      const b = parseBytePiece(p);
      return b >= 0 ? Uint8Array.of(b) : p;
    });
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  /** Read a tokenizer.bin. `vocabSize` (from the model config) reads exactly that many tokens. */
  static load(path: string, vocabSize?: number): Llama2cTokenizer {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (err) {
      throw new WrenError(`cannot read llama2.c tokenizer '${path}': ${(err as Error).message}`);
    }
    return Llama2cTokenizer.fromBytes(buf, vocabSize, path);
  }

  static fromBytes(buf: Uint8Array, vocabSize?: number, source = 'tokenizer.bin'): Llama2cTokenizer {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (buf.byteLength < 4) throw new WrenError(`${source}: ${buf.byteLength} bytes; expected at least the int32 max_token_length`);
    const maxTokenLength = view.getInt32(0, true);
    if (maxTokenLength <= 0) throw new WrenError(`${source}: max_token_length is ${maxTokenLength}; expected a positive int32 (is this a llama2.c tokenizer.bin?)`);
    const pieces: Uint8Array[] = [];
    const scores: number[] = [];
    let off = 4;
    while (vocabSize === undefined ? off < buf.byteLength : pieces.length < vocabSize) {
      const id = pieces.length;
      if (off + 8 > buf.byteLength) throw new WrenError(`${source}: token ${id} at byte ${off}: file ends before its score and length${vocabSize !== undefined ? ` (expected ${vocabSize} tokens)` : ''}`);
      const score = view.getFloat32(off, true);
      const len = view.getInt32(off + 4, true);
      off += 8;
      if (len < 0 || len > maxTokenLength || off + len > buf.byteLength) {
        throw new WrenError(`${source}: token ${id} at byte ${off - 4}: length ${len} is negative, over max_token_length ${maxTokenLength}, or past the end of the file`);
      }
      pieces.push(buf.slice(off, off + len));
      scores.push(score);
      off += len;
    }
    return new Llama2cTokenizer(pieces, Float32Array.from(scores), maxTokenLength, source);
  }

  /** Id of the piece with exactly these bytes, or -1 (run.c's str_lookup). */
  lookup(piece: Uint8Array | string): number {
    const key = typeof piece === 'string' ? binaryKey(utf8.encode(piece)) : binaryKey(piece);
    return this.byId.get(key) ?? -1;
  }

  private mergedId(a: number, b: number): number {
    const key = a * this.pieces.length + b;
    let id = this.pairCache.get(key);
    if (id === undefined) {
      id = this.byId.get(binaryKey(this.pieces[a]) + binaryKey(this.pieces[b])) ?? -1;
      if (id >= 0 && !(this.scores[id] > MIN_SCORE)) id = -1;
      this.pairCache.set(key, id);
    }
    return id;
  }

  /** run.c's encode. Strings are encoded to UTF-8 first (lone surrogates become U+FFFD). */
  encode(text: string | Uint8Array, options: EncodeOptions = {}): number[] {
    let bytes = typeof text === 'string' ? utf8.encode(text) : text;
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.subarray(0, nul);
    const tokens: number[] = [];
    if (options.bos) tokens.push(LLAMA2C_BOS);
    if (bytes.length > 0) tokens.push(this.spaceId);
    for (let i = 0; i < bytes.length; ) {
      // one UTF-8 character: a lead byte plus its continuation bytes, at most 4 bytes in all
      let end = i + 1;
      while (end < bytes.length && (bytes[end] & 0xc0) === 0x80 && end - i < 4) end++;
      const id = end === i + 1 ? this.singleByte[bytes[i]] : this.byId.get(binaryKey(bytes.subarray(i, end)));
      if (id !== undefined) tokens.push(id);
      else for (let k = i; k < end; k++) tokens.push(bytes[k] + 3);
      i = end;
    }
    const merged = this.mergePairs(tokens);
    if (options.eos) merged.push(LLAMA2C_EOS);
    return merged;
  }

  /** Repeatedly merge the highest-scoring adjacent pair (leftmost on ties), as run.c does. */
  private mergePairs(tokens: number[]): number[] {
    const n = tokens.length;
    if (n < 2) return tokens;
    const tok = Int32Array.from(tokens); // (n) current id at each live node
    const next = new Int32Array(n);      // (n) next live node or -1
    const prev = new Int32Array(n);      // (n) previous live node or -1
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap();
    const offer = (left: number) => {
      const right = next[left];
      if (left < 0 || right < 0) return;
      const id = this.mergedId(tok[left], tok[right]);
      if (id >= 0) heap.push(this.scores[id], left, tok[left], tok[right], id);
    };
    for (let i = 0; i + 1 < n; i++) offer(i);
    while (heap.size > 0) {
      heap.pop();
      const left = heap.topLeft;
      const right = next[left];
      if (tok[left] !== heap.topA || right < 0 || tok[right] !== heap.topB) continue; // stale: a neighbour already merged
      tok[left] = heap.topId;
      tok[right] = -1;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      offer(prev[left]);
      offer(left);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(tok[i]);
    return out;
  }

  /**
   * run.c's decode(prev_token, token): the piece's bytes, without its leading space right after
   * BOS, and with '<0xXX>' pieces turned into the raw byte. Bytes, not text: a UTF-8 character
   * can span several tokens; feed the pieces through Utf8Stream for text.
   */
  decodePiece(prevToken: number, token: number): Uint8Array {
    this.checkId(token);
    let piece = this.pieces[token];
    if (prevToken === LLAMA2C_BOS && piece[0] === 0x20) piece = piece.subarray(1);
    const b = parseBytePiece(piece);
    return b >= 0 ? Uint8Array.of(b) : piece;
  }

  tokenBytes(id: number): Uint8Array {
    this.checkId(id);
    return this.decoded[id];
  }

  /** Pieces of `ids` joined as run.c would print them, skipping BOS/EOS themselves. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === LLAMA2C_BOS || ids[i] === LLAMA2C_EOS) {
        this.checkId(ids[i]);
        continue;
      }
      const piece = this.decodePiece(i > 0 ? ids[i - 1] : -1, ids[i]);
      parts.push(piece);
      total += piece.length;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return new TextDecoder().decode(this.decodeBytes(ids));
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.pieces.length) {
      throw new WrenError(`token id ${id} is out of range for a ${this.pieces.length}-token llama2.c tokenizer (${this.source})`);
    }
  }
}

/**
 * run.c's safe_printf filter: a piece that is a single byte which is neither printable ASCII nor
 * whitespace (control bytes, lone bytes ≥ 0x80) prints nothing. Use it to reproduce ./run's output
 * byte for byte; for readable text prefer Utf8Stream, which keeps multi-byte characters.
 */
export function runcPrintable(piece: Uint8Array): Uint8Array {
  if (piece.length === 0 || piece[0] === 0) return piece.subarray(0, 0);
  if (piece.length === 1) {
    const c = piece[0];
    const printable = c >= 0x20 && c <= 0x7e;
    const space = c === 0x20 || (c >= 0x09 && c <= 0x0d);
    if (!printable && !space) return piece.subarray(0, 0);
  }
  const nul = piece.indexOf(0); // printf("%s") stops at a NUL
  return nul >= 0 ? piece.subarray(0, nul) : piece;
}

/**
 * Max-heap of merge candidates by (score desc, left position asc): run.c's pick order. Parallel
 * typed arrays (no object per entry): a long text pushes millions of candidates.
 */
class PairHeap {
  size = 0;
  private score = new Float64Array(64); // (cap) merged piece's score
  private left = new Int32Array(64);    // (cap) left node (its position in the initial token list)
  private a = new Int32Array(64);       // (cap) left token id when pushed
  private b = new Int32Array(64);       // (cap) right token id when pushed
  private id = new Int32Array(64);      // (cap) merged id
  // the popped entry
  topLeft = 0;
  topA = 0;
  topB = 0;
  topId = 0;

  private before(i: number, j: number): boolean {
    return this.score[i] > this.score[j] || (this.score[i] === this.score[j] && this.left[i] < this.left[j]);
  }

  private swap(i: number, j: number): void {
    let t: number;
    t = this.score[i]; this.score[i] = this.score[j]; this.score[j] = t;
    t = this.left[i]; this.left[i] = this.left[j]; this.left[j] = t;
    t = this.a[i]; this.a[i] = this.a[j]; this.a[j] = t;
    t = this.b[i]; this.b[i] = this.b[j]; this.b[j] = t;
    t = this.id[i]; this.id[i] = this.id[j]; this.id[j] = t;
  }

  private grow(): void {
    const cap = this.score.length * 2;
    const f = new Float64Array(cap); f.set(this.score); this.score = f;
    for (const k of ['left', 'a', 'b', 'id'] as const) {
      const g = new Int32Array(cap);
      g.set(this[k]);
      this[k] = g;
    }
  }

  push(score: number, left: number, a: number, b: number, id: number): void {
    if (this.size === this.score.length) this.grow();
    let i = this.size++;
    this.score[i] = score; this.left[i] = left; this.a[i] = a; this.b[i] = b; this.id[i] = id;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Remove the best entry into topLeft/topA/topB/topId. */
  pop(): void {
    this.topLeft = this.left[0]; this.topA = this.a[0]; this.topB = this.b[0]; this.topId = this.id[0];
    const last = --this.size;
    if (last === 0) return;
    this.score[0] = this.score[last]; this.left[0] = this.left[last]; this.a[0] = this.a[last]; this.b[0] = this.b[last]; this.id[0] = this.id[last];
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.before(l, m)) m = l;
      if (r < last && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
