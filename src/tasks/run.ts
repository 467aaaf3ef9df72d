// `wren task run`: a task folder → a served model and a report, in stages that each leave their
// outputs in the run folder and a done.json written last, so a rerun reuses every finished stage:
//   data/   split.json (the seed and the source lines of each side), train.jsonl and val.jsonl (chats);
//           written-*.jsonl, the teacher's messages and answers, when data.write has a teacher write the rows
//   base/   the base model folder (a preset trained from scratch) — skipped for a model path
//   sft/    runSft's run folder; sft/checkpoint is the task model (a chat model folder serve loads)
//   eval/   predictions.jsonl (the model's greedy answers, appended row by row: resumable),
//           grounded-predictions.jsonl (the same with eval.grounded_numbers),
//           base-predictions.jsonl (the base model's, before SFT), large-predictions.jsonl (the
//           large model's, when a teacher is named), judge.jsonl (the judge's verdicts, cached)
//   report.json, report.md, report.svg
// SFT ends at sft.steps or the task's budget_minutes of training, whichever comes first, with the
// learning rate decayed to that end (loop.ts); that counts as done. A Ctrl-C stop does not, and
// the next run resumes it, the budget counting the time already trained.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WrenError } from '../errors.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { readDone, writeDone } from '../formats/stage-done.ts';
import { createBackend } from '../engine/backend.ts';
import type { TrainProgress } from '../train/loop.ts';
import { runSft } from '../train/sft.ts';
import { makeBaseModel, type BaseModel } from './base-model.ts';
import { createTeacher } from '../llm/create.ts';
import type { Teacher } from '../llm/teacher.ts';
import { loadTaskConfig, withTeachers, type TaskConfig, type TeacherSection } from './config.ts';
import { IntentJudge } from './intent-judge.ts';
import { runJudge, summarizeJudge, type JudgeItem } from './judge/run.ts';
import { taskPrompt, taskRubric } from './judge/rubrics.ts';
import { largeModelAnswers } from './large-model.ts';
import { placeholders } from './metrics/placeholders.ts';
import { predict } from './predict.ts';
import { writeTaskReport, type TaskReport } from './report.ts';
import { readTaskRows, splitTaskRows, type TaskRow, type TaskSplit } from './rows.ts';
import { scoreOutputs } from './score.ts';
import { writeTaskRows } from './write-rows.ts';
import { TfidfIndex } from './tfidf.ts';

export type TaskRunOptions = {
  taskDir: string; out: string; threads?: number; budgetMinutes?: number; // overrides the task's budget_minutes
  judge?: string; large?: string;           // teacher specs over the task's judge.teacher / large.teacher
  signal?: AbortSignal;
  log?: (line: string) => void; onTrain?: (p: TrainProgress) => void;
};

type SftDone = { checkpoint: string; step: number; loss: number; valLoss: number | null; seconds: number; stoppedAtBudget: boolean; conversations: number; skipped: number };


function chatLine(t: TaskConfig, r: TaskRow): string {
  const messages = [...(t.system ? [{ role: 'system', content: t.system }] : []), { role: 'user', content: r.input }, { role: 'assistant', content: r.references[0] }];
  return JSON.stringify({ messages });
}

/** The data file's rows, or with `data.write` the rows a teacher writes from its documents (cached in `dir`). */
async function taskRows(t: TaskConfig, dir: string, log: (s: string) => void): Promise<TaskRow[]> {
  const w = t.data.write, rows = readTaskRows(t).slice(0, w?.documents);
  if (!w) return rows;
  ensureWritableDir(dir);
  const teacher = await openTeacher(w);
  try {
    const r = await writeTaskRows(w, t.system, rows, teacher, dir, (stage, d, n) => { if (d % 25 === 0 || d === n) log(`data: ${teacher.id} wrote ${d}/${n} ${stage === 'input' ? 'messages' : 'answers'}`); });
    log(`data: ${r.rows.length} rows written by ${teacher.id} from ${rows.length} documents (${r.asked} asked, the rest cached${r.repeated ? `; ${r.repeated} repeated documents written once` : ''}${r.empty ? `; ${r.empty} left out, empty` : ''})`);
    if (r.rows.length === 0) throw new WrenError(`${t.data.file}: the teacher wrote no usable rows from ${rows.length} documents`);
    return r.rows;
  } finally {
    await teacher.close();
  }
}

