// The large-model baseline: a teacher (any src/llm client) answers the held-out rows with the
// task's system prompt, at temperature 0 and the task's eval.max_tokens, so its answers are scored
// by the same metrics as the small model's. Resumable like the judge: each answer is appended to
// a JSONL file (AppendLog) under the sha-256 of the teacher's id and the request, and a rerun asks
// only for rows not there. An error the teacher's retries did not fix stops the stage; the answers
// written so far stay.
//
// Line format: {"key", "line", "teacher", "output", "finish"}
import { createHash } from 'node:crypto';
import { AppendLog, readLog } from '../formats/append-log.ts';
import { WrenError } from '../errors.ts';
import type { ChatMessage, Teacher } from '../llm/teacher.ts';
import type { TaskRow } from './rows.ts';

export type LargeAnswer = { key: string; line: number; teacher: string; output: string; finish: string };

export async function largeModelAnswers(teacher: Teacher, system: string, rows: TaskRow[], maxTokens: number, file: string, concurrency: number,
                                        onRow?: (done: number, total: number) => void): Promise<{ answers: LargeAnswer[]; asked: number }> {
  const have = new Map<string, LargeAnswer>();
  readLog(file, 'line').records.forEach((b, i) => {
    try { const a = JSON.parse(b.toString('utf8')) as LargeAnswer; have.set(a.key, a); } catch { throw new WrenError(`${file}:${i + 1}: not an answer record; fix or delete that line`); }
  });
  const requests = rows.map((r) => {
    const messages: ChatMessage[] = [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: r.input }];
    return { row: r, messages, key: createHash('sha256').update(JSON.stringify([teacher.id, maxTokens, messages])).digest('hex') };
  });
  const seen = new Set(have.keys());
  const todo = requests.filter((q) => !seen.has(q.key) && seen.add(q.key));
  const log = AppendLog.open(file, 'line');
  let next = 0, done = 0, failure: unknown = null;
  const worker = async () => {
    while (next < todo.length && !failure) {
      const q = todo[next++];
      try {
        const reply = await teacher.complete({ messages: q.messages, maxTokens, temperature: 0, seed: 0 });
        const a: LargeAnswer = { key: q.key, line: q.row.line, teacher: teacher.id, output: reply.text.trim(), finish: reply.finishReason ?? 'stop' };
        log.append(JSON.stringify(a));
        have.set(a.key, a);
        onRow?.(++done, todo.length);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, todo.length)) }, worker));
    log.sync();
  } finally {
    log.close();
  }
  if (failure) throw failure;
  return { answers: requests.map((q) => have.get(q.key)!), asked: todo.length };
}
