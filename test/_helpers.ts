// Shared test helpers: locating ../shared/data (fails under CI when missing, skips otherwise),
// running the real CLI as a child process, and scratch folders.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const sharedDataDir = fileURLToPath(new URL('../../shared/data/', import.meta.url));

/** Path of a shared-data file, or a skip reason; throws when CI is set and the file is missing. */
export function sharedFile(rel: string): { path: string; skip: false | string } {
  const path = sharedDataDir + rel;
  if (existsSync(path)) return { path, skip: false };
  if (process.env.CI) throw new Error(`shared test data missing under CI: ${path}`);
  return { path, skip: `shared data not found: ${path}` };
}

export type CliResult = { status: number | null; stdout: string; stderr: string };

/** Run `wren <args>` through bin/wren.js, as a user would. */
export function runCli(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/wren.js'), ...args], {
    cwd: repoRoot, encoding: 'utf8', input: opts.input, timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder under the system temp dir, removed when the test process exits (kept, for a
 *  look at screenshots and run folders, when WREN_KEEP_SCRATCH is set). */
export function scratchDir(prefix = 'wren-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (!process.env.WREN_KEEP_SCRATCH) {
    if (scratch.size === 0) process.once('exit', () => { for (const d of scratch) try { rmSync(d, { recursive: true, force: true }); } catch { /* leave it */ } });
    scratch.add(dir);
  }
  return dir;
}
const scratch = new Set<string>();
