// `wren recipe tinystories`: real story text → a small model that writes English, with its
// quality measured on held-out real text. Stages, each leaving its outputs in the run folder and a
// done.json written last, so a rerun reuses every finished stage and resumes training exactly:
//   data/      split.json, train.txt, heldout.txt — documents (split at <|endoftext|>) go to the
//              held-out side when fnv1a(lower-cased, space-collapsed text) mod 100 < heldOutPercent:
//              a function of the text alone, so exact duplicates share a side and the split is
//              the same whatever the file order
//   tokenizer.json   byte-level BPE trained on train.txt only (vocabulary from plan.ts)
//   shards/    train.txt tokenized, 3% of it held out again as the validation split the trainer
//              watches (the held-out text is never seen before the final evaluation)
//   plan.json  the measured step times and the chosen shape, steps, dropout and schedule (plan.ts)
//   train/     the training run (metrics.jsonl, checkpoint/: the model folder)
//   report.json, report.md   bits per byte on heldout.txt (evaluate-documents.ts's protocol) and samples
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Backend, BackendName } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { readDone, writeDone } from '../formats/stage-done.ts';
import { fnv1a } from '../data/filter/hash.ts';
import { complete } from '../generate/generate.ts';
import { loadModel, loadTokenizerFor } from '../nn/load.ts';
import { saveTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import { trainTokenizer } from '../tokenizer/train-tokenizer.ts';
import { evaluateModel } from '../train/evaluate-model.ts';
import type { TrainProgress } from '../train/loop.ts';
import { timeTrainSteps } from '../train/time-step.ts';
import { DOCUMENT_SEPARATOR, readDocuments, tokenizeToShards } from '../train/tokenize.ts';
import { parseTrainConfig } from '../train/train-config.ts';
import { createTrainingBackend, trainModel } from '../train/trainer.ts';
import { planRun, SHAPES, shapeConfig, vocabFor, BATCH, SEQ_LEN, type Plan } from './plan.ts';

export type RecipeOptions = {
  data: string[]; out: string; minutes: number; heldOutPercent?: number; seed?: number; samples?: number;
  /** fixed shape and steps (a run that reproduces exactly, whatever the machine's speed) */
  shape?: string; steps?: number;
  threads?: number; backend?: BackendName | 'auto';
  log?: (line: string) => void; status?: (line: string) => void; signal?: AbortSignal;
};

export type RecipeReport = {
  recipe: 'tinystories'; run_dir: string; model_dir: string;
  split: SplitDone; plan: Plan;
  training: { steps: number; steps_planned: number; minutes: number; train_loss: number; val_loss: number | null; stopped_at_budget: boolean; backend: string };
  held_out: { bits_per_byte: number; loss_per_token: number; tokens: number; documents: number; bytes: number; protocol: string };
  samples: string[];
};

type SplitDone = {
  held_out_percent: number; inputs: { path: string; sha256: string; bytes: number }[];
  train: { documents: number; bytes: number }; held_out: { documents: number; bytes: number };
};


/** The held-out side of a document: a function of its normalised text only. */
export function isHeldOut(doc: string, percent: number): boolean {
  return fnv1a(doc.toLowerCase().replace(/\s+/g, ' ').trim()) % 100 < percent;
}

async function splitStage(o: RecipeOptions, dir: string, percent: number, log: (s: string) => void): Promise<SplitDone> {
  const inputs = o.data.map((path) => {
    if (!existsSync(path)) throw new WrenError(`${path}: no such data file`);
    if (statSync(path).isDirectory()) throw new WrenError(`${path}: a folder; --data takes story text files`);
    const bytes = readFileSync(path);
    return { path: resolve(path), sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  });
  const done = readDone<SplitDone>(dir);
  if (done) {
    const same = done.held_out_percent === percent && done.inputs.length === inputs.length && done.inputs.every((d, i) => d.sha256 === inputs[i].sha256);
    if (!same) throw new WrenError(`${dir}: this run folder was split from other data or another --held-out-percent; use a new --out`);
    log(`1/5 data: reusing the split in ${dir}`);
    return done;
  }
  const train: string[] = [], held: string[] = [];
  for (const f of o.data) for await (const d of readDocuments(f)) (isHeldOut(d, percent) ? held : train).push(d);
  if (train.length === 0 || held.length === 0) {
    throw new WrenError(`${o.data.join(', ')}: ${train.length + held.length} documents leave ${train.length} to train on and ${held.length} held out; the recipe needs both (more documents, or another --held-out-percent)`);
  }
  ensureWritableDir(dir);
  const join_ = (docs: string[]) => docs.join(`\n${DOCUMENT_SEPARATOR}\n`) + '\n';
  writeFileAtomic(join(dir, 'train.txt'), join_(train));
  writeFileAtomic(join(dir, 'heldout.txt'), join_(held));
  const bytes = (docs: string[]) => docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  const v: SplitDone = {
    held_out_percent: percent, inputs,
    train: { documents: train.length, bytes: bytes(train) }, held_out: { documents: held.length, bytes: bytes(held) },
  };
  writeDone(dir, v);
  log(`1/5 data: ${train.length} documents to train on (${(v.train.bytes / 1e6).toFixed(2)} MB), ${held.length} held out (${(v.held_out.bytes / 1e3).toFixed(0)} KB)`);
  return v;
}

export async function runTinyStoriesRecipe(o: RecipeOptions): Promise<RecipeReport> {
  const log = o.log ?? (() => {}), out = resolve(o.out), seed = o.seed ?? 1, percent = o.heldOutPercent ?? 5;
  if (o.data.length === 0) throw new WrenError('the recipe needs at least one --data file');
  ensureWritableDir(out);
  const split = await splitStage(o, join(out, 'data'), percent, log);

  const tokenizerPath = join(out, 'tokenizer.json'), shards = join(out, 'shards');
  if (!readDone(shards)) {
    const vocab = vocabFor(split.train.bytes);
    log(`2/5 tokenizer: ${vocab}-token byte-level BPE on the training side`);
    const texts: string[] = [];
    for await (const d of readDocuments(join(out, 'data', 'train.txt'))) texts.push(d);
    const tok = await trainTokenizer(texts, { vocabSize: vocab, specialTokens: [DOCUMENT_SEPARATOR] });
    saveTokenizerJson(tok.tokenizer, tokenizerPath);
    const index = await tokenizeToShards({ tokenizer: tokenizerPath, inputs: [join(out, 'data', 'train.txt')], out: shards, valFraction: 0.03, seed, force: true });
    const tokens = index.train.reduce((n, s) => n + s.tokens, 0);
    writeDone(shards, { vocab: tok.tokenizer.vocabSize, train_tokens: tokens });
    log(`    ${tokens.toLocaleString('en-US')} training tokens`);
  } else log('2/5 tokenizer: reusing tokenizer.json and shards/');
  const { vocab, train_tokens: trainTokens } = readDone<{ vocab: number; train_tokens: number }>(shards)!;

  const backend = await createTrainingBackend(o.backend ?? 'auto', o.threads);
  try {
    const planPath = join(out, 'plan.json');
    let plan: Plan;
    if (existsSync(planPath)) {
      plan = JSON.parse(readFileSync(planPath, 'utf8')) as Plan;
      if ((o.shape !== undefined && o.shape !== plan.shape) || (o.steps !== undefined && o.steps !== plan.steps)) {
        throw new WrenError(`${planPath}: this run was planned as ${plan.shape} for ${plan.steps} steps, not ${o.shape ?? plan.shape} for ${o.steps ?? plan.steps}; use a new --out`);
      }
      log(`3/5 plan: reusing ${planPath} (${plan.shape}, ${plan.steps} steps)`);
    } else {
      plan = planRun(o.minutes, trainTokens, vocab, (s) => {
        o.status?.(`   timing the ${s.name} shape…`);
        // the median of 3 steps, with the loop's evaluations and a busy moment's margin on top
        const ms = timeTrainSteps(shapeConfig(s, vocab), backend, BATCH, SEQ_LEN, 3, 0.1).ms.sort((a, b) => a - b)[1];
        return ms * 1.05;
      }, { shape: o.shape, steps: o.steps });
      writeFileAtomic(planPath, JSON.stringify(plan, null, 2) + '\n');
      log(`3/5 plan: ${plan.shape} (${SHAPES.find((s) => s.name === plan.shape)!.layers} layers × ${plan.config.hidden_size}), ${plan.steps} steps of ${BATCH}×${SEQ_LEN} at ${plan.msPerStep} ms/step, ` +
        `${plan.epochs} epochs → dropout ${plan.dropout}`);
    }
    const train = await trainStage(o, out, plan, tokenizerPath, shards, seed, backend, log);
    log('5/5 evaluating on the held-out text');
    const checkpoint = join(out, 'train', 'checkpoint');
    const ev = await evaluateModel({ model: checkpoint, data: join(out, 'data', 'heldout.txt'), threads: o.threads, backend: o.backend, batchSize: 16 });
    const samples = writeSamples(checkpoint, backend, o.samples ?? 3, seed);
    const report: RecipeReport = {
      recipe: 'tinystories', run_dir: out, model_dir: checkpoint, split, plan, training: train,
      held_out: { bits_per_byte: ev.bitsPerByte, loss_per_token: ev.lossPerToken, tokens: ev.tokens, documents: ev.documents!, bytes: ev.bytes!, protocol: 'docs/training.md#measuring-on-held-out-text' },
      samples,
    };
    writeFileAtomic(join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    writeFileAtomic(join(out, 'report.md'), reportMarkdown(report));
    return report;
  } finally {
    backend.dispose();
  }
}

async function trainStage(o: RecipeOptions, out: string, plan: Plan, tokenizer: string, shards: string, seed: number, backend: Backend, log: (s: string) => void): Promise<RecipeReport['training']> {
  const dir = join(out, 'train');
  const done = readDone<RecipeReport['training']>(dir);
  if (done) { log(`4/5 training: reusing ${dir}`); return done; }
  const cfg = parseTrainConfig({
    model: plan.config, tokenizer, data: shards, out: dir, batch_size: plan.batch, seq_len: plan.seqLen, steps: plan.steps,
    lr: plan.lr, min_lr: plan.minLr, warmup_steps: plan.warmup, weight_decay: plan.weightDecay, dropout: plan.dropout,
    eval_interval: Math.max(10, Math.round(plan.steps / 20)), eval_batches: 3, checkpoint_interval: Math.max(50, Math.round(plan.steps / 10)), seed,
    ...(o.threads ? { threads: o.threads } : {}),
  }, 'recipe');
  const resume = existsSync(join(dir, 'checkpoint'));
  log(`4/5 training${resume ? ' (resuming)' : ''}: about ${o.minutes} min`);
  const t0 = performance.now();
  // Steps come from measured step times; a machine busier than measured still stops near the
  // budget (the loop checkpoints on the abort), so the recipe keeps to its time.
  // Fixed steps (--steps) run to the end however long they take.
  const budget = o.steps ? new AbortController().signal : AbortSignal.timeout(Math.round(o.minutes * 60_000 * 1.15));
  const r = await trainModel(cfg, { backend, resume, signal: o.signal ? AbortSignal.any([o.signal, budget]) : budget, onProgress: (p: TrainProgress) => o.status?.(progressLine(p)) });
  if (r.interrupted && !budget.aborted) throw new WrenError(`training stopped at step ${r.step}; run the same command again to resume it`);
  const v = { steps: r.step, steps_planned: plan.steps, minutes: +((performance.now() - t0) / 60000).toFixed(2), train_loss: r.loss, val_loss: r.valLoss, stopped_at_budget: r.interrupted, backend: backend.description };
  writeDone(dir, v);
  log(`    ${r.step} steps in ${v.minutes} min: train loss ${r.loss.toFixed(3)}, val loss ${r.valLoss?.toFixed(3) ?? '-'}${r.interrupted ? ' (stopped at the time budget)' : ''}`);
  return v;
}

function progressLine(p: TrainProgress): string {
  return `   step ${p.step}/${p.steps}  loss ${p.loss.toFixed(3)}${p.valLoss !== undefined ? `  val ${p.valLoss.toFixed(3)}` : ''}  ${Math.round(p.tokensPerSec)} tok/s`;
}

/** Stories from BOS alone (temperature 0.8, top-p 0.95), seeded. */
function writeSamples(dir: string, backend: Backend, n: number, seed: number): string[] {
  const mark = backend.arena.mark();
  try {
    const { model, files } = loadModel(dir, backend);
    const tokenizer = loadTokenizerFor(files.tokenizer!, model.config);
    return Array.from({ length: n }, (_, i) => complete(model, tokenizer, [tokenizer.bosId!], { maxTokens: model.contextLength - 1, temperature: 0.8, topP: 0.95, seed: seed + i }).text.trim());
  } finally {
    backend.arena.release(mark);
  }
}

function reportMarkdown(r: RecipeReport): string {
  const p = r.plan, t = r.training, h = r.held_out;
  return [
    '# Wren recipe: tinystories', '',
    `- data: ${r.split.inputs.map((i) => i.path).join(', ')}; ${r.split.train.documents} documents trained on, ${r.split.held_out.documents} held out (fnv1a of the text mod 100 < ${r.split.held_out_percent})`,
    `- model: ${p.shape}, ${p.config.num_hidden_layers} layers × ${p.config.hidden_size}, vocabulary ${p.config.vocab_size}, in \`${r.model_dir}\``,
    `- training: ${t.steps} of ${t.steps_planned} steps of ${p.batch}×${p.seqLen} in ${t.minutes} min on ${t.backend} (${p.epochs} epochs planned, dropout ${p.dropout}, lr ${p.lr} → ${p.minLr})`,
    `- **held-out bits per byte: ${h.bits_per_byte.toFixed(4)}** (${h.documents} documents, ${h.bytes.toLocaleString('en-US')} bytes, ${h.tokens.toLocaleString('en-US')} tokens predicted)`,
    `- step times measured: ${p.timings.map((x) => `${x.shape} ${x.msPerStep} ms (${x.updates} updates)`).join(', ')}`,
    '', ...r.samples.flatMap((s, i) => [`## Sample ${i + 1}`, '', s, '']),
  ].join('\n');
}
