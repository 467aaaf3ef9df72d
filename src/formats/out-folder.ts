// Whether a command may write its output folder at --out: a new or empty folder always; one that
// already holds this command's kind of output (its marker file) with --force; a folder of anything
// else never, --force or not, because replacing files there would break what they belong to (a
// router trained into a guard's folder overwrote its classifier/).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';

export function checkOutFolder(out: string, o: { marker: string; what: string; force: boolean }): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new WrenError(`--out ${out} is a file, not a folder`);
  if (readdirSync(out).length === 0) return;
  if (!existsSync(join(out, o.marker))) throw new WrenError(`--out ${out} holds files that are not ${o.what} (no ${o.marker}); choose an empty or new folder`);
  if (!o.force) throw new WrenError(`--out ${out} already holds ${o.what}; pass --force to replace it`);
}
