// The run's files: the output JSONL (append-only) and its manifest.
//
// Output: one JSON object a line (an AppendLog of lines), each written whole:
//   {"text", "prompt", "recipe", "teacher", "seeds": {...}, "index", "seed", "attempt", "usage", …}
//   `index` is the job number and `seed` the run seed; (seed, index) fixes the job's seeds.
//   A run killed mid-write can leave a last line without its newline: resuming cuts that
//   fragment off (it was never a record) and writes the job again.
// Manifest: FILE.jsonl.manifest.json, JSON written atomically (temp + rename):
//   { format: "wren-synth-manifest", version: 1, recipe, kind, teacher, seed, shard, count, records,
//     droppedIndexes: [..], dropped: {reason: n}, retries, duplicates, usage, updatedAt }
//   The output file is the truth about which records exist; the manifest keeps the run's
//   parameters and what was dropped, so a resumed run neither redoes nor forgets those.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readLog } from '../../formats/append-log.ts';
import { WrenError } from '../../errors.ts';
import { writeFileAtomic } from '../../formats/atomic.ts';

export type Manifest = {
  format: 'wren-synth-manifest';
  version: 1;
  recipe: string;
  kind: string;
  teacher: string;
  seed: number;
  /** "i/n": this file holds jobs with index % n == i */
  shard?: string;
  count: number;
  records: number;
  droppedIndexes: number[];
  dropped: Record<string, number>;
  retries: number;
  duplicates: number;
  usage: { prompt_tokens: number; completion_tokens: number; cost_usd: number };
  updatedAt: string;
};

export function manifestPath(out: string): string {
  return `${out}.manifest.json`;
}

export function readManifest(out: string): Manifest | undefined {
  const path = manifestPath(out);
  if (!existsSync(path)) return undefined;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    throw new WrenError(`${path}: the run manifest is not valid JSON (${(err as Error).message}); move it away to start over from the output file alone`);
  }
  if (m.format !== 'wren-synth-manifest' || m.version !== 1) throw new WrenError(`${path}: not a Wren synth manifest (expected format "wren-synth-manifest", version 1)`);
  return m;
}

export function writeManifest(out: string, m: Manifest): void {
  writeFileAtomic(manifestPath(out), JSON.stringify(m, null, 2) + '\n');
}

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 20);
}

export type ExistingOutput = { indexes: Set<number>; hashes: Set<string>; records: number; tornBytes: number; seed?: number };

/**
 * Reads what an earlier run wrote, and refuses a file that holds anything but this recipe's
 * records: nothing is overwritten. A trailing fragment (a line a kill cut short) is reported in
 * `tornBytes`; the AppendLog the run opens cuts it, once every whole line is known to be ours.
 */
export function scanOutput(out: string, recipe: string): ExistingOutput {
  const log = readLog(out, 'line');
  const result: ExistingOutput = { indexes: new Set(), hashes: new Set(), records: 0, tornBytes: log.tornBytes };
  log.records.forEach((bytes, i) => {
    const line = bytes.toString('utf8');
    if (line.trim() === '') return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new WrenError(`${out}:${i + 1}: not a JSON record; this file was not written by 'wren synth' (choose another --out)`);
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new WrenError(`${out}:${i + 1}: not a JSON record; this file was not written by 'wren synth' (choose another --out)`);
    if (rec.recipe === undefined) throw new WrenError(`${out}:${i + 1}: a record with no "recipe"; this file was not written by 'wren synth' (choose another --out)`);
    if (rec.recipe !== recipe) {
      throw new WrenError(`${out}:${i + 1}: holds records of recipe '${String(rec.recipe)}', and this run writes recipe '${recipe}'; nothing was changed (choose another --out)`);
    }
    if (typeof rec.index !== 'number' || typeof rec.text !== 'string') {
      throw new WrenError(`${out}:${i + 1}: a record without "index" or "text"; this file was not written by 'wren synth' (choose another --out)`);
    }
    if (typeof rec.seed === 'number') {
      if (result.seed !== undefined && result.seed !== rec.seed) throw new WrenError(`${out}:${i + 1}: records from two run seeds (${result.seed} and ${rec.seed}) in one file`);
      result.seed = rec.seed;
    }
    if (result.indexes.has(rec.index)) throw new WrenError(`${out}:${i + 1}: job ${rec.index} appears twice; the file was edited by hand`);
    result.indexes.add(rec.index);
    result.hashes.add(textHash(rec.text));
    result.records++;
  });
  return result;
}
