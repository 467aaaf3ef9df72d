// Lexically constrained sampling, the soft way: until a seed word appears in the text (as a whole
// word, in any of its forms: the synth validator's test), the tokens that can begin one of its
// spellings get `bias` added to their logits, and once a spelling has begun, its next token gets
// `CONTINUE_BIAS`, so a word begun is finished rather than left as a stray piece. The model brings
// the word in where its own probabilities allow instead of never; a word once written gets no more
// help, and while a word is missing the stop tokens are pushed down by the same amount, so a story
// does not end before its words are in. While a spelling is under way only its next token is
// pushed (a start pushed beside it would win and restart the word: "Sig Sig S S S"), and a word
// whose whole spelling was written MAX_ATTEMPTS times without coming out as a word (a small model
// can glue " S" + "ign" + "ow" into "Signow") gets no more help. The bundled teacher writes stories with it
// (src/llm/wren.ts; models/README.md gives the seed-word use with and without).
import { containsWord } from '../data/synth/validate.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { LogitRule } from './logit-rule.ts';

const CONTINUE_BIAS = 10;
const MAX_ATTEMPTS = 3;

export class SeedWordBoost implements LogitRule {
  private readonly words: { forms: string[]; spellings: number[][] }[];

  /** `words`: each seed word's forms (e.g. jump, jumped, jumping, jumps). The first-token bias grows
   *  by `ramp` a token written, so a word still missing late in a story gets the push it needs. */
  constructor(tokenizer: Tokenizer, words: string[][], readonly bias: number, readonly ramp = 0, readonly stopIds: number[] = []) {
    this.words = words.map((forms) => {
      const seen = new Set<string>(), spellings: number[][] = [];
      for (const f of forms) {
        const cap = f[0].toUpperCase() + f.slice(1);
        // after a space, or capitalised at a line's or a quote's start; a bare lower-case start
        // would glue the word onto the one before ("deepparcels")
        for (const text of [` ${f}`, ` ${cap}`, cap]) {
          const ids = tokenizer.encode(text);
          if (ids.length && !seen.has(ids.join(','))) { seen.add(ids.join(',')); spellings.push(ids); }
        }
      }
      return { forms, spellings };
    });
  }

  /** Adds the biases, in place, for every word the generated `text` (whose last ids end
   *  `history`; `generated` of them are new) does not use yet. */
  apply(logits: Float32Array, text: string, history: ArrayLike<number>, generated: number): void {
    const first = this.bias + this.ramp * generated;
    let missing = false;
    const starts = new Set<number>(), next = new Set<number>(); // each token pushed once, however many spellings share it
    for (const w of this.words) {
      if (containsWord(text, w.forms)) continue;
      if (this.attempts(w.spellings, history, generated) >= MAX_ATTEMPTS) continue; // given up: neither pushed nor holding the stop down
      missing = true;
      for (const ids of w.spellings) {
        starts.add(ids[0]);
        // a spelling under way: the longest prefix of it that the text ends with
        for (let k = Math.min(ids.length - 1, generated); k >= 1; k--) {
          let match = true;
          for (let j = 0; j < k && match; j++) match = history[history.length - k + j] === ids[j];
          if (match) { next.add(ids[k]); break; }
        }
      }
    }
    if (next.size === 0) for (const id of starts) logits[id] += first;
    for (const id of next) logits[id] += CONTINUE_BIAS;
    if (missing) for (const id of this.stopIds) logits[id] -= first;
  }

  /** How often a whole spelling of the word was written among the `generated` last ids of `history`. */
  private attempts(spellings: number[][], history: ArrayLike<number>, generated: number): number {
    let n = 0;
    for (const ids of spellings) {
      for (let end = Math.max(ids.length, history.length - generated + ids.length); end <= history.length; end++) {
        let match = true;
        for (let j = 0; j < ids.length && match; j++) match = history[end - ids.length + j] === ids[j];
        if (match) n++;
      }
    }
    return n;
  }
}
