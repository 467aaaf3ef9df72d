// The task report: report.json (everything, machine-readable), report.md (a table of every
// system's metrics, the model first, and how it was made) and report.svg (a bar chart of each
// metric per system). Judge scores (judge_<criterion>, 1–10) are means over the rows the judge
// scored; rows it gave no readable scores for are counted in judge_failed and listed, never averaged.
import { join } from 'node:path';
import { writeFileAtomic } from '../formats/atomic.ts';
import type { JudgeSummary } from './judge/run.ts';
import { metricBarsSvg } from './report-svg.ts';
import type { SystemScores } from './score.ts';

export type TaskReport = {
  task: string; kind: string; run_dir: string; model_dir: string;
  split: { seed: number; usable_rows: number; train: number; eval: number; eval_scored: number };
  model: { from_scratch: boolean; parameters: number; vocab: number; base: string };
  sft: { steps_done: number; steps_planned: number; train_loss: number; val_loss: number | null; seconds: number; stopped_at_budget: boolean; conversations: number; skipped: number };
  budget_minutes: number; eval_seconds: number; base_eval_seconds?: number;
  judge_accuracy_on_references?: number;
  systems: Record<string, SystemScores>;
  large_model?: { teacher: string; asked: number };
  judge?: { teacher: string; rubric: string; criteria: string[]; asked: number; cached: number; systems: Record<string, JudgeSummary> };
  notes: string[];
};

const fmt = (k: string, v: number) => (k.includes('words') ? v.toFixed(1) : k === 'judge_failed' ? String(v) : k.startsWith('judge_') ? v.toFixed(2) : v.toFixed(3));

/** The metrics the figure shows: everything but the reference length (the same for every system) and failure counts. */
const plotted = (keys: string[]) => keys.filter((k) => k !== 'reference_words' && k !== 'judge_failed');

export function writeTaskReport(dir: string, r: TaskReport): void {
  writeFileAtomic(join(dir, 'report.json'), JSON.stringify(r, null, 2) + '\n');
  const keys = [...new Set(Object.values(r.systems).flatMap((s) => Object.keys(s)))];
  const table = [
    `| system | ${keys.join(' | ')} |`, `| --- |${keys.map(() => ' ---: |').join('')}`,
    ...Object.entries(r.systems).map(([name, s]) => `| ${name} | ${keys.map((k) => (s[k] === undefined ? '–' : fmt(k, s[k]))).join(' | ')} |`),
  ];
  const md = [
    `# Task ${r.task} (${r.kind})`, '',
    `- model: \`${r.model_dir}\` (serve it with \`wren serve --model ${r.model_dir}\`)`,
    `- base: ${r.model.from_scratch ? `trained from scratch, ${(r.model.parameters / 1e6).toFixed(2)}M parameters, ${r.model.vocab}-token BPE` : r.model.base}`,
    `- split: seed ${r.split.seed}, ${r.split.usable_rows} usable rows → ${r.split.train} train, ${r.split.eval} held out (${r.split.eval_scored} scored)`,
    `- SFT: ${r.sft.steps_done}/${r.sft.steps_planned} steps in ${(r.sft.seconds / 60).toFixed(1)} min${r.sft.stopped_at_budget ? ` (ended at the ${r.budget_minutes}-minute budget, the learning rate decayed to it)` : ''}, ` +
      `train loss ${r.sft.train_loss.toFixed(3)}${r.sft.val_loss !== null ? `, held-out loss ${r.sft.val_loss.toFixed(3)}` : ''}; ${r.sft.conversations} conversations (${r.sft.skipped} skipped as longer than the context)`,
    `- evaluation: ${(r.eval_seconds / 60).toFixed(1)} min, greedy decoding${r.base_eval_seconds !== undefined ? `; the base model's answers ${(r.base_eval_seconds / 60).toFixed(1)} min more` : ''}`,
    ...(r.judge_accuracy_on_references !== undefined ? [`- intent judge (TF-IDF softmax regression on the training replies) on the held-out reference replies: ${(100 * r.judge_accuracy_on_references).toFixed(1)}%`] : []),
    '', 'ROUGE is F-measure as rouge-score computes it (default tokenizer, no stemming), best over a row\'s references.', '',
    ...table, '', '![each metric per system](report.svg)', '',
    ...(r.judge ? judgeLines(r.judge) : []),
    ...r.notes.map((n) => `- ${n}`), '',
  ].join('\n');
  writeFileAtomic(join(dir, 'report.md'), md);
  writeFileAtomic(join(dir, 'report.svg'), metricBarsSvg(`Task ${r.task} (${r.kind}): each metric per system`, r.systems, plotted(keys)));
}

function judgeLines(j: NonNullable<TaskReport['judge']>): string[] {
  const out = [`Judge: \`${j.teacher}\` with the ${j.rubric} rubric (${j.criteria.join(', ')}: 1–10; overall = their mean); ${j.asked} answers asked this run, ${j.cached} from the cache (eval/judge.jsonl).`, ''];
  for (const [name, s] of Object.entries(j.systems)) {
    if (!s.failed) continue;
    out.push(`- ${name}: ${s.failed} answer${s.failed > 1 ? 's' : ''} without readable scores after every try, left out of the means: ` +
      s.failures.slice(0, 10).map((f) => `line ${f.line} (${f.error})`).join('; ') + (s.failures.length > 10 ? '; …' : ''));
  }
  return out.length > 2 ? [...out, ''] : out;
}
