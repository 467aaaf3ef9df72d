// One error type for everything a user can get wrong (bad files, bad flags, bad configs).
// The CLI prints its message without a stack trace and exits non-zero.
export class WrenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrenError';
  }
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
};

/** A file-system error as one line naming the path and the problem (`cannot write F: the disk is full`). */
export function fileError(path: string, err: unknown, verb: 'read' | 'write' | 'open' | 'create' = 'open'): WrenError {
  if (err instanceof WrenError) return err;
  const e = err as NodeJS.ErrnoException;
  return new WrenError(`cannot ${verb} ${path}: ${(e.code && FILE_PROBLEMS[e.code]) ?? e.message}`);
}

const WRITE_CALLS = new Set(['write', 'mkdir', 'rename', 'copyfile', 'unlink', 'rmdir', 'rm', 'ftruncate', 'fsync', 'symlink', 'link']);

const NET_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (another server listens there; pick another --port)',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s',
  ENOTFOUND: 'no such host',
};

/** A Node system error (fs, net) that escaped a command, as a WrenError; undefined for anything else. */
export function systemError(err: unknown): WrenError | undefined {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  if (!(err instanceof Error) || typeof e.code !== 'string') return undefined;
  const syscall = e.syscall ?? '';
  const net = e.code in NET_PROBLEMS || syscall === 'listen' || syscall === 'bind' || syscall === 'connect'; // EACCES on a low port is not a file's
  if (net && (e.code in NET_PROBLEMS || e.code in FILE_PROBLEMS)) {
    const where = e.hostname ?? (e.address !== undefined ? `${e.address}${e.port !== undefined ? `:${e.port}` : ''}` : '');
    return new WrenError(`cannot ${syscall || 'connect'}${where ? ` ${where}` : ''}: ${NET_PROBLEMS[e.code] ?? FILE_PROBLEMS[e.code]}`);
  }
  if (!(e.code in FILE_PROBLEMS)) return undefined;
  // a read or write on an open file carries no path: say what failed, without a stack
  if (typeof e.path !== 'string') return new WrenError(`a file ${syscall || 'operation'} failed: ${FILE_PROBLEMS[e.code]}`);
  return fileError(e.path, err, WRITE_CALLS.has(syscall) ? 'write' : syscall === 'open' || syscall === 'scandir' ? 'open' : 'read');
}
