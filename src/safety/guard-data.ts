// Guard training data: rows from the shared layout (guard-sources.ts) or labelled JSONL, a
// written-down split, and synthesised prompt attacks.
//
// Labelled JSONL: one {"text": string, "label": "safe" | category, "role"?: "prompt"|"response",
// "split"?: "train"|"calibration"|"test"} a line ("flagged": false may stand for label "safe").
//
// The split (when a row does not name its own) is a pure function of the text, so the same text
// lands on the same side whichever source it came from (AdvBench and the refusal-direction set
// share rows): bucket = fnv1a(lower-cased, space-collapsed text) mod 100;
//   bucket < 25 (50 for XSTest, whose safe half is the over-flagging yardstick) → test (held out),
//   the next 10 buckets → calibration (fits the temperature), the rest → train.
// Training rows per source are capped (maxPerSource, the first by bucket order), test rows never.
import { statSync } from 'node:fs';
import { fnv1a } from '../data/filter/hash.ts';
import { WrenError } from '../errors.ts';
import { readLines } from '../util/read-lines.ts';
import { ATTACK_TEMPLATES, applyTemplate, HELD_OUT_TEMPLATES } from './attack-templates.ts';
import { GUARD_ROLES, isGuardCategory, type GuardRole } from './categories.ts';
import type { GuardRow } from './guard-sources.ts';
import { readSharedLayout } from './guard-sources.ts';
import { lookAlikeRows } from './look-alikes.ts';

export type Split = 'train' | 'calibration' | 'test';
export type GuardExample = GuardRow & { split: Split };

export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function textBucket(text: string): number {
  return fnv1a(normalizeText(text)) % 100;
}

export function heldOutPercent(source: string): number {
  return source.startsWith('xstest') ? 50 : 25;
}

export function splitOf(row: GuardRow): Split {
  const b = textBucket(row.text), h = heldOutPercent(row.source);
  return b < h ? 'test' : b < h + 10 ? 'calibration' : 'train';
}

/** A labelled JSONL file; errors name the file and line. */
export async function readLabelledJsonl(file: string): Promise<GuardExample[]> {
  const out: GuardExample[] = [];
  let n = 0;
  for await (const line of readLines(file)) {
    n++;
    if (!line.trim()) continue;
    let r: Record<string, unknown>;
    try { r = JSON.parse(line); } catch (err) { throw new WrenError(`${file}:${n}: not valid JSON (${(err as Error).message})`); }
    if (typeof r !== 'object' || r === null || typeof r.text !== 'string') throw new WrenError(`${file}:${n}: expected an object with a string 'text'`);
    const label = r.label ?? (r.flagged === false ? 'safe' : undefined);
    if (typeof label !== 'string' || (label !== 'safe' && !isGuardCategory(label))) {
      throw new WrenError(`${file}:${n}: 'label' must be 'safe' or one of the categories hate, sexual, violence, self_harm, criminal_planning, weapons, jailbreak; got ${JSON.stringify(label)}`);
    }
    const role = r.role ?? 'prompt';
    if (!GUARD_ROLES.includes(role as GuardRole)) throw new WrenError(`${file}:${n}: 'role' must be 'prompt' or 'response', got ${JSON.stringify(role)}`);
    const row: GuardRow = { text: r.text, role: role as GuardRole, label, source: typeof r.source === 'string' ? r.source : file };
    const split = r.split ?? splitOf(row);
    if (split !== 'train' && split !== 'calibration' && split !== 'test') throw new WrenError(`${file}:${n}: 'split' must be train, calibration or test, got ${JSON.stringify(split)}`);
    out.push({ ...row, split });
  }
  if (out.length === 0) throw new WrenError(`${file}: no labelled rows (the file is empty)`);
  return out;
}

/** Prompt attacks: every other harmful prompt (by bucket parity) and every fourth ordinary task
 *  wrapped in a template; test rows get the held-out templates only. */
export function synthesiseAttacks(rows: GuardExample[]): GuardExample[] {
  const trainTemplates = ATTACK_TEMPLATES.length - HELD_OUT_TEMPLATES;
  const out: GuardExample[] = [];
  for (const r of rows) {
    if (r.role !== 'prompt' || r.label === 'jailbreak') continue;
    const h = fnv1a(normalizeText(r.text) + '#attack');
    const harmful = r.label !== 'safe';
    if (harmful ? h % 2 !== 0 : !(r.source.startsWith('tasks_') && h % 4 === 0)) continue;
    const t = r.split === 'test' ? trainTemplates + ((h >>> 8) % HELD_OUT_TEMPLATES) : (h >>> 8) % trainTemplates;
    out.push({ text: applyTemplate(t, r.text), role: 'prompt', label: 'jailbreak', source: `attack_${harmful ? 'harmful' : 'benign'}`, split: r.split });
  }
  return out;
}

/** All rows of the given folders and files, split, deduplicated (same role and text), with
 *  attacks synthesised from the folders' rows (a labelled file is taken as it is), and with
 *  `lookAlikes` the look-alike pairs of look-alikes.ts. */
export async function assembleGuardData(paths: string[], o: { maxPerSource?: number; attacks?: boolean; lookAlikes?: boolean } = {}): Promise<GuardExample[]> {
  const rows: GuardExample[] = [], folderRows = new Set<GuardExample>();
  for (const p of paths) {
    let dir: boolean;
    try { dir = statSync(p).isDirectory(); } catch { throw new WrenError(`--data ${p}: no such file or folder`); }
    if (dir) for (const r of readSharedLayout(p)) { const x = { ...r, split: splitOf(r) }; rows.push(x); folderRows.add(x); }
    else rows.push(...await readLabelledJsonl(p));
  }
  if (o.lookAlikes) for (const r of lookAlikeRows()) { const x = { ...r, split: splitOf(r) }; rows.push(x); folderRows.add(x); }
  const seen = new Set<string>(), unique: GuardExample[] = [];
  for (const r of rows) {
    const key = `${r.role}\u0000${normalizeText(r.text)}`;
    if (seen.has(key)) continue; // the first source keeps it (AdvBench before the instruction sets)
    seen.add(key);
    unique.push(r);
  }
  const fromFolders = unique.filter((r) => folderRows.has(r));
  const all = o.attacks === false ? unique : [...unique, ...synthesiseAttacks(fromFolders)];
  return capTraining(all, o.maxPerSource ?? 800);
}

function capTraining(rows: GuardExample[], cap: number): GuardExample[] {
  const bySource = new Map<string, GuardExample[]>();
  for (const r of rows) if (r.split === 'train') (bySource.get(r.source) ?? bySource.set(r.source, []).get(r.source)!).push(r);
  const keep = new Set<GuardExample>();
  for (const list of bySource.values()) {
    list.sort((a, b) => fnv1a(normalizeText(a.text) + '#cap') - fnv1a(normalizeText(b.text) + '#cap'));
    for (const r of list.slice(0, cap)) keep.add(r);
  }
  return rows.filter((r) => r.split !== 'train' || keep.has(r));
}
