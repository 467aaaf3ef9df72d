// Atomic file writes: write a temp file beside the target, fsync, rename. A crash leaves either
// the old file or the new one, never a half-written file that looks complete.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WrenError } from '../errors.ts';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
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
    const code = (err as NodeJS.ErrnoException).code;
    throw new WrenError(`cannot write ${path}: ${code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EROFS' ? 'the folder is not writable' : (err as Error).message}`);
  }
}
