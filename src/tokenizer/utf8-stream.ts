// Streaming decode: tokens arrive one at a time and a multi-byte UTF-8 character may be split
// across two tokens (byte-fallback pieces like <0xE2><0x96><0x81>, or byte-level BPE pieces).
// Utf8Stream holds back an incomplete trailing sequence until the rest arrives, so every chunk it
// returns is complete text. Invalid bytes become U+FFFD (the WHATWG decoder's rule).

export class Utf8Stream {
  private decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  /** Feed bytes; returns the text that is now complete (may be ''). */
  push(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  /** End of stream: returns any held-back bytes (as U+FFFD if they never completed). */
  flush(): string {
    return this.decoder.decode();
  }
}

/** Convenience: turn an iterable of byte pieces into complete-UTF-8 text chunks (empty chunks skipped). */
export function* utf8Chunks(pieces: Iterable<Uint8Array>): Generator<string> {
  const stream = new Utf8Stream();
  for (const piece of pieces) {
    const text = stream.push(piece);
    if (text) yield text;
  }
  const rest = stream.flush();
  if (rest) yield rest;
}
