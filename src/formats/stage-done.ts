// A finished stage of a resumable run (the task runner, the recipe): its outputs sit in a folder
// and `done.json`, written last and atomically, says the stage is complete and what it made.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';

/** What the stage in `dir` recorded when it finished, or null when it has not. */
export function readDone<T>(dir: string): T | null {
  const f = join(dir, 'done.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as T) : null;
}

export function writeDone(dir: string, v: unknown): void {
  writeFileAtomic(join(dir, 'done.json'), JSON.stringify(v, null, 2) + '\n');
}
