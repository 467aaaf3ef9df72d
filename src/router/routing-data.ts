// Routing tables: one row per prompt saying whether the weak and the strong model answered it
// well. Three inputs, all read into the same rows:
//   FILE.csv    RouteLLM's MMLU responses (routellm/evals/mmlu/responses/mmlu_SUBJECT.csv):
//               header `prompt,<weak model>,<strong model>`, cells True/False. The columns are
//               found by name (default Mixtral-8x7B-Instruct-v0.1 and gpt-4-1106-preview, as
//               RouteLLM's evaluator); the subject is the file name without `mmlu_` and `.csv`.
//   FILE.jsonl  one {"prompt": string, "weak": boolean, "strong": boolean, "subject"?: string}
//               a line (a table anyone can write for their own pair of models).
//   battles     Chatbot Arena battles as JSONL (FastChat's arena_hard_1k question files:
//               "turns", "model_a", "model_b", "winner"): only battles between a strong-tier and a
//               weak-tier model count (ARENA_STRONG_TIER, or --strong-model a,b,…); the tier that
//               won was right, a "tie" makes both right, a "tie (bothbad)" neither.
//   DIR         every *.csv and *.jsonl under DIR, or, for a folder laid out like
//               ../shared/data/router, its routellm/mmlu_responses/.
// The training label is "the strong model is needed": strong correct AND weak wrong. A prompt
// both answer (or neither answers) costs nothing to send to the weak model.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCsv } from '../data/filter/edu/labels.ts';
import { fileError, WrenError } from '../errors.ts';
import { stripBom } from '../util/read-lines.ts';

export const ROUTELLM_WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
export const ROUTELLM_STRONG = 'gpt-4-1106-preview';

export type RoutedPrompt = {
  prompt: string;
  weak: boolean;      // the weak model's answer was right
  strong: boolean;    // the strong model's answer was right
  subject: string;    // MMLU subject, or the file's name
  where: string;      // file:line, for messages
};

export type TableColumns = { weak?: string; strong?: string };

/** The strong tier for arena battles when none is named: the proprietary models of mid-2023. */
export const ARENA_STRONG_TIER = ['gpt-4', 'claude-1', 'claude-2', 'claude-instant-1', 'gpt-3.5-turbo', 'palm-2'];

/** The label the classifiers learn: only the strong model gets it right. */
export function needsStrong(r: RoutedPrompt): boolean {
  return r.strong && !r.weak;
}

/** Rows of every file or folder given, in a stable order (files sorted by path). */
export function readRoutingData(paths: string[], columns: TableColumns = {}): RoutedPrompt[] {
  if (paths.length === 0) throw new WrenError('--data: give at least one file or folder');
  const rows: RoutedPrompt[] = [];
  for (const p of paths) for (const file of tableFiles(p)) rows.push(...readTable(file, columns));
  if (rows.length === 0) throw new WrenError(`--data ${paths.join(' ')}: no rows`);
  return rows;
}

function tableFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw fileError(path, err, 'read');
  }
  if (!st.isDirectory()) return [path];
  const nested = join(path, 'routellm', 'mmlu_responses');
  const dir = existsSync(nested) ? nested : path;
  const files = readdirSync(dir).filter((f) => /\.(csv|jsonl)$/i.test(f)).sort().map((f) => join(dir, f));
  if (files.length === 0) throw new WrenError(`${path}: no .csv or .jsonl routing tables in it (expected RouteLLM's mmlu_*.csv, or routellm/mmlu_responses/ below it)`);
  return files;
}

function readTable(file: string, columns: TableColumns): RoutedPrompt[] {
  let raw: string;
  try {
    raw = stripBom(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fileError(file, err, 'read');
  }
  if (/\.csv$/i.test(file)) return readCsvTable(file, raw, columns);
  if (/\.jsonl$/i.test(file)) return readJsonlTable(file, raw, columns);
  throw new WrenError(`${file}: expected a .csv (RouteLLM's responses) or .jsonl routing table`);
}

function bool(file: string, line: number, column: string, v: string): boolean {
  if (v === 'True' || v === 'true' || v === '1') return true;
  if (v === 'False' || v === 'false' || v === '0') return false;
  throw new WrenError(`${file}:${line}: column '${column}' must be True or False, got ${JSON.stringify(v)}`);
}

function readCsvTable(file: string, raw: string, columns: TableColumns): RoutedPrompt[] {
  const { rows, lines } = parseCsv(raw, file);
  const header = rows[0] ?? [];
  const weakName = columns.weak ?? ROUTELLM_WEAK, strongName = columns.strong ?? ROUTELLM_STRONG;
  const pi = header.indexOf('prompt'), wi = header.indexOf(weakName), si = header.indexOf(strongName);
  if (pi < 0 || wi < 0 || si < 0) {
    const missing = [pi < 0 ? 'prompt' : '', wi < 0 ? weakName : '', si < 0 ? strongName : ''].filter(Boolean);
    throw new WrenError(`${file}:1: the header has no column ${missing.map((m) => `'${m}'`).join(', ')} (it has ${header.join(', ')}); name the models' columns with --weak-model / --strong-model`);
  }
  const subject = basename(file).replace(/\.csv$/i, '').replace(/^mmlu_/, '');
  const out: RoutedPrompt[] = [];
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].length === 1 && rows[r][0] === '') continue;
    if (rows[r].length !== header.length) throw new WrenError(`${file}:${lines[r]}: ${rows[r].length} fields, the header has ${header.length}`);
    out.push({
      prompt: rows[r][pi], weak: bool(file, lines[r], weakName, rows[r][wi]), strong: bool(file, lines[r], strongName, rows[r][si]),
      subject, where: `${file}:${lines[r]}`,
    });
  }
  return out;
}

