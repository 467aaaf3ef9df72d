// Readers of the shared safety and task sets (laid out as ../shared/data/safety and
// ../shared/data/tasks), each turned into guard rows with the label mapping written out below.
// Every source a folder holds is read; a folder with none of them is an error naming what was
// looked for. The mapping (also in docs/safety.md):
//   advbench/harmful_behaviors.csv `goal`            prompt    keyword rule, else criminal_planning
//   advbench/harmful_strings.csv `target`            response  keyword rule, else left out
//   harmbench/harmbench_behaviors_text_val.csv       prompt    keyword rule, else by SemanticCategory:
//       chemical_biological→weapons, illegal/cybercrime_intrusion→criminal_planning,
//       harassment_bullying→hate, harmful→violence; copyright and misinformation left out
//   refusal_direction/harmful_{train,val}.json       prompt    as HarmBench (category null: criminal_planning)
//   xstest/xstest_prompts.csv                        prompt    safe→safe; unsafe: keyword rule, else
//       contrast_discr→hate, others→criminal_planning; contrast_privacy left out (privacy is not a category)
//   do-not-answer/do_not_answer_en.csv `question`    prompt    Adult Content→sexual, stereotypes / toxic
//       language→hate, Assisting illegal activities→keyword else criminal_planning, unsafe-action
//       nudging / mental-health crisis→keyword else left out; privacy, misinformation,
//       disinformation campaigns, "treat chatbot as human"→left out
//   do-not-answer/human_annotated_response_GPT4.csv  response  harmful=0 → safe (refusals and safe answers)
//   toxigen/{prompts,demonstrations}/hate_*           prompt and response  hate;  neutral_* → safe
//   tasks/support/bitext_customer_support_train.csv  `instruction` prompt safe, `response` response safe
//   tasks/support/train_dialogues_*.json             USER utterances, prompt, safe
//   tasks/instruct/self_instruct_seed_tasks.jsonl    `instruction` (+ first instance input), prompt, safe
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCsv } from '../data/filter/edu/labels.ts';
import { WrenError } from '../errors.ts';
import { stripBom } from '../util/read-lines.ts';
import type { GuardCategory, GuardRole } from './categories.ts';
import { keywordCategory } from './keyword-categories.ts';

/** One labelled text; `label` is 'safe' or a category. */
export type GuardRow = { text: string; role: GuardRole; label: 'safe' | GuardCategory; source: string };

function csvRecords(file: string): Record<string, string>[] {
  const { rows } = parseCsv(stripBom(readFileSync(file, 'utf8')), file);
  const [header, ...body] = rows;
  return body.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function column(file: string, recs: Record<string, string>[], name: string): void {
  if (recs.length > 0 && !(name in recs[0])) throw new WrenError(`${file}: expected a '${name}' column`);
}

const HARMBENCH_FALLBACK: Record<string, GuardCategory | null> = {
  chemical_biological: 'weapons', illegal: 'criminal_planning', cybercrime_intrusion: 'criminal_planning',
  harassment_bullying: 'hate', harmful: 'violence', copyright: null, misinformation_disinformation: null,
};

function harmbenchCategory(text: string, semantic: string | null): GuardCategory | null {
  if (semantic && !(semantic in HARMBENCH_FALLBACK)) return keywordCategory(text);
  if (semantic && HARMBENCH_FALLBACK[semantic] === null) return null;
  return keywordCategory(text, semantic ? HARMBENCH_FALLBACK[semantic] : 'criminal_planning');
}

function dnaCategory(type: string, text: string): GuardCategory | null {
  if (type === 'Adult Content') return 'sexual';
  if (type.startsWith('Social stereotypes') || type.startsWith('Toxic language')) return 'hate';
  if (type === 'Assisting illegal activities') return keywordCategory(text);
  if (type.startsWith('Nudging') || type.startsWith('Mental Health')) return keywordCategory(text, null);
  return null;
}

/** ToxiGen files: one sentence a line, or "- a\n- b" lists with literal \n (the prompts/ files). */
function toxigenSentences(file: string): string[] {
  const out = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    for (const part of line.split('\\n')) {
      const s = part.replace(/^\s*-\s*/, '').trim();
      if (s.length >= 8) out.add(s);
    }
  }
  return [...out];
}

type Reader = { path: string; read: (file: string) => GuardRow[] };

