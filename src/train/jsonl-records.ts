// The JSONL record reader that SFT and DPO data share: each non-empty line goes through `decode`,
// which returns the record or the reason it is bad; a bad record stops the read with its
// file:line, or, with skipBad, is counted and skipped. Reading none at all is an error.
import { WrenError } from '../errors.ts';
import { readLines } from '../util/read-lines.ts';

export type Skipped = { where: string; reason: string };

export async function readJsonlRecords<T>(file: string, what: string, decode: (line: string, where: string) => T | string,
  o: { skipBad?: boolean } = {}): Promise<{ records: T[]; skipped: Skipped[] }> {
  const records: T[] = [], skipped: Skipped[] = [];
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (line.trim() === '') continue;
    const where = `${file}:${lineNo}`, r = decode(line, where);
    if (typeof r !== 'string') { records.push(r); continue; }
    if (!o.skipBad) throw new WrenError(`${where}: ${r}; pass --skip-bad to skip such records`);
    skipped.push({ where, reason: r });
  }
  if (records.length === 0) throw new WrenError(`${file}: no usable ${what}${skipped.length ? ` (${skipped.length} skipped)` : ''}`);
  return { records, skipped };
}