async function dataStage(t: TaskConfig, dir: string, log: (s: string) => void): Promise<TaskSplit> {
  const rows = await taskRows(t, dir, log);
  const split = splitTaskRows(rows, t.split, t.file);
  const done = readDone<{ train: number[]; eval: number[] }>(dir);
  if (done) {
    const same = done.train.length === split.train.length && done.eval.every((l, i) => split.eval[i]?.line === l);
    if (!same) throw new WrenError(`${dir}: this run folder was split differently (data or split settings changed); use a new --out`);
    log(`data: reusing the split in ${dir}`);
    return split;
  }
  ensureWritableDir(dir);
  writeFileAtomic(join(dir, 'train.jsonl'), split.train.map((r) => chatLine(t, r)).join('\n') + '\n');
  writeFileAtomic(join(dir, 'val.jsonl'), split.eval.map((r) => chatLine(t, r)).join('\n') + '\n');
  writeDone(dir, { seed: split.seed, usable_rows: split.total, train: split.train.map((r) => r.line), eval: split.eval.map((r) => r.line) });
  log(`data: ${split.total} usable rows → ${split.train.length} train, ${split.eval.length} held out (seed ${split.seed})`);
  return split;
}

export async function runTask(o: TaskRunOptions): Promise<TaskReport> {
  const log = o.log ?? (() => {});
  const loaded = loadTaskConfig(o.taskDir);
  const t: TaskConfig = withTeachers(o.budgetMinutes ? { ...loaded, budget_minutes: o.budgetMinutes } : loaded, o);
  const out = resolve(o.out);
  ensureWritableDir(out);
  const split = await dataStage(t, join(out, 'data'), log);

  const baseDir = join(out, 'base');
  let base = readDone<BaseModel>(baseDir);
  if (!base) {
    log(t.model.path ? `base: ${t.model.path}` : `base: a ${t.model.vocab}-token tokenizer and a ${t.model.preset} model from scratch`);
    base = await makeBaseModel(t, split.train, baseDir);
    if (base.fromScratch) writeDone(baseDir, base);
  } else log(`base: reusing ${baseDir}`);

  const sftDir = join(out, 'sft');
  let sft = readDone<SftDone>(sftDir);
  if (!sft) {
    log(`sft: up to ${t.sft.steps} steps, batch ${t.sft.batch_size}×${t.sft.seq_len}, budget ${t.budget_minutes} min`);
    let conversations = 0, skipped = 0;
    const r = await runSft({
      model: base.dir, data: join(out, 'data', 'train.jsonl'), val: join(out, 'data', 'val.jsonl'), out: sftDir,
      batchSize: t.sft.batch_size, seqLen: t.sft.seq_len, dropout: t.sft.dropout, skipBad: true, resume: existsSync(join(sftDir, 'metrics.jsonl')),
      settings: {
        steps: t.sft.steps, grad_accum: 1, lr: t.sft.lr, min_lr: t.sft.min_lr!, warmup_steps: t.sft.warmup_steps, weight_decay: t.sft.weight_decay,
        beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: t.sft.eval_interval, checkpoint_interval: t.sft.checkpoint_interval, seed: t.sft.seed,
      },
      // The budget is training time across resumes, and the learning rate decays to it (loop.ts).
      threads: o.threads, signal: o.signal, budgetSeconds: t.budget_minutes * 60, onProgress: o.onTrain,
      onData: (train) => { conversations = train.examples.length; skipped = train.skipped.length; },
    });
    if (r.interrupted && !r.stoppedAtBudget && r.step < t.sft.steps) throw new WrenError(`sft stopped at step ${r.step}; run the same command again to resume it`);
    sft = { checkpoint: r.checkpoint, step: r.step, loss: r.loss, valLoss: r.valLoss, seconds: r.seconds, stoppedAtBudget: r.stoppedAtBudget, conversations, skipped };
    writeDone(sftDir, sft);
    log(`sft: ${r.step} steps, train loss ${r.loss.toFixed(3)}${r.stoppedAtBudget ? ' (ended at the time budget)' : ''}`);
  } else log(`sft: reusing ${sft.checkpoint}`);

  const evalRows = split.eval.slice(0, t.eval.rows ?? split.eval.length);
  const evalDir = join(out, 'eval');
  ensureWritableDir(evalDir);
  const e0 = performance.now();
  const backend = await createBackend({ threads: o.threads });
  let outputs: string[], groundedOutputs: string[] | undefined, baseOutputs: string[] | undefined, baseSeconds: number | undefined;
  try {
    const preds = await predict(sft.checkpoint, t.system, evalRows, t.eval.max_tokens, join(evalDir, 'predictions.jsonl'), backend,
      (d, n) => { if (d % 10 === 0 || d === n) log(`eval: ${d}/${n} answers`); });
    outputs = preds.map((p) => p.output);
    if (t.eval.grounded_numbers) {
      const g = await predict(sft.checkpoint, t.system, evalRows, t.eval.max_tokens, join(evalDir, 'grounded-predictions.jsonl'), backend,
        (d, n) => { if (d % 10 === 0 || d === n) log(`eval: ${d}/${n} answers with grounded numbers`); }, true);
      groundedOutputs = g.map((p) => p.output);
    }
    if (t.eval.base_model) {
      const b0 = performance.now();
      const basePreds = await predict(base.dir, t.system, evalRows, t.eval.max_tokens, join(evalDir, 'base-predictions.jsonl'), backend,
        (d, n) => { if (d % 10 === 0 || d === n) log(`eval: base model ${d}/${n} answers`); });
      baseOutputs = basePreds.map((p) => p.output);
      baseSeconds = (performance.now() - b0) / 1000;
    }
  } finally {
    backend.dispose();
  }
  const evalSeconds = (performance.now() - e0) / 1000 - (baseSeconds ?? 0);

  let large: { name: string; outputs: string[]; teacher: string; asked: number } | undefined;
  if (t.large) {
    const teacher = await openTeacher(t.large);
    try {
      const r = await largeModelAnswers(teacher, t.system, evalRows, t.eval.max_tokens, join(evalDir, 'large-predictions.jsonl'), t.large.concurrency,
        (d, n) => { if (d % 10 === 0 || d === n) log(`eval: large model ${d}/${n} answers`); });
      large = { name: `large model (${teacher.id})`, outputs: r.answers.map((a) => a.output), teacher: teacher.id, asked: r.asked };
      log(`eval: large model ${teacher.id}: ${r.asked} asked, ${evalRows.length - r.asked} from eval/large-predictions.jsonl`);
    } finally {
      await teacher.close();
    }
  }

  const index = new TfidfIndex(split.train.map((r) => r.input));
  const retrieval = evalRows.map((r) => split.train[index.nearest(r.input).doc].references[0]);
  const judge = t.kind === 'support' && t.data.label
    ? IntentJudge.train(split.train.map((r) => ({ text: r.references[0], label: r.label ?? '' }))) : undefined;
  const slots = t.kind === 'support' ? new Set(split.train.flatMap((r) => placeholders(r.references[0]))) : undefined;
  const answers: Record<string, string[]> = { [`wren (${t.name})`]: outputs };
  if (groundedOutputs) answers[`wren (${t.name}), grounded numbers`] = groundedOutputs;
  if (baseOutputs) answers['base model before SFT'] = baseOutputs;
  if (large) answers[large.name] = large.outputs;
  answers['retrieval (TF-IDF nearest training input → its reference)'] = retrieval;
  if (t.kind === 'summarize') answers['lead sentence'] = evalRows.map((r) => r.sourceParts?.[0] ?? r.input.split(/(?<=[.!?])\s+/)[0]);
  const systems: TaskReport['systems'] = {};
  for (const [name, outs] of Object.entries(answers)) systems[name] = scoreOutputs(t.kind, evalRows, outs, judge, slots);

  let judged: TaskReport['judge'];
  if (t.judge) {
    const rubric = taskRubric(t.kind), rows = evalRows.slice(0, t.judge.rows ?? evalRows.length);
    const items: JudgeItem[] = Object.entries(answers).flatMap(([system, outs]) =>
      rows.map((r, i) => ({ system, line: r.line, messages: taskPrompt(t.kind, t.system, r.input, r.references[0], outs[i]) })));
    const teacher = await openTeacher(t.judge);
    try {
      const run = await runJudge(items, teacher, join(evalDir, 'judge.jsonl'), {
        rubric, maxTokens: t.judge.max_tokens, attempts: t.judge.attempts, concurrency: t.judge.concurrency,
        onRecord: (d, n) => { if (d % 10 === 0 || d === n) log(`judge: ${d}/${n} answers graded`); },
      });
      judged = { teacher: teacher.id, rubric: rubric.name, criteria: rubric.criteria, asked: run.asked, cached: run.cached, systems: {} };
      for (const name of Object.keys(answers)) {
        const sum = summarizeJudge(items, run, name, rubric);
        judged.systems[name] = sum;
        for (const [c, v] of Object.entries(sum.means)) systems[name][`judge_${c}`] = v;
        systems[name].judge_failed = sum.failed;
      }
      const failed = Object.values(judged.systems).reduce((a, x) => a + x.failed, 0);
      log(`judge: ${teacher.id}: ${run.asked} asked, ${run.cached} cached${failed ? `, ${failed} without readable scores (listed in the report)` : ''}`);
    } finally {
      await teacher.close();
    }
  }
  const notes = [
    ...(baseOutputs && base.fromScratch ? ['The base model before SFT is the preset at its random initialisation (trained from scratch, it has seen no text): a floor, not a competitor.'] : []),
    ...(t.eval.base_model ? [] : ['The base model before SFT is not scored (eval.base_model: false).']),
    ...(large ? [`The large model answered the same held-out rows with the same system prompt (temperature 0, at most ${t.eval.max_tokens} tokens).`]
      : ['No large model is scored: the task names no teacher (large.teacher in task.yaml, or --large SPEC).']),
  ];
  const report: TaskReport = {
    task: t.name, kind: t.kind, run_dir: out, model_dir: sft.checkpoint,
    split: { seed: split.seed, usable_rows: split.total, train: split.train.length, eval: split.eval.length, eval_scored: evalRows.length },
    model: { from_scratch: base.fromScratch, parameters: base.parameters, vocab: base.vocab, base: base.dir },
    sft: { steps_done: sft.step, steps_planned: t.sft.steps, train_loss: sft.loss, val_loss: sft.valLoss, seconds: sft.seconds, stopped_at_budget: sft.stoppedAtBudget, conversations: sft.conversations, skipped: sft.skipped },
    budget_minutes: t.budget_minutes, eval_seconds: evalSeconds, ...(baseSeconds !== undefined ? { base_eval_seconds: baseSeconds } : {}),
    judge_accuracy_on_references: judge ? evalRows.filter((r) => judge.judge(r.references[0]) === r.label).length / evalRows.length : undefined,
    systems, notes,
    ...(large ? { large_model: { teacher: large.teacher, asked: large.asked } } : {}),
    ...(judged ? { judge: judged } : {}),
  };
  writeTaskReport(out, report);
  log(`report: ${join(out, 'report.md')}`);
  return report;
}

function openTeacher(s: TeacherSection): Promise<Teacher> {
  return createTeacher(s.teacher, { baseUrl: s.base_url, apiKeyEnv: s.api_key_env, limits: { concurrency: s.concurrency } });
}
