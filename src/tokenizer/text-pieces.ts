// Reading a large text file as a sequence of string pieces, each cut at a pre-token boundary, so
// counting pre-tokens piece by piece equals counting the whole file — and a file larger than
// V8's longest string (~512 MiB) can still be trained on. A cut goes right before a special
// token, or (built-in patterns only) right after a '\n' that has a printable ASCII byte on each
// side; both are pre-token boundaries (see pretoken-count.ts) and UTF-8 character boundaries.
import { closeSync, openSync, readSync } from 'node:fs';
import { WrenError } from '../errors.ts';


const printable = (b: number) => b >= 0x21 && b <= 0x7e; // ASCII, not whitespace

/** Index just past the last safe cut in bytes[0..end), or -1. */
function lastCut(bytes: Uint8Array, end: number, specials: Uint8Array[], newlineCuts: boolean): number {
  let best = -1;
  if (newlineCuts) {
    for (let p = end - 1; p > 0; p--) {
      if (bytes[p - 1] === 0x0a && printable(bytes[p]) && p >= 2 && printable(bytes[p - 2])) {
        best = p;
        break;
      }
    }
  }
  for (const s of specials) {
    const at = Buffer.from(bytes.buffer, bytes.byteOffset, end).lastIndexOf(s);
    if (at > best) best = at;
  }
  return best > 0 ? best : -1;
}

/**
 * Yield the file's text in pieces of about `pieceBytes` bytes (the last may be shorter). A stretch
 * longer than `maxPieceBytes` with no cut point in it is an error.
 */
export function* readTextPieces(path: string, specials: string[], newlineCuts: boolean, pieceBytes = 64 << 20, maxPieceBytes = 256 << 20): Generator<string> {
  const specialBytes = specials.map((s) => new TextEncoder().encode(s));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new WrenError(`cannot read training file '${path}': ${(err as Error).message}`);
  }
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // keep a BOM, as readFileSync does
  try {
    let buf = new Uint8Array(pieceBytes);
    let have = 0; // bytes in buf not yet yielded
    for (;;) {
      let eof = false;
      while (have < buf.length) {
        const n = readSync(fd, buf, have, buf.length - have, null);
        if (n === 0) {
          eof = true;
          break;
        }
        have += n;
      }
      if (eof) {
        if (have > 0) yield decoder.decode(buf.subarray(0, have));
        return;
      }
      const cut = lastCut(buf, have, specialBytes, newlineCuts);
      if (cut < 0) {
        if (buf.length >= maxPieceBytes) throw new WrenError(`${path}: no place to cut in ${buf.length >> 20} MiB (no newline before printable text, no special token); split the file`);
        const grown = new Uint8Array(buf.length * 2); // no cut point yet: read on into a bigger buffer
        grown.set(buf);
        buf = grown;
        continue;
      }
      yield decoder.decode(buf.subarray(0, cut));
      buf.copyWithin(0, cut, have);
      have -= cut;
    }
  } finally {
    closeSync(fd);
  }
}
