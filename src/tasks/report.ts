// The task report: report.json (everything, machine-readable) and report.md (a table of every
// system's metrics, the model first, and how it was made).
import { join } from 'node:path';
import { writeFileAtomic } from '../formats/atomic.ts';
import type { SystemScores } from './score.ts';

export type TaskReport = {
  task: string; kind: string; run_dir: string; model_dir: string;
  split: { seed: number; usable_rows: number; train: number; eval: number; eval_scored: number };
  model: { from_scratch: boolean; parameters: number; vocab: number; base: string };
  sft: { steps_done: number; steps_planned: number; train_loss: number; val_loss: number | null; seconds: number; stopped_at_budget: boolean; conversations: number; skipped: number };
  budget_minutes: number; eval_seconds: number;
  judge_accuracy_on_references?: number;
  systems: Record<string, SystemScores>;
  notes: string[];
};

const fmt = (k: string, v: number) => (k.includes('words') ? v.toFixed(1) : v.toFixed(3));

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
    `- SFT: ${r.sft.steps_done}/${r.sft.steps_planned} steps in ${(r.sft.seconds / 60).toFixed(1)} min${r.sft.stopped_at_budget ? ` (stopped at the ${r.budget_minutes}-minute budget)` : ''}, ` +
      `train loss ${r.sft.train_loss.toFixed(3)}${r.sft.val_loss !== null ? `, held-out loss ${r.sft.val_loss.toFixed(3)}` : ''}; ${r.sft.conversations} conversations (${r.sft.skipped} skipped as longer than the context)`,
    `- evaluation: ${(r.eval_seconds / 60).toFixed(1)} min, greedy decoding`,
    ...(r.judge_accuracy_on_references !== undefined ? [`- intent judge (TF-IDF nearest centroid on the training replies) on the held-out reference replies: ${(100 * r.judge_accuracy_on_references).toFixed(1)}%`] : []),
    '', 'ROUGE is F-measure as rouge-score computes it (default tokenizer, no stemming), best over a row\'s references.', '',
    ...table, '', ...r.notes.map((n) => `- ${n}`), '',
  ].join('\n');
  writeFileAtomic(join(dir, 'report.md'), md);
}
