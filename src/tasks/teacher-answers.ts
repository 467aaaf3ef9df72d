// A teacher asked once per request, resumably: each answer is appended to a JSONL file
// (AppendLog) under the sha-256 of the teacher's id, the reply budget, the temperature and the
// messages, so a rerun asks only for requests not there (a kill keeps every whole line), and two
// rows with the same request cost one. An error the teacher's retries did not fix stops the
// stage; the answers written so far stay. Used by the large-model baseline and by task data a
// teacher writes (write-rows.ts).
//
// Line format: {"key", "line", "teacher", "output", "finish"}
import { createHash } from 'node:crypto';
import { AppendLog, readLog } from '../formats/append-log.ts';
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
  const log = AppendLog.open(file, 'line');
  let next = 0, done = 0, failure: unknown = null;
  const worker = async () => {
    while (next < todo.length && !failure) {
      const q = todo[next++];
      try {
        const reply = await teacher.complete({ messages: q.messages, maxTokens: o.maxTokens, temperature, seed: 0 });
        const a: TeacherAnswer = { key: q.key, line: q.line, teacher: teacher.id, output: reply.text.trim(), finish: reply.finishReason ?? 'stop' };
        log.append(JSON.stringify(a));
        have.set(a.key, a);
        o.onAnswer?.(++done, todo.length);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, todo.length)) }, worker));
    log.sync();
  } finally {
    log.close();
  }
  if (failure) throw failure;
  return { answers: keyed.map((q) => have.get(q.key)!), asked: todo.length };
}
