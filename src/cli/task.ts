// `wren task run DIR [--out RUN_DIR]`: a task folder (tasks/support, tasks/summarize, tasks/copy,
// or your own; docs/tasks.md) → split → SFT → evaluation → report and a model folder serve loads.
import { basename, resolve } from 'node:path';
import { runTask } from '../tasks/run.ts';
import { CliError, intFlag, numFlag, parseFlags } from './args.ts';
import { trainingSession } from './train-progress.ts';

const HELP = `usage: wren task run DIR [--out RUN_DIR] [--budget-minutes M] [--threads N]

Runs the task in DIR/task.yaml: the seeded split of its data, a base model (a preset trained from
scratch on the task's texts, or a model folder), SFT within the task's time budget, greedy answers
to the held-out rows, and a report (RUN_DIR/report.md and report.json) with the model's metrics
beside the retrieval baseline (and the lead sentence for summarize). Each finished stage is reused
when the command runs again; Ctrl-C saves a checkpoint and the next run resumes it.
The task model is RUN_DIR/sft/checkpoint: 'wren serve --model RUN_DIR/sft/checkpoint' serves it.

  --out RUN_DIR   run folder (default runs/task-NAME, NAME the task folder's name)
  --budget-minutes M  SFT's time limit instead of the task's budget_minutes
  --threads N     kernel threads (default: all cores)`;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags(argv, { out: { type: 'string' }, threads: { type: 'string' }, 'budget-minutes': { type: 'string' } }, HELP);
  const [sub, dir, ...rest] = positionals;
  if (sub !== 'run') throw new CliError(sub ? `unknown subcommand '${sub}' (known: run)\n\n${HELP}` : HELP);
  if (!dir || rest.length) throw new CliError(`expected one task folder\n\n${HELP}`);
  const out = (v.out as string | undefined) ?? resolve('runs', `task-${basename(resolve(dir))}`);
  const session = trainingSession();
  try {
    const r = await runTask({
      taskDir: dir, out, budgetMinutes: v['budget-minutes'] ? numFlag(v['budget-minutes'], 'budget-minutes', 30, 0.01, 24 * 60) : undefined, threads: v.threads ? intFlag(v.threads, 'threads', 1, 1, 16) : undefined,
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