function readJsonlTable(file: string, raw: string, columns: TableColumns): RoutedPrompt[] {
  const out: RoutedPrompt[] = [];
  const fallback = basename(file).replace(/\.jsonl$/i, '');
  const strongTier = new Set(columns.strong ? columns.strong.split(',') : ARENA_STRONG_TIER);
  raw.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    let o: { prompt?: unknown; weak?: unknown; strong?: unknown; subject?: unknown; turns?: unknown; model_a?: unknown; model_b?: unknown; winner?: unknown };
    try {
      o = JSON.parse(l);
    } catch (err) {
      throw new WrenError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    if (o && typeof o === 'object' && 'winner' in o && Array.isArray(o.turns)) {
      const battle = arenaRow(o, strongTier, `${file}:${i + 1}`);
      if (battle) out.push(battle);
      return;
    }
    if (typeof o?.prompt !== 'string' || typeof o.weak !== 'boolean' || typeof o.strong !== 'boolean') {
      throw new WrenError(`${file}:${i + 1}: expected {"prompt": string, "weak": boolean, "strong": boolean}`);
    }
    out.push({ prompt: o.prompt, weak: o.weak, strong: o.strong, subject: typeof o.subject === 'string' ? o.subject : fallback, where: `${file}:${i + 1}` });
  });
  return out;
}

/** Prompts of a plain prompt file (calibration, scoring): JSONL with a "prompt" (or "text") field, or text lines. */
export function readPrompts(file: string): string[] {
  let raw: string;
  try {
    raw = stripBom(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fileError(file, err, 'read');
  }
  if (/\.csv$/i.test(file)) return readCsvPrompts(file, raw);
  const out: string[] = [];
  raw.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    if (!/\.jsonl$/i.test(file)) { out.push(l); return; }
    let o: { prompt?: unknown; text?: unknown };
    try {
      o = JSON.parse(l);
    } catch (err) {
      throw new WrenError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    const p = typeof o?.prompt === 'string' ? o.prompt : typeof o?.text === 'string' ? o.text : undefined;
    if (p === undefined) throw new WrenError(`${file}:${i + 1}: expected {"prompt": string} (or "text")`);
    out.push(p);
  });
  if (out.length === 0) throw new WrenError(`${file}: no prompts`);
  return out;
}

function readCsvPrompts(file: string, raw: string): string[] {
  const { rows } = parseCsv(raw, file);
  const pi = (rows[0] ?? []).indexOf('prompt');
  if (pi < 0) throw new WrenError(`${file}:1: the header has no 'prompt' column`);
  const out = rows.slice(1).filter((r) => !(r.length === 1 && r[0] === '')).map((r) => r[pi]);
  if (out.length === 0) throw new WrenError(`${file}: no prompts`);
  return out;
}

type Battle = { turns?: unknown; model_a?: unknown; model_b?: unknown; winner?: unknown };

/** One arena battle between the tiers as a routing row; undefined for a battle within a tier. */
function arenaRow(o: Battle, strongTier: Set<string>, where: string): RoutedPrompt | undefined {
  const turns = o.turns as unknown[];
  if (typeof turns[0] !== 'string' || typeof o.model_a !== 'string' || typeof o.model_b !== 'string' || typeof o.winner !== 'string') {
    throw new WrenError(`${where}: an arena battle needs "turns" (strings), "model_a", "model_b" and "winner"`);
  }
  const aStrong = strongTier.has(o.model_a), bStrong = strongTier.has(o.model_b);
  if (aStrong === bStrong) return undefined;
  const w = o.winner;
  if (w !== 'model_a' && w !== 'model_b' && w !== 'tie' && w !== 'tie (bothbad)') throw new WrenError(`${where}: "winner" must be model_a, model_b, tie or tie (bothbad), got ${JSON.stringify(w)}`);
  const strongWon = w === 'tie' || (w === 'model_a') === aStrong && w !== 'tie (bothbad)';
  const weakWon = w === 'tie' || (w === 'model_a') === !aStrong && w !== 'tie (bothbad)';
  return { prompt: turns[0], strong: strongWon, weak: weakWon, subject: 'arena', where };
}
