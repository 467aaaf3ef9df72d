// Lexically constrained sampling, the soft way: until a seed word appears in the text (as a whole
// word, in any of its forms: the synth validator's test), the tokens that can begin one of its
// spellings get `bias` added to their logits, and once a spelling has begun, its next token gets
// `CONTINUE_BIAS`, so a word begun is finished rather than left as a stray piece. The model brings
// the word in where its own probabilities allow instead of never; a word once written gets no more
// help, and while a word is missing the stop tokens are pushed down by the same amount, so a story
// does not end before its words are in. The bundled teacher writes stories with it
// (src/llm/wren.ts; docs/recipes.md gives the seed-word use with and without).
import { containsWord } from '../data/synth/validate.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

const CONTINUE_BIAS = 10;

export class SeedWordBoost {
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
    for (const id of starts) logits[id] += first;
    for (const id of next) logits[id] += CONTINUE_BIAS;
    if (missing) for (const id of this.stopIds) logits[id] -= first;
  }
}
