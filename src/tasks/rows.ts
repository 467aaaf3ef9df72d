// A task's rows from its data file and the seeded split. CSV (RFC 4180, header row) or JSONL (one
// object a line); the named columns must exist. A JSONL field may be a list of strings: as input
// it is joined with spaces (SciTLDR's abstract sentences); as the reference its first entry is the
// training target and every entry is a reference for scoring (SciTLDR's several TLDRs).
// The split: rows in file order, optionally deduplicated by input, shuffled by a seeded
// Fisher–Yates (mulberry32), the first eval_rows held out, the rest (capped at train_rows) trained on.
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { parseCsv } from '../data/filter/edu/labels.ts';
import type { TaskConfig } from './config.ts';

export type TaskRow = { line: number; input: string; references: string[]; label?: string; sourceParts?: string[] };
export type TaskSplit = { train: TaskRow[]; eval: TaskRow[]; seed: number; total: number };

function asText(v: unknown, where: string, field: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new WrenError(`${where}: field '${field}' should be a string or a list of strings`);
}

/** The data file's rows; with `data.write` (no reference column) its documents, references empty. */
export function readTaskRows(t: TaskConfig): TaskRow[] {
  const { file, input, reference, label } = t.data;
  let raw: string;
  try { raw = readFileSync(file, 'utf8'); } catch (err) { throw new WrenError(`data.file ${file}: ${(err as Error).message}`); }
  const wanted = [input, ...(reference ? [reference] : []), ...(label ? [label] : [])];
  const rows: TaskRow[] = [];
  if (file.endsWith('.csv')) {
    const { rows: cells, lines } = parseCsv(raw, file);
    const header = cells[0] ?? [];
    for (const c of wanted) if (!header.includes(c)) throw new WrenError(`${file}: no column '${c}' (named in data of ${t.file}); the header has: ${header.join(', ')}`);
    const at = (name: string) => header.indexOf(name);
    for (let i = 1; i < cells.length; i++) {
      const r = cells[i];
      if (r.length === 1 && r[0] === '') continue;
      rows.push({ line: lines[i], input: r[at(input)] ?? '', references: reference ? [r[at(reference)] ?? ''] : [], label: label ? r[at(label)] : undefined });
    }
  } else {
    raw.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      const where = `${file}:${i + 1}`;
      let o: Record<string, unknown>;
      try { o = JSON.parse(l); } catch { throw new WrenError(`${where}: not a JSON object`); }
      for (const c of wanted) if (!(c in o)) throw new WrenError(`${where}: no field '${c}' (named in data of ${t.file})`);
      const parts = asText(o[input], where, input);
      rows.push({ line: i + 1, input: parts.join(' '), sourceParts: parts, references: reference ? asText(o[reference], where, reference) : [], label: label ? String(o[label]) : undefined });
    });
  }
  const usable = rows.filter((r) => r.input.trim() && (!reference || r.references[0]?.trim()));
  if (usable.length === 0) throw new WrenError(reference ? `${file}: no rows with both '${input}' and '${reference}'` : `${file}: no documents with '${input}'`);
  return usable;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function splitTaskRows(rows: TaskRow[], s: TaskConfig['split'], file: string): TaskSplit {
  let pool = rows;
  if (s.dedupe_input) {
    const seen = new Set<string>();
    pool = rows.filter((r) => { const k = r.input.trim().toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true; });
  }
  const order = pool.slice(), rand = mulberry32(s.seed);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  if (order.length <= s.eval_rows) {
    throw new WrenError(`${file}: split.eval_rows ${s.eval_rows} leaves no training rows (${order.length} usable rows)`);
  }
  const evalRows = order.slice(0, s.eval_rows), train = order.slice(s.eval_rows, s.train_rows ? s.eval_rows + s.train_rows : undefined);
  return { train, eval: evalRows, seed: s.seed, total: order.length };
}
