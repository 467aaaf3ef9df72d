// A teacher asked once per request, resumably: each answer is appended to a JSONL file
// (AppendLog) under the sha-256 of the teacher's id, the reply budget, the temperature and the
// messages (the temperature only when it is not 0), so a rerun asks only for requests not there
// (append-each.ts: a kill keeps every whole line, an error stops the stage with what was written
// kept), and two rows with the same request cost one. Used by the large-model baseline and by task data a
// teacher writes (write-rows.ts).
//
// Line format: {"key", "line", "teacher", "output", "finish"}
import { createHash } from 'node:crypto';
import { readLog } from '../formats/append-log.ts';
import { appendEach } from './append-each.ts';
import { WrenError } from '../errors.ts';
import type { ChatMessage, Teacher } from '../llm/teacher.ts';

export type TeacherAnswer = { key: string; line: number; teacher: string; output: string; finish: string };
export type TeacherRequest = { line: number; messages: ChatMessage[] };
export type AskOptions = { maxTokens: number; temperature?: number; concurrency: number; onAnswer?: (done: number, total: number) => void };

export async function askEach(teacher: Teacher, requests: TeacherRequest[], file: string, o: AskOptions): Promise<{ answers: TeacherAnswer[]; asked: number }> {
  const temperature = o.temperature ?? 0;
  const have = new Map<string, TeacherAnswer>();
  readLog(file, 'line').records.forEach((b, i) => {
    try { const a = JSON.parse(b.toString('utf8')) as TeacherAnswer; have.set(a.key, a); } catch { throw new WrenError(`${file}:${i + 1}: not an answer record; fix or delete that line`); }
  });
  // The temperature joins the key only when it is not 0, so answers cached before it did stay valid.
  const keyed = requests.map((r) => ({ ...r, key: createHash('sha256').update(JSON.stringify(temperature ? [teacher.id, o.maxTokens, temperature, r.messages] : [teacher.id, o.maxTokens, r.messages])).digest('hex') }));
  const seen = new Set(have.keys());
  const todo = keyed.filter((q) => !seen.has(q.key) && seen.add(q.key));
  await appendEach(file, todo, o.concurrency, async (q): Promise<TeacherAnswer> => {
    const reply = await teacher.complete({ messages: q.messages, maxTokens: o.maxTokens, temperature, seed: 0 });
    return { key: q.key, line: q.line, teacher: teacher.id, output: reply.text.trim(), finish: reply.finishReason ?? 'stop' };
  }, (a, done, total) => { have.set(a.key, a); o.onAnswer?.(done, total); });
  return { answers: keyed.map((q) => have.get(q.key)!), asked: todo.length };
}
