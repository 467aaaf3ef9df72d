// Where a command may write. checkOutFolder: an output folder at --out may be new or empty; one
// that already holds this command's kind of output (its marker file) needs --force; a folder of
// anything else is never written, --force or not, because replacing files there would break what
// they belong to (a router trained into a guard's folder overwrote its classifier/).
// checkOutNotInput: an --out that is also an input is refused.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WrenError } from '../errors.ts';

export function checkOutFolder(out: string, o: { marker: string; what: string; force: boolean }): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new WrenError(`--out ${out} is a file, not a folder`);
  if (readdirSync(out).length === 0) return;
  if (!existsSync(join(out, o.marker))) throw new WrenError(`--out ${out} holds files that are not ${o.what} (no ${o.marker}); choose an empty or new folder`);
  if (!o.force) throw new WrenError(`--out ${out} already holds ${o.what}; pass --force to replace it`);
}

/** Refuses an --out that is one of the command's inputs (through links): writing it would destroy what it reads. */
export function checkOutNotInput(out: string, inputs: string[]): void {
  const key = (p: string) => { try { return realpathSync(p); } catch { return resolve(p); } };
  if (inputs.some((p) => key(p) === key(out))) throw new WrenError(`--out ${out} is also an input; write the output elsewhere`);
}
