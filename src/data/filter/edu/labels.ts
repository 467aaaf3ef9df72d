// Labelled texts for train-classifier. Two formats:
//   CSV (RFC 4180: quoted fields may hold commas, newlines and "" escapes) with a header that has
//   a `text` and a `score` column — the FineWeb-Edu annotation dump in ../shared/data/edu-value;
//   JSONL, one {"text": string, "score": number} a line — what `wren filter annotate` writes.
// The field names can be changed, and in JSONL a dotted path reaches into nested objects
// (`scores.score` in the 2,000-row FineWeb-Edu Llama-3-70B files). Scores must be numbers in
// [0, 5]; a row with an empty score (a failed annotation) is skipped and counted; any other bad
// row, or a file whose rows lack the named field, is an error naming the file, line and field.
import { readFileSync } from 'node:fs';
import { WrenError } from '../../../errors.ts';
import type { LabeledText } from './classifier.ts';

/** Parses RFC 4180 CSV; returns rows with the 1-based line each row starts on. */
export function parseCsv(raw: string, file = 'csv'): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false, line = 1, rowLine = 1, i = 0;
  const L = raw.length;
  while (i < L) {
    const c = raw[i];
    if (quoted) {
      if (c === '"') {
        if (raw[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      if (c === '\n') line++;
      field += c; i++; continue;
    }
    if (c === '"' && field.length === 0) { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && raw[i + 1] === '\n') { i++; continue; }
    if (c === '\n') {
      row.push(field); rows.push(row); lines.push(rowLine);
      row = []; field = ''; line++; rowLine = line; i++; continue;
    }
    field += c; i++;
  }
  if (quoted) throw new WrenError(`${file}:${rowLine}: unterminated quoted field`);
  if (field.length > 0 || row.length > 0) { row.push(field); rows.push(row); lines.push(rowLine); }
  return { rows, lines };
}

export interface LabelSet {
  examples: LabeledText[];
  skipped: number;
}

/** Whether the path's last key exists (null counts: a failed annotation), as opposed to a file
 *  whose rows simply lack the field. */
function hasPath(rec: unknown, path: string): boolean {
  const keys = path.split('.'), last = keys.pop()!;
  const parent = keys.length ? at(rec, keys.join('.')) : rec;
  return parent !== null && typeof parent === 'object' && last in parent;
}

function checkScore(file: string, line: number, v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'string' && v.trim() === '') return NaN;
  if (!Number.isFinite(n) || n < 0 || n > 5) throw new WrenError(`${file}:${line}: score must be a number in [0, 5], got ${JSON.stringify(v)}`);
  return n;
}

export interface LabelFields {
  text: string;   // column / field (dotted path in JSONL) holding the text
  score: string;  // the same for the 0–5 score
}
export const DEFAULT_LABEL_FIELDS: LabelFields = { text: 'text', score: 'score' };

/** The value at a dotted path (`scores.score`), or undefined where the path stops. */
function at(rec: unknown, path: string): unknown {
  let v: unknown = rec;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !(k in v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Several label files read as one set, in order (skips summed). */
export function readLabelFiles(files: string[], fields: LabelFields = DEFAULT_LABEL_FIELDS): LabelSet {
  const examples: LabeledText[] = [];
  let skipped = 0;
  for (const f of files) {
    const r = readLabels(f, fields);
    examples.push(...r.examples);
    skipped += r.skipped;
  }
  return { examples, skipped };
}

export function readLabels(file: string, fields: LabelFields = DEFAULT_LABEL_FIELDS): LabelSet {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WrenError(`--labels ${file}: cannot read (${(err as Error).message})`);
  }
  const examples: LabeledText[] = [];
  let skipped = 0;
  if (/\.csv$/i.test(file)) {
    const { rows, lines } = parseCsv(raw, file);
    const header = rows[0] ?? [];
    const ti = header.indexOf(fields.text), si = header.indexOf(fields.score);
    if (ti < 0 || si < 0) throw new WrenError(`${file}:1: the header needs '${fields.text}' and '${fields.score}' columns, has ${header.join(', ')}`);
    for (let r = 1; r < rows.length; r++) {
      if (rows[r].length === 1 && rows[r][0] === '') continue;
      if (rows[r].length !== header.length) throw new WrenError(`${file}:${lines[r]}: ${rows[r].length} fields, the header has ${header.length}`);
      const score = checkScore(file, lines[r], rows[r][si]);
      if (Number.isNaN(score) || !rows[r][ti]) { skipped++; continue; }
      examples.push({ text: rows[r][ti], score });
    }
  } else {
    raw.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      let rec: unknown;
      try {
        rec = JSON.parse(l);
      } catch (err) {
        throw new WrenError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
      }
      const text = at(rec, fields.text), score = at(rec, fields.score);
      if (typeof text !== 'string') throw new WrenError(`${file}:${i + 1}: field '${fields.text}' must be a string (the text), got ${JSON.stringify(text)?.slice(0, 40) ?? 'nothing'}`);
      if (score === undefined && !hasPath(rec, fields.score)) throw new WrenError(`${file}:${i + 1}: no field '${fields.score}' (the score); name it with --score-field`);
      if (score === null || score === undefined) { skipped++; return; }
      examples.push({ text, score: checkScore(file, i + 1, score) });
    });
  }
  if (examples.length === 0) throw new WrenError(`${file}: no labelled rows`);
  return { examples, skipped };
}
