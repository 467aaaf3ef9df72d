// A rule that edits the next token's logits from what has been written so far. The generation
// loop (generate.ts) and the server's scheduler call it on every step, before sampling; the
// text it sees is the generated text only, not the prompt.
export interface LogitRule {
  /** Edits `logits` in place. `text`: the generated text so far; `history`: the prompt's and the
   *  generated ids; `generated`: how many of them are new. */
  apply(logits: Float32Array, text: string, history: ArrayLike<number>, generated: number): void;
}
