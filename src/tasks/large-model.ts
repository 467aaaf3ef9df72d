// The large-model baseline: a teacher (any src/llm client) answers the held-out rows with the
// task's system prompt, at temperature 0 and the task's eval.max_tokens, so its answers are scored
// by the same metrics as the small model's. Resumable (teacher-answers.ts): a rerun asks only for
// rows not yet in the file.
import type { ChatMessage, Teacher } from '../llm/teacher.ts';
import type { TaskRow } from './rows.ts';
import { askEach, type TeacherAnswer } from './teacher-answers.ts';

export type LargeAnswer = TeacherAnswer;

export function largeModelAnswers(teacher: Teacher, system: string, rows: TaskRow[], maxTokens: number, file: string, concurrency: number,
                                  onRow?: (done: number, total: number) => void): Promise<{ answers: LargeAnswer[]; asked: number }> {
  const requests = rows.map((r) => ({
    line: r.line,
    messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: r.input }] as ChatMessage[],
  }));
  return askEach(teacher, requests, file, { maxTokens, concurrency, onAnswer: onRow });
}
