// GPT-2's byte-level alphabet: every byte 0..255 gets a printable Unicode character, so a byte
// string can be written as text in vocab.json / merges.txt / tokenizer.json. Printable Latin-1
// bytes map to themselves; the other 68 bytes map to U+0100.. in byte order (space → 'Ġ').

function buildByteToChar(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(printable(b) ? b : 256 + n++);
  return out;
}

/** (256) byte → its byte-level character. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** byte-level character code → byte, or -1 for characters outside the alphabet. */
export const CHAR_TO_BYTE: Int16Array = (() => {
  const t = new Int16Array(0x144).fill(-1);
  BYTE_TO_CHAR.forEach((c, b) => (t[c.charCodeAt(0)] = b));
  return t;
})();

/** Bytes written in the byte-level alphabet ('Ġthe' for ' the'). */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/** The bytes a byte-level string spells, or undefined if it holds a character outside the alphabet. */
export function byteLevelToBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    if (b < 0) return undefined;
    out[i] = b;
  }
  return out;
}

/**
 * The 256 bytes in the order HF's BPE trainer numbers its initial alphabet (by the code point of
 * their byte-level character: '!' … '~', '¡' … 'ÿ', then 'Ā' … 'Ń'). The cs336 reference vocab
 * uses this order too.
 */
export const BYTES_IN_ALPHABET_ORDER: readonly number[] = Array.from({ length: 256 }, (_, b) => b).sort(
  (a, b) => BYTE_TO_CHAR[a].charCodeAt(0) - BYTE_TO_CHAR[b].charCodeAt(0),
);
