// Lines of a text file, streamed: the one reader the JSONL and text inputs share (tokenize, data
// stats, filter). Gzip when the name ends in .gz. A UTF-8 byte-order mark at the start (editors on
// Windows write one) is dropped, so line 1 of a JSONL file parses like any other.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileError, WrenError } from '../errors.ts';

export async function* readLines(path: string): AsyncGenerator<string> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw fileError(path, err, 'read');
  }
  if (isDir) throw new WrenError(`${path}: is a folder, not a file`);
  const raw = createReadStream(path);
  const input = /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
  let first = true;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      yield first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      first = false;
    }
  } catch (err) {
    throw err instanceof WrenError ? err : fileError(path, err, 'read');
  }
}

/** Drops a leading byte-order mark from text read whole. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
