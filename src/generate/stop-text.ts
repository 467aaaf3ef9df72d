// Text out of a token stream: complete UTF-8 only, and stop strings honoured across token
// boundaries. Text that could still be the start of a stop string is held back until the next
// token settles it; a stop string found ends the stream and is not part of the text.
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { Utf8Stream } from '../tokenizer/utf8-stream.ts';

export class StopText {
  private utf8 = new Utf8Stream();
  private pending = ''; // text held back while it could still begin a stop string
  private readonly stops: string[];

  constructor(private readonly tokenizer: Tokenizer, stops: string[] = []) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  /** Add token `id` (after `prev`); returns the text now safe to emit and whether a stop string ended it. */
  push(prev: number, id: number): { text: string; stopped: boolean } {
    this.pending += this.utf8.push(pieceBytes(this.tokenizer, prev, id));
    if (this.stops.length === 0) {
      const text = this.pending;
      this.pending = '';
      return { text, stopped: false };
    }
    const hit = firstStop(this.pending, this.stops);
    if (hit >= 0) {
      const text = this.pending.slice(0, hit);
      this.pending = '';
      return { text, stopped: true };
    }
    const keep = heldBack(this.pending, this.stops);
    const text = this.pending.slice(0, this.pending.length - keep);
    this.pending = this.pending.slice(this.pending.length - keep);
    return { text, stopped: false };
  }

  /** The end of the stream (not by a stop string): whatever was held back. */
  flush(): string {
    const rest = this.pending + this.utf8.flush();
    this.pending = '';
    return rest;
  }
}

/** Bytes of `token` as it appears after `prev` (llama2.c tokenizers strip the space after BOS). */
export function pieceBytes(tokenizer: Tokenizer, prev: number, token: number): Uint8Array {
  const t = tokenizer as Tokenizer & { decodePiece?: (prev: number, token: number) => Uint8Array };
  return t.decodePiece ? t.decodePiece(prev, token) : tokenizer.tokenBytes(token);
}

function firstStop(text: string, stops: string[]): number {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
function heldBack(text: string, stops: string[]): number {
  let keep = 0;
  for (const s of stops) {
    for (let k = Math.min(s.length - 1, text.length); k > keep; k--) {
      if (text.endsWith(s.slice(0, k))) { keep = k; break; }
    }
  }
  return keep;
}
