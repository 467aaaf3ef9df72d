// Kill campaigns: run a resumable `wren` command, SIGKILL it at seeded random points of its work
// (several times, the later kills landing soon after a resume), then let it finish; the caller
// compares the result with an uninterrupted run. FAULT_CAMPAIGNS sets how many campaigns a test runs
// (`npm run test:faults` runs 100 per command; `npm test` a few); FAULT_LOG=1 prints each campaign.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type CliResult } from '../_helpers.ts';
import { mulberry32 } from '../../src/util/rng.ts';

/** Campaigns for one test: `quick` in `npm test`; FAULT_CAMPAIGNS per command, shared by its `parts` tests. */
export const campaigns = (quick: number, parts = 1) => (process.env.FAULT_CAMPAIGNS ? Math.ceil(Number(process.env.FAULT_CAMPAIGNS) / parts) : quick);

// The watched file may be renamed between any two calls (a .partial becomes the output): no stat may throw.
const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** Runs `wren <args>`; SIGKILLs it once `watch` holds `killAtBytes` bytes, unless it ended first. */
export function runUntilGrown(args: string[], watch: string, killAtBytes: number, env: Record<string, string> = {}): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/wren.js'), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', killed = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const poll = setInterval(() => {
      if (!killed && size(watch) >= killAtBytes) { killed = true; child.kill('SIGKILL'); }
    }, 2);
    child.on('close', (status) => {
      clearInterval(poll);
      resolve({ status, stdout, stderr, killed: killed && status === null });
    });
  });
}

/** Runs `wren <args>` to the end without blocking this process (a test double here keeps answering). */
export function runAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runUntilGrown(args, '', Infinity, env);
}

/**
 * One campaign: up to `kills` runs, each SIGKILLed when the file it writes (`watch`) has grown
 * to a seeded random point between its size at the start of the run and `finalBytes` (its size
 * after a straight run), so kills land anywhere in the work, soon after a resume too, whatever
 * the machine's speed; then a run to the end. A run that ends before its kill is the last.
 * `args` may depend on the run's number (0 = the first). Returns that last run, how many runs
 * were killed, and a log for failure messages.
 */
export async function killCampaign(args: string[] | ((run: number) => string[]), o: { seed: number; kills: number; watch: string; finalBytes: number; env?: Record<string, string> }): Promise<{ final: CliResult; killed: number; log: string[] }> {
  const rand = mulberry32(o.seed);
  const argv = (run: number) => (typeof args === 'function' ? args(run) : args);
  const log: string[] = [];
  let killed = 0;
  for (let k = 0; k < o.kills; k++) {
    const from = size(o.watch), at = Math.max(1, Math.round(from + (o.finalBytes - from) * rand()));
    const r = await runUntilGrown(argv(k), o.watch, at, o.env);
    log.push(`run ${k + 1}: ${r.killed ? `killed at ${size(o.watch)} bytes (${at} asked, of ${o.finalBytes})` : `ended (${r.status}) before ${at} bytes`}${r.status ? `: ${r.stderr.trim()}` : ''}`);
    if (!r.killed) {
      if (process.env.FAULT_LOG) console.log(log.join('\n'));
      return { final: r, killed, log };
    }
    killed++;
  }
  const final = await runUntilGrown(argv(o.kills), o.watch, Infinity, o.env);
  log.push(`final run: ${final.status}${final.status ? `: ${final.stderr.trim()}` : ''}`);
  if (process.env.FAULT_LOG) console.log(log.join('\n'));
  return { final, killed, log };
}
