// Grounded numbers: a support reply may write a specific number (three or more digits: an order,
// invoice or phone number, a year) or a money amount only if the customer wrote it. Small models
// copy such details from the training cases they resemble ("a rebate of $1499", "invoice #85632")
// or run past the end of one they are copying ("3707955617" → "370795561790"). This rule masks,
// at each step, every token that would start or extend a digit run that is not a prefix of a
// number in the source text; one- and two-digit numbers (list items, "2 days") stay free unless
// they follow a currency sign, and with no number in the source, currency signs are masked too.
// A source number may be written as the customer wrote it, as bare digits, or grouped in
// thousands ("1200", "1,200"); the support metric compares digits (src/tasks/metrics/placeholders.ts).
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { LogitRule } from './logit-rule.ts';

const RUN = /(\p{Sc}\s?)?(\d+(?:[,.]\d+)*)([,.]?)/gu;
const HAS_DIGIT_OR_CURRENCY = /[\d\p{Sc}]/u;
const TAIL = 48; // characters of written text a token's check looks back over

/** The ways the numbers of a text may be written: as written, as digits, grouped in thousands. */
export function sourceNumbers(text: string): string[] {
  const forms = new Set<string>();
  for (const m of text.matchAll(RUN)) {
    const digits = m[2].replace(/[,.]/g, '');
    forms.add(m[2]).add(digits).add(digits.replace(/\B(?=(\d{3})+$)/g, ','));
  }
  return [...forms];
}

// Each token's text, decoded once per tokenizer (a server builds a rule per request).
const vocabularies = new WeakMap<Tokenizer, { pieces: string[]; candidates: number[] }>();
function vocabularyOf(tokenizer: Tokenizer): { pieces: string[]; candidates: number[] } {
  let v = vocabularies.get(tokenizer);
  if (!v) {
    const decoder = new TextDecoder(), pieces: string[] = [], candidates: number[] = [];
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      pieces.push(decoder.decode(tokenizer.tokenBytes(id)));
      if (HAS_DIGIT_OR_CURRENCY.test(pieces[id])) candidates.push(id);
    }
    vocabularies.set(tokenizer, (v = { pieces, candidates }));
  }
  return v;
}

export class GroundedNumbers implements LogitRule {
  private readonly numbers: string[];
  private readonly pieces: string[];
  private readonly candidates: number[]; // tokens with a digit or a currency sign

  /** `source`: what the details may come from (the customer's messages). */
  constructor(tokenizer: Tokenizer, source: string) {
    this.numbers = sourceNumbers(source);
    ({ pieces: this.pieces, candidates: this.candidates } = vocabularyOf(tokenizer));
  }

  /** Whether `piece`, written after `written`, keeps every number it touches grounded. */
  allows(written: string, piece: string): boolean {
    if (this.numbers.length === 0 && /\p{Sc}/u.test(piece)) return false;
    const tail = written.slice(-TAIL), s = tail + piece;
    for (const m of s.matchAll(RUN)) {
      const end = m.index! + m[0].length;
      // A run ending where the written text ends was judged open; this token may close it.
      if (end < tail.length) continue;
      const open = end === s.length; // the run may go on with the next token
      // open: on the way to a source number, or a whole one followed by "." or "," (punctuation,
      // or more digits, which the next token's check judges)
      const grounded = this.numbers.includes(m[2]) || (open && this.numbers.some((n) => n.startsWith(m[2] + m[3])));
      if (!grounded && (m[1] !== undefined || m[2].replace(/[,.]/g, '').length > 2)) return false;
    }
    return true;
  }

  apply(logits: Float32Array, text: string): void {
    // Mid-way through copying a number (a space, which would end it, is refused), any token could
    // end it too soon: check them all.
    if (!this.allows(text, ' ')) {
      const masked = this.pieces.map((p, id) => (this.allows(text, p) ? -1 : id)).filter((id) => id >= 0);
      if (masked.length === this.pieces.length) return; // nothing left to write (a number begun outside the text seen): mask nothing
      for (const id of masked) logits[id] = -Infinity;
    } else {
      for (const id of this.candidates) if (!this.allows(text, this.pieces[id])) logits[id] = -Infinity;
    }
  }
}
