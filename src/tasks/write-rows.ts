// Task rows a teacher writes from documents (task.yaml `data.write`): FAQ entries, product
// attributes, abstracts — whatever the user has instead of (message, answer) pairs. For each
// document the teacher writes, with the task's system prompt, the user's message (`write.input`,
// optional: without it the document is the message, as for "summarise this") and then the answer
// (`write.reference`, which may quote both). Every answer goes through teacher-answers.ts, so the
// stage resumes after a kill or a failed request and asks nothing twice (RUN/data/written-*.jsonl).
// A repeated document is written once; a row whose message or answer came back empty is left out
// and counted; each row keeps its document's line, so the split records where it came from.
import { join } from 'node:path';
import type { Teacher } from '../llm/teacher.ts';
import type { WriteSection } from './config.ts';
import type { TaskRow } from './rows.ts';
import { askEach } from './teacher-answers.ts';

export type WrittenRows = { rows: TaskRow[]; asked: number; empty: number; repeated: number };

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(document|input)\}/g, (_, k: string) => vars[k]);

export async function writeTaskRows(w: WriteSection, system: string, documents: TaskRow[], teacher: Teacher, dir: string,
                                    onAnswer?: (stage: 'input' | 'reference', done: number, total: number) => void): Promise<WrittenRows> {
  const ask = (prompts: { line: number; prompt: string }[], file: string, stage: 'input' | 'reference') => askEach(teacher,
    prompts.map((p) => ({ line: p.line, messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user' as const, content: p.prompt }] })),
    join(dir, file), { maxTokens: w.max_tokens, temperature: w.temperature, concurrency: w.concurrency, onAnswer: (d, n) => onAnswer?.(stage, d, n) });
  const seen = new Set<string>(); // a repeated document would make twin rows, one of them perhaps held out
  const all = documents.length;
  documents = documents.filter((d) => !seen.has(d.input.trim()) && !!seen.add(d.input.trim()));
  let asked = 0, inputs = documents.map((d) => d.input);
  if (w.input) {
    const r = await ask(documents.map((d) => ({ line: d.line, prompt: fill(w.input!, { document: d.input, input: '' }) })), 'written-inputs.jsonl', 'input');
    inputs = r.answers.map((a) => a.output);
    asked += r.asked;
  }
  const kept = documents.map((d, i) => ({ d, input: inputs[i] })).filter((x) => x.input.trim() !== '');
  const r = await ask(kept.map((x) => ({ line: x.d.line, prompt: fill(w.reference, { document: x.d.input, input: x.input }) })), 'written-references.jsonl', 'reference');
  asked += r.asked;
  const rows = kept.map((x, i) => ({ line: x.d.line, input: x.input, references: [r.answers[i].output], label: x.d.label }))
    .filter((row) => row.references[0] !== '');
  return { rows, asked, empty: documents.length - rows.length, repeated: all - documents.length };
}
