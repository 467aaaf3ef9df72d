// The one interface every Wren tokenizer implements (byte-level BPE from tokenizer.json / GPT-2
// files, and llama2.c's SentencePiece-style tokenizer.bin), so the trainer, the generator and the
// server never care which kind they hold.

/** How special-token text (e.g. `<|endoftext|>`) found in the input is treated by `encode`. */
export type SpecialTokenMode =
  | 'allowed'     // becomes its single special id
  | 'disallowed'  // a WrenError (safe default for untrusted input)
  | 'text';       // encoded as ordinary text, byte by byte like anything else

export interface EncodeOptions {
  /** Prepend the BOS id (throws if the tokenizer has none). */
  bos?: boolean;
  /** Append the EOS id (throws if the tokenizer has none). */
  eos?: boolean;
  /** Special-token text in the input; default 'allowed'. llama2.c tokenizers ignore it (run.c has no specials in text). */
  special?: SpecialTokenMode;
}

export interface Tokenizer {
  readonly vocabSize: number;
  /** Beginning-of-sequence id, if the tokenizer has one. */
  readonly bosId: number | undefined;
  /** End-of-sequence / end-of-text id, if the tokenizer has one. */
  readonly eosId: number | undefined;
  /** Special tokens by text (content → id). */
  readonly specialTokens: ReadonlyMap<string, number>;
  encode(text: string, options?: EncodeOptions): number[];
  /** Exact bytes of a token sequence (decode may yield invalid UTF-8 for a partial sequence). */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** Text of a token sequence; invalid UTF-8 becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string;
  /** Raw bytes of one token as it appears in decoded output. */
  tokenBytes(id: number): Uint8Array;
}
