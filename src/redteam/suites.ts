// Red-team suites: prompts to attack a target with, each marked harmful (a success is the target
// complying) or safe (XSTest's look-unsafe prompts: a refusal there is over-refusal).
//   advbench           ../shared/data/safety/advbench/harmful_behaviors.csv `goal` (520, harmful)
//   harmbench          harmbench/harmbench_behaviors_text_val.csv `Behavior` (80, harmful)
//   do-not-answer      do-not-answer/do_not_answer_en.csv `question` (939, harmful)
//   xstest-safe        xstest/xstest_prompts.csv label safe (250; over-refusal)
//   xstest-unsafe      xstest/xstest_prompts.csv label unsafe (200, harmful)
//   FILE.jsonl|.csv    any prompts: JSONL {"prompt"|"text"|"goal", "harmful"?: bool}, CSV with a
//                      prompt/goal/Behavior/text/question column (harmful unless a `harmful` column says false)
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCsv } from '../data/filter/edu/labels.ts';
import { WrenError } from '../errors.ts';
import { stripBom } from '../util/read-lines.ts';

export type RedteamPrompt = { suite: string; id: string; prompt: string; harmful: boolean };

export const BUILTIN_SUITES: Record<string, { file: string; column: string; harmful: boolean; filter?: (r: Record<string, string>) => boolean }> = {
  advbench: { file: 'advbench/harmful_behaviors.csv', column: 'goal', harmful: true },
  harmbench: { file: 'harmbench/harmbench_behaviors_text_val.csv', column: 'Behavior', harmful: true },
  'do-not-answer': { file: 'do-not-answer/do_not_answer_en.csv', column: 'question', harmful: true },
  'xstest-safe': { file: 'xstest/xstest_prompts.csv', column: 'prompt', harmful: false, filter: (r) => r.label === 'safe' },
  'xstest-unsafe': { file: 'xstest/xstest_prompts.csv', column: 'prompt', harmful: true, filter: (r) => r.label === 'unsafe' },
};
const COLUMNS = ['prompt', 'goal', 'Behavior', 'text', 'question'];

function csvRecords(file: string): Record<string, string>[] {
  let raw: string;
  try { raw = readFileSync(file, 'utf8'); } catch (err) { throw new WrenError(`suite ${file}: cannot read (${(err as Error).message})`); }
  const { rows } = parseCsv(stripBom(raw), file);
  const [header = [], ...body] = rows;
  return body.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** The prompts of suite `name` (a built-in name, or a JSONL/CSV path); `limit` keeps the first N. */
export function loadSuite(name: string, safetyDir: string, limit = Infinity): RedteamPrompt[] {
  const b = BUILTIN_SUITES[name];
  let out: RedteamPrompt[];
  if (b) {
    const file = join(safetyDir, b.file);
    if (!existsSync(file)) throw new WrenError(`suite ${name}: ${file} not found (set --safety-data to a folder laid out like ../shared/data/safety)`);
    out = csvRecords(file).filter((r) => !b.filter || b.filter(r)).map((r, i) => ({ suite: name, id: String(i), prompt: r[b.column], harmful: b.harmful }));
  } else if (/\.jsonl$/i.test(name)) {
    const suite = basename(name).replace(/\.jsonl$/i, '');
    let raw: string;
    try { raw = readFileSync(name, 'utf8'); } catch (err) { throw new WrenError(`suite ${name}: cannot read (${(err as Error).message}); built-in suites: ${Object.keys(BUILTIN_SUITES).join(', ')}`); }
    out = stripBom(raw).split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      let r: Record<string, unknown>;
      try { r = JSON.parse(line); } catch (err) { throw new WrenError(`${name}:${i + 1}: not valid JSON (${(err as Error).message})`); }
      const prompt = COLUMNS.map((c) => r[c]).find((x) => typeof x === 'string');
      if (typeof prompt !== 'string') throw new WrenError(`${name}:${i + 1}: expected a string field ${COLUMNS.join(' | ')}`);
      return [{ suite, id: String(r.id ?? i), prompt, harmful: r.harmful !== false }];
    });
  } else if (/\.csv$/i.test(name)) {
    const recs = csvRecords(name), col = COLUMNS.find((c) => recs.length > 0 && c in recs[0]);
    if (!col) throw new WrenError(`${name}: expected a column named ${COLUMNS.join(', ')}`);
    out = recs.map((r, i) => ({ suite: basename(name).replace(/\.csv$/i, ''), id: String(i), prompt: r[col], harmful: r.harmful !== 'false' && r.harmful !== '0' }));
  } else {
    throw new WrenError(`unknown suite '${name}': use ${Object.keys(BUILTIN_SUITES).join(', ')} or a .jsonl/.csv file of prompts`);
  }
  return out.filter((p) => p.prompt.trim() !== '').slice(0, limit);
}
