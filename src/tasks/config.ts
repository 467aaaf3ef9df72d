// A task folder's task.yaml, validated with zod: every section is strict, so a misspelt or unknown
// key is an error naming its path (`sft.stepz`), never silently ignored. Paths in it are relative
// to the task folder. The shape (docs/tasks.md has the annotated form):
//   name, kind (support | summarize | copy), budget_minutes
//   data:   file (CSV or JSONL), input, reference, label?; or, with write, a file of documents
//           (FAQ entries, product attributes, abstracts) a teacher turns into rows (write-rows.ts)
//   split:  seed, eval_rows, train_rows? (cap), filter? (column → allowed values)
//   system: the system prompt
//   model:  preset + vocab (+ config overrides), trained from scratch | path (a model folder)
//   sft:    steps, batch_size, seq_len, lr, warmup_steps, …
//   eval:   max_tokens, rows? (cap on held-out rows generated for), base_model (score the base before SFT),
//           grounded_numbers (also score the model with numbers it may write only from the user's message)
//   large?: teacher (a src/llm spec), base_url?, api_key_env?, concurrency — the large-model baseline
//   judge?: teacher, base_url?, api_key_env?, concurrency, max_tokens, attempts, rows? — the LLM-judge stage
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { WrenError } from '../errors.ts';
import { PRESETS } from '../nn/presets.ts';

export const TASK_KINDS = ['support', 'summarize', 'copy'] as const;

// A model behind src/llm's createTeacher: 'openai:MODEL', 'azure:DEP', 'ollama:MODEL', 'gguf:PATH', 'wren:PATH'.
const TeacherFields = {
  teacher: z.string().min(1),
  base_url: z.string().min(1).optional(),     // an OpenAI-compatible server (default OPENAI_BASE_URL or api.openai.com)
  api_key_env: z.string().min(1).optional(),  // the variable holding the key (default OPENAI_API_KEY …)
  concurrency: z.number().int().min(1).max(64).default(4),
};

// Rows a teacher writes from documents: {document} in a prompt is the row's `input` column; {input}
// in the reference prompt is the user message the teacher wrote (or the document, without `input`).
const Write = z.object({
  ...TeacherFields,
  input: z.string().includes('{document}', { message: "must contain {document}" }).optional(), // the user's message, written from the document
  reference: z.string().refine((p) => p.includes('{document}') || p.includes('{input}'), { message: 'must contain {document} or {input}' }), // the answer
  max_tokens: z.number().int().min(8).default(400),
  temperature: z.number().min(0).max(2).default(0.7),
  documents: z.number().int().positive().optional(), // at most this many documents, the first in file order (what the teacher is paid for)
}).strict();

const Data = z.object({
  file: z.string().min(1),
  input: z.string().min(1),                 // the column (CSV) or field (JSONL) the user sends (with write: the document)
  reference: z.string().min(1).optional(),  // the answer to learn and to score against (not with write: the teacher writes it)
  label: z.string().min(1).optional(),      // a class column (support: intent) for the judge
  write: Write.optional(),
}).strict().superRefine((d, ctx) => {
  if (!d.write && !d.reference) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'name the reference column, or give write: for a teacher to write the references' });
  if (d.write && d.reference) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'with write: the teacher writes the reference; drop reference' });
});

const Split = z.object({
  seed: z.number().int().nonnegative(),
  eval_rows: z.number().int().positive(),
  train_rows: z.number().int().positive().optional(),
  dedupe_input: z.boolean().default(false),  // drop rows whose input repeats an earlier row's (keeps the first)
}).strict();

const Model = z.object({
  preset: z.string().optional(),
  vocab: z.number().int().min(260).max(65536).optional(), // BPE vocabulary trained on the task's texts
  path: z.string().optional(),
  config: z.record(z.string(), z.union([z.number(), z.boolean()])).optional(), // HF config fields over the preset's
  init_seed: z.number().int().nonnegative().default(0),
}).strict().superRefine((m, ctx) => {
  if (!m.preset === !m.path) ctx.addIssue({ code: 'custom', message: 'give exactly one of preset (train from scratch) or path (a model folder)' });
  if (m.preset && !PRESETS[m.preset]) ctx.addIssue({ code: 'custom', path: ['preset'], message: `unknown preset '${m.preset}' (known: ${Object.keys(PRESETS).join(', ')})` });
  if (m.path && m.config) ctx.addIssue({ code: 'custom', path: ['config'], message: 'config overrides apply to a preset, not to a model folder' });
  if (m.preset && m.vocab === undefined) ctx.addIssue({ code: 'custom', path: ['vocab'], message: 'a preset trained from scratch needs vocab (the tokenizer size)' });
});

