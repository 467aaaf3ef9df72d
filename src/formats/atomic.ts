// Atomic file writes: write a temp file beside the target, fsync, rename. A crash leaves either
// the old file or the new one, never a half-written file that looks complete.
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileError } from '../errors.ts';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  // A link to a regular file is followed (that file is replaced, the link kept). Anything else
  // that is not a regular file — a device, a pipe, /dev/stdout whatever it points to — is
  // written in place: renaming over it would replace the device, or a shell's redirection.
  const st = statOrUndefined(path); // through links
  if (st && !st.isFile() && !st.isDirectory()) return writeInPlace(path, bytes);
  if (st?.isFile() && lstatSync(path).isSymbolicLink()) return /^\/(dev|proc)\//.test(path) ? writeInPlace(path, bytes) : writeFileAtomic(realpathSync(path), bytes);
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 30));
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw fileError(path, err, 'write');
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try { return statSync(path); } catch { return undefined; }
}

function writeInPlace(path: string, bytes: Uint8Array): void {
  let fd = -1;
  try {
    fd = openSync(path, 'a'); // append: under `> file` a truncating open would erase what came before
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, Math.min(bytes.length - at, 1 << 30));
  } catch (err) {
    throw fileError(path, err, 'write');
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * `mkdir -p` whose error names the real problem. It creates one level at a time from the nearest
 * folder that exists: Node's recursive mkdir says ENOENT on a read-only disk, and on /proc it
 * never returns.
 */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw fileError(dir, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }), 'create');
  for (const d of missing.reverse()) {
    try { mkdirSync(d); } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw fileError(dir, err, 'create');
    }
  }
}

/** Creates `dir` if needed and proves it writable now, before a long job would fail at its end. */
export function ensureWritableDir(dir: string): void {
  makeDir(dir);
  const probe = join(dir, `.wren-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (err) {
    throw fileError(dir, err, 'write');
  }
}
