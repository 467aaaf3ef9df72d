// Input readers for `wren filter --in`. Every input is a sequence of *units*, numbered across all
// inputs in order; a unit is one JSONL line, one separator-delimited text document, or one file of a
// folder. Unit numbers drive sharding (unit % n == i) and resume (skip the first k units without
// parsing them), so both are exact and cheap.
//   *.jsonl, *.jsonl.gz  one JSON object a line with a string `text` field (name configurable);
//                        `id` is kept as the document id, every other field passes through.
//   *.txt                documents separated by lines equal to the separator (default
//                        `<|endoftext|>`, TinyStories' layout); no separator = one document.
//   a folder             every regular file below it, sorted, one document per file; symlinks are
//                        not followed; binary files (a NUL byte or invalid UTF-8) and files over
//                        maxFileBytes are skipped and reported.
//   any other file       one document (a source file).
import { lstatSync, openSync, readdirSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { readLines } from '../../util/read-lines.ts';
import { WrenError } from '../../errors.ts';
import type { FilterDoc } from './document.ts';

export interface ReadOptions {
  textField: string;
  separator: string;
  maxFileBytes: number;
  skipBad: boolean;
  shardIndex: number;
  shardCount: number;
  /** Units below this number are skipped unparsed (resume). */
  startUnit: number;
}

export const defaultReadOptions: ReadOptions = {
  textField: 'text', separator: '<|endoftext|>', maxFileBytes: 1 << 20, skipBad: false, shardIndex: 0, shardCount: 1, startUnit: 0,
};

export type InputItem =
  | { unit: number; bytes: number; doc: FilterDoc }
  | { unit: number; bytes: number; skip: string; origin: string; detail: string };

/** Total bytes of the inputs (for progress and throughput), without reading them. */
export function inputBytes(paths: string[]): number {
  let total = 0;
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
    else if (st.isFile()) total += st.size;
  };
  for (const p of paths) walk(p);
  return total;
}

export async function* readInputs(paths: string[], options: Partial<ReadOptions> = {}): AsyncGenerator<InputItem> {
  const o = { ...defaultReadOptions, ...options };
  const counter = { unit: 0 };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new WrenError(`--in ${p}: no such file or folder`);
    }
    if (st.isDirectory()) yield* readFolder(p, o, counter);
    else if (/\.jsonl(\.gz)?$/i.test(p)) yield* readJsonl(p, o, counter);
    else if (/\.txt$/i.test(p)) yield* readText(p, o, counter);
    else {
      const item = readOneFile(p, basename(p), o, counter.unit++);
      if (item) yield item;
    }
  }
}

function mine(unit: number, o: ReadOptions): boolean {
  return unit >= o.startUnit && unit % o.shardCount === o.shardIndex;
}

async function* readJsonl(path: string, o: ReadOptions, counter: { unit: number }): AsyncGenerator<InputItem> {
  const name = basename(path);
  let lineNo = 0;
  for await (const line of readLines(path)) {
    lineNo++;
    const unit = counter.unit++;
    if (!mine(unit, o) || line.length === 0) continue;
    const bytes = Buffer.byteLength(line) + 1;
    const origin = `${path}:${lineNo}`;
    if (bytes > o.maxFileBytes) {
      yield { unit, bytes, skip: 'too_large', origin, detail: `line of ${bytes} bytes > ${o.maxFileBytes}` };
      continue;
    }
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      const detail = `not valid JSON (${(err as Error).message})`;
      if (!o.skipBad) throw new WrenError(`${origin}: ${detail}; pass --skip-bad to skip such lines`);
      yield { unit, bytes, skip: 'bad_json', origin, detail };
      continue;
    }
    const obj = rec as Record<string, unknown>;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || typeof obj[o.textField] !== 'string') {
      const detail = `expected an object with a string "${o.textField}" field`;
      if (!o.skipBad) throw new WrenError(`${origin}: ${detail}; pass --skip-bad to skip such lines`);
      yield { unit, bytes, skip: 'bad_record', origin, detail };
      continue;
    }
    const { [o.textField]: text, ...meta } = obj;
    const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? String(obj.id) : `${name}:${lineNo}`;
    yield { unit, bytes, doc: { id, text: text as string, meta, origin } };
  }
}

async function* readText(path: string, o: ReadOptions, counter: { unit: number }): AsyncGenerator<InputItem> {
  const name = basename(path);
  let buf: string[] = [];
  let bytes = 0, startLine = 1, lineNo = 0, n = 0, tooLarge = false;
  function* emit(): Generator<InputItem> {
    const unit = counter.unit++;
    const origin = `${path}:${startLine}`;
    if (mine(unit, o)) {
      if (tooLarge) yield { unit, bytes, skip: 'too_large', origin, detail: `document over ${o.maxFileBytes} bytes` };
      else {
        const text = buf.join('\n');
        if (text.trim().length > 0) yield { unit, bytes, doc: { id: `${name}#${n}`, text, meta: {}, origin } };
      }
    }
    n++;
    buf = [];
    bytes = 0;
    tooLarge = false;
    startLine = lineNo + 1;
  }
  for await (const line of readLines(path)) {
    lineNo++;
    if (line.trim() === o.separator) {
      yield* emit();
      continue;
    }
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > o.maxFileBytes) {
      tooLarge = true; // keep counting bytes, hold no text: memory stays bounded
      buf = [];
    } else buf.push(line);
  }
  if (buf.length > 0 || tooLarge) yield* emit();
}

function* readFolder(root: string, o: ReadOptions, counter: { unit: number }): Generator<InputItem> {
  const base = dirname(root);
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const files: string[] = [];
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) files.push(p);
      else if (e.isSymbolicLink()) {
        const unit = counter.unit++;
        if (mine(unit, o)) yield { unit, bytes: 0, skip: 'symlink', origin: relative(base, p), detail: 'symbolic links are not followed' };
      }
    }
    for (const p of files.reverse()) {
      const item = readOneFile(p, relative(base, p), o, counter.unit++);
      if (item) yield item;
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One file as one document, or a skip record for binary/oversized files. */
function readOneFile(path: string, id: string, o: ReadOptions, unit: number): InputItem | null {
  if (!mine(unit, o)) return null;
  const size = statSync(path).size;
  const buf = Buffer.alloc(Math.min(size, o.maxFileBytes));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  // Binary first (a NUL in the first 8 KiB, as git decides), so big executables are named for what they are.
  if (buf.subarray(0, 8192).includes(0)) return { unit, bytes: size, skip: 'binary', origin: id, detail: 'contains NUL bytes' };
  if (size > o.maxFileBytes) return { unit, bytes: size, skip: 'too_large', origin: id, detail: `${size} bytes > ${o.maxFileBytes}` };
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    return { unit, bytes: size, skip: 'binary', origin: id, detail: 'not valid UTF-8' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { unit, bytes: size, doc: { id, text, meta: { path: id }, origin: id, path: id } };
}
