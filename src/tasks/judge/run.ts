// The judge stage: every (system, row) answer graded by a teacher with a rubric, cached and
// resumable. Each verdict is appended to a JSONL file (an AppendLog: a kill keeps every whole line)
// under the sha-256 of the judge's id, the rubric and the prompt, so a rerun asks only for what is
// not there yet, and two systems that gave the same answer cost one request.
//
// A reply the scores cannot be read from (parse.ts) is asked about again, up to `attempts` tries in
// all: the conversation so far plus a request for the answer line alone. If it still fails the row
// is written with scores null and the reason, reported in the summary as failed and left out of
// every mean — never counted as some score. A rerun asks failed rows again (the later line wins).
// A transport error the teacher's own retries did not fix stops the stage (what is written stays).
//
// Line format: {"key", "system", "line", "teacher", "rubric", "scores": {criterion: 0–10} | null,
//               "age_group"?: "A"–"F", "tries", "reply", "error"?}
import { createHash } from 'node:crypto';
import { readLog } from '../../formats/append-log.ts';
import { appendEach } from '../append-each.ts';
import { WrenError } from '../../errors.ts';
import type { ChatMessage, Teacher } from '../../llm/teacher.ts';
import { parseJudgeReply } from './parse.ts';
import { answerLine, type Rubric } from './rubrics.ts';

export type JudgeItem = { system: string; line: number; messages: ChatMessage[] };
export type JudgeRecord = {
  key: string; system: string; line: number; teacher: string; rubric: string;
  scores: Record<string, number> | null; age_group?: string; tries: number; reply: string; error?: string;
};
export type JudgeOptions = { rubric: Rubric; maxTokens: number; attempts: number; concurrency: number; onRecord?: (done: number, total: number) => void };
export type JudgeRun = { records: Map<string, JudgeRecord>; keys: string[]; asked: number; cached: number };

export function judgeKey(teacher: string, rubric: Rubric, messages: ChatMessage[], maxTokens: number): string {
  return createHash('sha256').update(JSON.stringify([teacher, rubric.name, maxTokens, messages])).digest('hex');
}

export function readJudgeLog(file: string): Map<string, JudgeRecord> {
  const byKey = new Map<string, JudgeRecord>();
  readLog(file, 'line').records.forEach((b, i) => {
    let r: JudgeRecord;
    try { r = JSON.parse(b.toString('utf8')) as JudgeRecord; } catch { throw new WrenError(`${file}:${i + 1}: not a judge record; fix or delete that line`); }
    byKey.set(r.key, r);
  });
  return byKey;
}

async function askJudge(teacher: Teacher, item: JudgeItem, key: string, o: JudgeOptions): Promise<JudgeRecord> {
  const messages = [...item.messages];
  let reply = '', error = '';
  for (let tries = 1; tries <= o.attempts; tries++) {
    reply = (await teacher.complete({ messages, maxTokens: o.maxTokens, temperature: 0, seed: 0 })).text;
    const p = parseJudgeReply(reply, o.rubric);
    const base = { key, system: item.system, line: item.line, teacher: teacher.id, rubric: o.rubric.name, tries, reply };
    if (p.ok) return { ...base, scores: p.value.scores, ...(p.value.ageGroup ? { age_group: p.value.ageGroup } : {}) };
    error = p.error;
    messages.push({ role: 'assistant', content: reply },
      { role: 'user', content: `I could not read your grades (${error}). Reply with only this line, X a number from 1 to 10${o.rubric.ageGroup ? ' and L a letter A-F' : ''}: ${answerLine(o.rubric)}` });
  }
  return { key, system: item.system, line: item.line, teacher: teacher.id, rubric: o.rubric.name, scores: null, tries: o.attempts, reply, error };
}

/** Grades every item (cached ones from `file`); returns the records by key and each item's key. */
export async function runJudge(items: JudgeItem[], teacher: Teacher, file: string, o: JudgeOptions): Promise<JudgeRun> {
  const records = readJudgeLog(file);
  const keys = items.map((it) => judgeKey(teacher.id, o.rubric, it.messages, o.maxTokens));
  const todo: number[] = [], queued = new Set<string>();
  keys.forEach((k, i) => {
    if (records.get(k)?.scores || queued.has(k)) return;
    queued.add(k);
    todo.push(i);
  });
  const cached = items.length - todo.length;
  await appendEach(file, todo, o.concurrency, (i) => askJudge(teacher, items[i], keys[i], o), (r, done, total) => { records.set(r.key, r); o.onRecord?.(done, total); });
  return { records, keys, asked: todo.length, cached };
}

export type JudgeSummary = {
  scored: number; failed: number;
  means: Record<string, number>;           // each criterion's mean over the scored rows, and 'overall' (their mean)
  age_groups?: Record<string, number>;     // GPT-Eval: how many answers the judge put in each age group
  failures: { line: number; error: string }[];
};

/** One system's verdicts: the items of `system` in `run`, failed ones listed, not averaged. */
export function summarizeJudge(items: JudgeItem[], run: JudgeRun, system: string, rubric: Rubric): JudgeSummary {
  const s: JudgeSummary = { scored: 0, failed: 0, means: {}, failures: [] };
  const sums: Record<string, number> = Object.fromEntries(rubric.criteria.map((c) => [c, 0]));
  const ages: Record<string, number> = {};
  items.forEach((it, i) => {
    if (it.system !== system) return;
    const r = run.records.get(run.keys[i]);
    if (!r?.scores) { s.failed++; s.failures.push({ line: it.line, error: r?.error ?? 'not judged' }); return; }
    s.scored++;
    for (const c of rubric.criteria) sums[c] += r.scores[c];
    if (r.age_group) ages[r.age_group] = (ages[r.age_group] ?? 0) + 1;
  });
  if (s.scored) {
    for (const c of rubric.criteria) s.means[c] = sums[c] / s.scored;
    s.means.overall = rubric.criteria.reduce((a, c) => a + s.means[c], 0) / rubric.criteria.length;
  }
  if (rubric.ageGroup) s.age_groups = ages;
  return s;
}