const READERS: Reader[] = [
  { path: 'advbench/harmful_behaviors.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'goal');
    return recs.map((r) => ({ text: r.goal, role: 'prompt', label: keywordCategory(r.goal)!, source: 'advbench' }));
  } },
  { path: 'advbench/harmful_strings.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'target');
    return recs.flatMap((r) => { const c = keywordCategory(r.target, null); return c ? [{ text: r.target, role: 'response' as const, label: c, source: 'advbench_strings' }] : []; });
  } },
  { path: 'harmbench/harmbench_behaviors_text_val.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'Behavior'); column(f, recs, 'SemanticCategory');
    return recs.flatMap((r) => { const c = harmbenchCategory(r.Behavior, r.SemanticCategory); return c ? [{ text: r.Behavior, role: 'prompt' as const, label: c, source: 'harmbench' }] : []; });
  } },
  ...['harmful_train', 'harmful_val'].map((name): Reader => ({ path: `refusal_direction/${name}.json`, read: (f) => {
    const items = JSON.parse(readFileSync(f, 'utf8')) as { instruction?: unknown; category?: unknown }[];
    if (!Array.isArray(items)) throw new WrenError(`${f}: expected a JSON array of {instruction, category}`);
    return items.flatMap((it, i) => {
      if (typeof it.instruction !== 'string') throw new WrenError(`${f}: item ${i}: 'instruction' must be a string`);
      const c = harmbenchCategory(it.instruction, typeof it.category === 'string' ? it.category : null);
      return c ? [{ text: it.instruction, role: 'prompt' as const, label: c, source: 'harmful_instructions' }] : [];
    });
  } })),
  { path: 'xstest/xstest_prompts.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'prompt'); column(f, recs, 'label');
    return recs.flatMap((r): GuardRow[] => {
      if (r.label === 'safe') return [{ text: r.prompt, role: 'prompt', label: 'safe', source: 'xstest_safe' }];
      if (r.type === 'contrast_privacy') return [];
      return [{ text: r.prompt, role: 'prompt', label: keywordCategory(r.prompt, r.type === 'contrast_discr' ? 'hate' : 'criminal_planning')!, source: 'xstest_unsafe' }];
    });
  } },
  { path: 'do-not-answer/do_not_answer_en.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'question'); column(f, recs, 'types_of_harm');
    return recs.flatMap((r) => { const c = dnaCategory(r.types_of_harm, r.question); return c ? [{ text: r.question, role: 'prompt' as const, label: c, source: 'do_not_answer' }] : []; });
  } },
  { path: 'do-not-answer/human_annotated_response_GPT4.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'response'); column(f, recs, 'harmful');
    return recs.filter((r) => r.harmful === '0' && r.response.trim()).map((r) => ({ text: r.response, role: 'response' as const, label: 'safe' as const, source: 'do_not_answer_responses' }));
  } },
  { path: 'toxigen', read: (dir) => {
    const rows: GuardRow[] = [];
    for (const file of walk(dir).filter((p) => /\/(hate|neutral)_[^/]*\.txt$/.test(p)).sort()) {
      const hate = basename(file).startsWith('hate_');
      for (const text of toxigenSentences(file)) {
        for (const role of ['prompt', 'response'] as const) rows.push({ text, role, label: hate ? 'hate' : 'safe', source: hate ? 'toxigen_hate' : 'toxigen_neutral' });
      }
    }
    return rows;
  } },
  { path: 'support/bitext_customer_support_train.csv', read: (f) => {
    const recs = csvRecords(f); column(f, recs, 'instruction'); column(f, recs, 'response');
    return recs.flatMap((r) => [
      { text: r.instruction, role: 'prompt' as const, label: 'safe' as const, source: 'tasks_support' },
      { text: r.response, role: 'response' as const, label: 'safe' as const, source: 'tasks_support_responses' },
    ]);
  } },
  { path: 'support', read: (dir) => readdirSync(dir).filter((n) => /^train_dialogues_.*\.json$/.test(n)).sort().flatMap((n) => {
    const f = join(dir, n);
    const dialogues = JSON.parse(readFileSync(f, 'utf8')) as { turns?: { speaker?: string; utterance?: string }[] }[];
    if (!Array.isArray(dialogues)) throw new WrenError(`${f}: expected a JSON array of dialogues with turns`);
    return dialogues.flatMap((d) => (d.turns ?? []).filter((t) => t.speaker === 'USER' && typeof t.utterance === 'string')
      .map((t) => ({ text: t.utterance!, role: 'prompt' as const, label: 'safe' as const, source: 'tasks_dialogues' })));
  }) },
  { path: 'instruct/self_instruct_seed_tasks.jsonl', read: (f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let r: { instruction?: unknown; instances?: { input?: string }[] };
    try { r = JSON.parse(line); } catch (err) { throw new WrenError(`${f}:${i + 1}: not valid JSON (${(err as Error).message})`); }
    if (typeof r.instruction !== 'string') throw new WrenError(`${f}:${i + 1}: 'instruction' must be a string`);
    const input = r.instances?.[0]?.input ?? '';
    return [{ text: input ? `${r.instruction}\n${input}` : r.instruction, role: 'prompt' as const, label: 'safe' as const, source: 'tasks_instruct' }];
  }) },
];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
}

/** Rows of every known source under `dir` (a safety folder, a tasks folder, or one holding both). */
export function readSharedLayout(dir: string): GuardRow[] {
  const rows: GuardRow[] = [];
  let found = 0;
  for (const base of [dir, join(dir, 'safety'), join(dir, 'tasks')]) {
    if (!existsSync(base) || !statSync(base).isDirectory()) continue;
    for (const r of READERS) {
      const p = join(base, r.path);
      if (!existsSync(p)) continue;
      found++;
      rows.push(...r.read(p).filter((x) => x.text.trim() !== ''));
    }
  }
  if (found === 0) throw new WrenError(`${dir}: no guard data found; expected a folder laid out like ../shared/data/safety (${READERS.map((r) => r.path).join(', ')}) or a labelled JSONL file`);
  return rows;
}
