// `wren task run DIR [--out RUN_DIR]`: a task folder (tasks/support, tasks/summarize, tasks/copy,
// or your own; docs/tasks.md) → split → SFT → evaluation → report and a model folder serve loads.
// `wren task stories MODEL… --judge SPEC --prompts FILE`: TinyStories' GPT-Eval of story models.
import { basename, resolve } from 'node:path';
import { createTeacher, TEACHER_FORMS } from '../llm/create.ts';
import { runTask } from '../tasks/run.ts';
import { runStoryEval, storyModelName } from '../tasks/stories.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { trainingSession } from './train-progress.ts';

const HELP = `usage: wren task run DIR [--out RUN_DIR] [--budget-minutes M] [--threads N] [--judge SPEC] [--large SPEC]
       wren task stories [NAME=]MODEL… --judge SPEC --prompts FILE [--out DIR] [--max-tokens N] [--base-url URL]

run: the task in DIR/task.yaml: the seeded split of its data, a base model (a preset trained from
scratch on the task's texts, or a model folder), SFT within the task's time budget, greedy answers
to the held-out rows, and a report (RUN_DIR/report.md, report.json, report.svg) with the model's
metrics beside the base model before SFT, the retrieval baseline (and the lead sentence for
summarize), a large model when one is named, and an LLM judge's rubric scores when one is named.
Each finished stage is reused when the command runs again (the judge's and the large model's
answers are cached); Ctrl-C saves a checkpoint and the next run resumes it.
The task model is RUN_DIR/sft/checkpoint: 'wren serve --model RUN_DIR/sft/checkpoint' serves it.

  --out RUN_DIR   run folder (default runs/task-NAME, NAME the task folder's name)
  --budget-minutes M  SFT's time limit instead of the task's budget_minutes
  --threads N     kernel threads (default: all cores)
  --judge SPEC    the judge teacher instead of the task's judge.teacher (${TEACHER_FORMS})
  --large SPEC    the large-model baseline instead of the task's large.teacher

stories: each MODEL (folder, llama2.c .bin with --tokenizer, .gguf) continues each story beginning
in FILE (a YAML list; TinyStories' 44 are ../shared/data/tinystories/TinyStories_Evaluation_prompts.yaml)
greedily, and the judge grades every completion with TinyStories' GPT-Eval rubric (grammar,
creativity, consistency, plot, age group); DIR/stories.md, stories.json, stories.svg. Cached and
resumable like run.

  --out DIR       output folder (default runs/stories)
  --max-tokens N  tokens a completion (default 200)
  --tokenizer F   tokenizer for models without one beside them
  --base-url URL  the judge's OpenAI-compatible server (default OPENAI_BASE_URL)`;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags(argv, {
    out: { type: 'string' }, threads: { type: 'string' }, 'budget-minutes': { type: 'string' }, judge: { type: 'string' }, large: { type: 'string' },
    prompts: { type: 'string' }, 'max-tokens': { type: 'string' }, tokenizer: { type: 'string' }, 'base-url': { type: 'string' },
  }, HELP, { positionals: true });
  const [sub, ...args] = positionals;
  const threads = v.threads ? intFlag(v.threads, 'threads', 1, 1, 16) : undefined;
  if (sub === 'stories') return stories(args, v, threads);
  if (sub !== 'run') throw new CliError(sub ? `unknown subcommand '${sub}' (known: run, stories)\n\n${HELP}` : HELP);
  const [dir, ...rest] = args;
  if (!dir || rest.length) throw new CliError(`expected one task folder\n\n${HELP}`);
  const out = (v.out as string | undefined) ?? resolve('runs', `task-${basename(resolve(dir))}`);
  const session = trainingSession();
  try {
    const r = await runTask({
      taskDir: dir, out, budgetMinutes: v['budget-minutes'] ? numFlag(v['budget-minutes'], 'budget-minutes', 30, 0.01, 24 * 60) : undefined, threads,
      judge: v.judge as string | undefined, large: v.large as string | undefined,
      signal: session.signal, onTrain: session.show, log: (line) => process.stderr.write(line + '\n'),
    });
    session.done();
    for (const [name, s] of Object.entries(r.systems)) {
      console.log(`${name}: ${Object.entries(s).map(([k, x]) => `${k} ${x.toFixed(3)}`).join(', ')}`);
    }
    console.log(`model: ${r.model_dir}\nreport: ${resolve(out, 'report.md')}`);
  } finally {
    session.done();
  }
}

async function stories(models: string[], v: Record<string, unknown>, threads: number | undefined): Promise<void> {
  if (models.length === 0) throw new CliError(`expected at least one model\n\n${HELP}`);
  const judge = await createTeacher(requiredFlag(v.judge, 'judge'), { baseUrl: v['base-url'] as string | undefined });
  try {
    const r = await runStoryEval({
      models: models.map((m) => ({ ...storyModelName(m), tokenizer: v.tokenizer as string | undefined })), prompts: requiredFlag(v.prompts, 'prompts'),
      out: (v.out as string | undefined) ?? resolve('runs', 'stories'), judge, threads,
      maxTokens: v['max-tokens'] ? intFlag(v['max-tokens'], 'max-tokens', 200, 1, 4096) : undefined,
      log: (line) => process.stderr.write(line + '\n'),
    });
    for (const [name, s] of Object.entries(r.systems)) {
      console.log(`${name}: ${Object.entries(s.means).map(([k, x]) => `${k} ${x.toFixed(2)}`).join(', ')} (${s.scored} scored, ${s.failed} failed)`);
    }
  } finally {
    await judge.close();
  }
}