const Sft = z.object({
  steps: z.number().int().positive(),
  batch_size: z.number().int().positive(),
  seq_len: z.number().int().min(8),
  lr: z.number().positive().max(1),
  min_lr: z.number().nonnegative().optional(),
  warmup_steps: z.number().int().nonnegative().default(20),
  weight_decay: z.number().nonnegative().default(0.1),
  dropout: z.number().min(0).max(0.9).default(0),   // training noise (CausalLM): against overfitting a small data set
  eval_interval: z.number().int().nonnegative().default(0),
  checkpoint_interval: z.number().int().nonnegative().default(100),
  seed: z.number().int().nonnegative().default(1),
}).strict();

const Eval = z.object({
  max_tokens: z.number().int().positive(),
  rows: z.number().int().positive().optional(),
  base_model: z.boolean().default(true),      // greedy answers of the base model before SFT, same rows and metrics
  grounded_numbers: z.boolean().default(false), // also score the model decoding with grounded numbers (generate/grounded-numbers.ts)
}).strict();

const Large = z.object(TeacherFields).strict();

const Judge = z.object({
  ...TeacherFields,
  max_tokens: z.number().int().min(16).default(400),
  attempts: z.number().int().min(1).max(10).default(3), // asks per answer before an unreadable reply is reported
  rows: z.number().int().positive().optional(),        // cap on the held-out rows judged (default: all scored rows)
}).strict();

export type TeacherSection = z.infer<typeof Large>;
export type WriteSection = z.infer<typeof Write>;
export type JudgeSection = z.infer<typeof Judge>;

/** `--judge SPEC` / `--large SPEC`: the teacher named on the command line, the YAML's other settings (or the defaults) kept. */
export function withTeachers(t: TaskConfig, o: { judge?: string; large?: string }): TaskConfig {
  return {
    ...t,
    judge: o.judge ? Judge.parse({ ...(t.judge ?? {}), teacher: o.judge }) : t.judge,
    large: o.large ? Large.parse({ ...(t.large ?? {}), teacher: o.large }) : t.large,
  };
}

const Task = z.object({
  name: z.string().min(1),
  kind: z.enum(TASK_KINDS),
  budget_minutes: z.number().positive(),      // SFT's training time: the run ends there, its schedule decayed to it
  data: Data,
  split: Split,
  system: z.string(),
  model: Model,
  sft: Sft,
  eval: Eval,
  large: Large.optional(),
  judge: Judge.optional(),
}).strict();

export type TaskConfig = z.infer<typeof Task> & { dir: string; file: string };

/** gguf:PATH and wren:PATH name files: relative to the task folder, like every path in it. */
const localTeacher = (base: string, spec: string) => spec.replace(/^(gguf|wren):(?!\/)(.+)$/, (_, k: string, p: string) => `${k}:${resolve(base, p)}`);

/** Reads DIR/task.yaml; data and model paths come back absolute. */
export function loadTaskConfig(dir: string): TaskConfig {
  // a task is named by its folder; the task.yaml itself is accepted too
  const folder = /(^|[\\/])task\.yaml$/.test(dir) && existsSync(dir) && statSync(dir).isFile() ? dirname(resolve(dir)) : resolve(dir);
  if (!existsSync(folder)) throw new WrenError(`${dir}: no such task folder (a task is a folder with a task.yaml, e.g. tasks/support)`);
  const file = join(folder, 'task.yaml');
  if (!existsSync(file)) throw new WrenError(`${dir}: not a task folder (no task.yaml in it)`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WrenError(`${file}: ${(err as Error).message}`);
  }
  const r = Task.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const at = i.path.join('.') || '(top level)';
      if (i.code === 'unrecognized_keys') return `${at === '(top level)' ? '' : at + ': '}unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
      return `${at}: ${i.message}`;
    });
    throw new WrenError(`${file}: ${lines.join('; ')}`);
  }
  const base = dirname(file), t = r.data;
  const min_lr = t.sft.min_lr ?? t.sft.lr / 10;
  return {
    ...t, dir: base, file,
    data: { ...t.data, file: resolve(base, t.data.file), write: t.data.write && { ...t.data.write, teacher: localTeacher(base, t.data.write.teacher) } },
    model: { ...t.model, path: t.model.path ? resolve(base, t.model.path) : undefined },
    sft: { ...t.sft, min_lr },
    large: t.large && { ...t.large, teacher: localTeacher(base, t.large.teacher) },
    judge: t.judge && { ...t.judge, teacher: localTeacher(base, t.judge.teacher) },
  };
}
