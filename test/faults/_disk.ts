// Real full and read-only disks for fault tests: small tmpfs mounts, which root can make (CI runs
// as root). Elsewhere the tests that need one skip and say why.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../_helpers.ts';

export type Mount = { dir: string; unmount(): void };

/** A tmpfs of `kb` KiB (read-only when asked), or the reason none could be mounted. */
export function mountTmpfs(kb: number, o: { readOnly?: boolean } = {}): Mount | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'mounting a small tmpfs needs root' };
  const dir = join(scratchDir('wren-disk-'), 'mnt');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k${o.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `mount -t tmpfs failed: ${(r.stderr || r.error?.message || '').trim()}` };
  return { dir, unmount: () => void spawnSync('umount', [dir]) };
}
