// The quickstart — Wren's main job on the embedded default, with no key and no network: the
// bundled teacher (a Wren model trained on real TinyStories text, models/README.md) writes stories
// from random seed words, the stories filter keeps the clean distinct ones, Wren trains a
// byte-level BPE tokenizer and a ~1M-parameter student on them for a time budget sized to this
// machine's measured step time, and the student writes stories from fresh seed words. The report
// gives the student's bits per byte on a held-out slice of the teacher's stories (and on real text
// with --held-out), both models' seed-word use and distinct-n. Everything lands in one run folder.
import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from './engine/backend.ts';
import { WrenError } from './errors.ts';
import { makeDir, writeFileAtomic } from './formats/atomic.ts';
import { loadRecipe } from './data/recipes/recipe.ts';
import { loadRecipe as loadFilterRecipe } from './data/filter/recipe.ts';
import { runFilter } from './data/filter/pipeline.ts';
import { createTeacher } from './llm/create.ts';
import { synthesize } from './data/synth/run.ts';
import { defaultVocabulary, wordForms } from './data/seeds/vocabulary.ts';
import { storySeedsForJob } from './data/seeds/sample.ts';
import { seedWordsUsed } from './data/synth/validate.ts';
import type { StorySeeds } from './llm/teacher.ts';
import { trainTokenizer } from './tokenizer/train-tokenizer.ts';
import { saveTokenizerJson } from './tokenizer/hf-tokenizer-json.ts';
import { DOCUMENT_SEPARATOR, tokenizeToShards } from './train/tokenize.ts';
import { parseTrainConfig } from './train/train-config.ts';
import { createTrainingBackend, trainModel, type TrainProgress } from './train/trainer.ts';
import { lossPlotSvg, readMetrics } from './train/plot.ts';
import { timeTrainSteps } from './train/time-step.ts';
import { evaluateModel } from './train/evaluate-model.ts';
import { loadModel, loadTokenizerFor } from './nn/load.ts';
import { complete, defaultStopIds } from './generate/generate.ts';
import { SeedWordBoost } from './generate/seed-word-boost.ts';
import { DEFAULT_SEED_WORD_BIAS, SEED_WORD_RAMP } from './llm/wren.ts';
import type { LlamaConfig } from './nn/config.ts';
import { parameterCount } from './nn/weights.ts';
import { dropoutFor } from './recipes/plan.ts';
import { isHeldOut } from './recipes/tinystories.ts';

export type QuickstartOptions = {
  out: string;            // run folder (must not hold an earlier run)
  minutes: number;        // the whole job's budget
  stories: number;        // most stories the teacher writes (a model teacher stops earlier at its time share)
  samples: number;        // stories written at the end
  seed: number;
  teacher?: string;       // default: the bundled Wren teacher ('wren')
  heldOut?: string;       // real text (TinyStories-style) to score the student on too
  threads?: number;
  backend?: 'native' | 'wasm' | 'reference' | 'auto';
  log: (line: string) => void;
  status?: (line: string) => void; // transient progress (a TTY's status line)
};

export type QuickstartSample = { seeds: StorySeeds; story: string; wordsUsed: string[] };
export type SeedWordUse = { prompts: number; allThree: number; words?: number };
export type QuickstartReport = {
  out: string; teacher: string; parameters: number; steps: number; tokens: number; trainLoss: number; valLoss: number | null;
  trainSeconds: number; totalSeconds: number;
  stories: { written: number; kept: number; heldOut: number; synthSeconds: number; distinct2: number; distinct3: number };
  teacherSeedWords: SeedWordUse;      // first answers: stories the validator took at once / stories asked
  studentSeedWords: SeedWordUse;
  studentDistinct2: number;
  bitsPerByte: { teacherHeldOut: number; realHeldOut?: { file: string; value: number; documents: number } };
  samples: QuickstartSample[];
};

// ~1.1M parameters: 5 layers of width 128, SwiGLU 344, vocab 1024, context 256.
export const QUICKSTART_MODEL: Omit<LlamaConfig, 'vocab_size'> = {
  hidden_size: 128, intermediate_size: 344, num_hidden_layers: 5, num_attention_heads: 4, num_key_value_heads: 4,
  max_position_embeddings: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true,
};
const VOCAB = 1024, BATCH = 16, SEQ = 256, TOKENIZER_DOCS = 4000, HELD_OUT_PERCENT = 5;
// Shares of the budget: the teacher writes for SYNTH_SHARE, the student trains for TRAIN_SHARE;
// the rest is filtering, tokenizing, evaluation and samples.
const SYNTH_SHARE = 0.3, TRAIN_SHARE = 0.65;

export async function runQuickstart(o: QuickstartOptions): Promise<QuickstartReport> {
  if (existsSync(o.out) && readdirSync(o.out).length > 0) {
    throw new WrenError(`${o.out} already holds files; choose another --out or remove it (nothing was changed)`);
  }
  if (o.heldOut && !existsSync(o.heldOut)) throw new WrenError(`--held-out ${o.heldOut}: no such file`);
  const t0 = performance.now();
  makeDir(join(o.out, 'data'));
  const storiesPath = join(o.out, 'data', 'stories.jsonl');
  const spec = o.teacher ?? 'wren', builtin = spec === 'builtin';
  const teacher = await createTeacher(spec, { limits: { concurrency: 32 } });

  o.log(`1/6 the teacher (${teacher.id}) writes up to ${o.stories} stories from random seed words${builtin ? '' : ` for ${(o.minutes * SYNTH_SHARE).toFixed(1)} min`}`);
  // A model teacher writes for its share of the budget; what it wrote by then is the data. Every
  // request in flight (32) listens to the one signal.
  const synthDeadline = builtin ? undefined : AbortSignal.timeout(Math.round(o.minutes * SYNTH_SHARE * 60_000));
  if (synthDeadline) setMaxListeners(64, synthDeadline);
  const synth = await synthesize({
    recipe: loadRecipe('stories'), teacher, count: o.stories, out: storiesPath, seed: o.seed, concurrency: builtin ? 1 : 32,
    signal: synthDeadline,
    onProgress: (p) => o.status?.(`   ${p.records}/${p.count} stories, ${p.perSecond.toFixed(1)}/s`),
  }).finally(() => teacher.close());
  const dropped = Object.values(synth.dropped).reduce((a, b) => a + b, 0);
  const records = readJsonl(storiesPath) as { text: string; seeds: StorySeeds; attempt: number }[];
  // first answers only: a retried job counts as missed, a dropped job as missed every time
  const firstTry = records.filter((r) => r.attempt === 0).length, asked = records.length + dropped;
  const teacherSeedWords: SeedWordUse = { prompts: asked, allThree: firstTry };
  o.log(`    ${records.length} stories in ${synth.elapsedS.toFixed(1)} s; the validator took ${firstTry} of ${asked} first answers (all three seed words)`);
  if (records.length < 20) throw new WrenError(`the teacher wrote ${records.length} stories in its time; the quickstart needs at least 20 (give it more --minutes)`);

  o.log('2/6 filtering: normalise, quality rules, exact and near-duplicate removal');
  const keptPath = join(o.out, 'data', 'kept.jsonl');
  const filterRecipe = loadFilterRecipe('stories');
  await runFilter({ inputs: [storiesPath], output: keptPath, recipe: { ...filterRecipe, stages: filterRecipe.stages.filter((s) => s.kind !== 'edu-value') }, reportDir: join(o.out, 'filter') });
  const kept = readJsonl(keptPath) as { text: string; seeds: StorySeeds }[];
  // The held-out slice of the teacher's stories: by a hash of the text, never trained on.
  const trainRecs = kept.filter((r) => !isHeldOut(r.text, HELD_OUT_PERCENT)), heldRecs = kept.filter((r) => isHeldOut(r.text, HELD_OUT_PERCENT));
  o.log(`    kept ${kept.length} of ${records.length}; ${heldRecs.length} held out for bits per byte`);
  const heldPath = join(o.out, 'data', 'heldout-teacher.txt');
  writeFileAtomic(heldPath, heldRecs.map((r) => r.text).join(`\n${DOCUMENT_SEPARATOR}\n`) + '\n');
  // The student learns the stories alone, as the held-out protocol reads text (BOS + story): a
  // model this small did not learn to copy seed words from a prompt (the teacher did not
  // either); it writes from seed words with the seed-word boost, as the teacher does.
  const texts = trainRecs.map((r) => r.text);
  const trainPath = join(o.out, 'data', 'train.jsonl');
  writeFileAtomic(trainPath, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');

  o.log(`3/6 training a ${VOCAB}-token byte-level BPE tokenizer`);
  const tok = await trainTokenizer(texts.slice(0, TOKENIZER_DOCS), { vocabSize: VOCAB, specialTokens: [DOCUMENT_SEPARATOR] });
  const tokenizerPath = join(o.out, 'tokenizer.json');
  saveTokenizerJson(tok.tokenizer, tokenizerPath);
  o.log(`    ${tok.tokenizer.vocabSize} tokens in ${(tok.countSeconds + tok.mergeSeconds).toFixed(1)} s`);

  o.log('4/6 tokenizing into shards (2% of the training side watched as validation)');
  const shards = join(o.out, 'shards');
  const index = await tokenizeToShards({ tokenizer: tokenizerPath, inputs: [trainPath], out: shards, valFraction: 0.02, seed: o.seed });
  const trainTokens = index.train.reduce((n, s) => n + s.tokens, 0);
  o.log(`    ${trainTokens.toLocaleString('en-US')} training tokens`);

  // One backend for measuring, training and sampling (each owns a worker pool; making and
  // disposing several in one process is wasted start-up).
  const backend = await createTrainingBackend(o.backend ?? 'auto', o.threads);
  try {
    const trained = await trainStudent(o, backend, tokenizerPath, shards, trainTokens, t0);
    o.log(`6/6 evaluating and writing ${o.samples} stories from fresh seed words\n`);
    const teacherBpb = (await evaluateModel({ model: trained.checkpoint, data: heldPath, threads: o.threads, backend: o.backend, batchSize: 16 })).bitsPerByte;
    const real = o.heldOut ? await evaluateModel({ model: trained.checkpoint, data: o.heldOut, threads: o.threads, backend: o.backend, batchSize: 16 }) : undefined;
    const { samples, use } = writeSamples(trained.checkpoint, o, backend);
    const report: QuickstartReport = {
      out: o.out, teacher: synth.teacher, parameters: trained.parameters, steps: trained.steps, tokens: trained.tokens,
      trainLoss: trained.trainLoss, valLoss: trained.valLoss, trainSeconds: trained.seconds, totalSeconds: (performance.now() - t0) / 1000,
      stories: { written: records.length, kept: kept.length, heldOut: heldRecs.length, synthSeconds: synth.elapsedS, distinct2: distinctN(kept.map((r) => r.text), 2), distinct3: distinctN(kept.map((r) => r.text), 3) },
      teacherSeedWords, studentSeedWords: use, studentDistinct2: distinctN(samples.map((s) => s.story), 2),
      bitsPerByte: { teacherHeldOut: teacherBpb, ...(real ? { realHeldOut: { file: o.heldOut!, value: real.bitsPerByte, documents: real.documents! } } : {}) },
      samples: samples.slice(0, o.samples),
    };
    for (const s of report.samples) o.log(`— words: ${s.seeds.verb}, ${s.seeds.noun}, ${s.seeds.adjective}${s.seeds.features.length ? `; features: ${s.seeds.features.join(', ')}` : ''}\n${s.story}\n`);
    writeFileAtomic(join(o.out, 'report.md'), reportMarkdown(report, trained.checkpoint));
    writeFileAtomic(join(o.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    return report;
  } finally {
    backend.dispose();
  }
}

type Trained = { checkpoint: string; parameters: number; steps: number; tokens: number; trainLoss: number; valLoss: number | null; seconds: number };

async function trainStudent(o: QuickstartOptions, backend: Backend, tokenizerPath: string, shards: string, trainTokens: number, t0: number): Promise<Trained> {
  const model: LlamaConfig = { ...QUICKSTART_MODEL, vocab_size: VOCAB };
  const msPerStep = Math.max(...timeTrainSteps(model, backend, BATCH, SEQ, 2, 0.1).ms);
  // The student trains for its share of the budget, or what is left of it after the teacher.
  const left = o.minutes * 60_000 * (SYNTH_SHARE + TRAIN_SHARE) - (performance.now() - t0);
  const trainMs = Math.max(o.minutes * 60_000 * 0.2, Math.min(o.minutes * 60_000 * TRAIN_SHARE, left));
  const steps = Math.max(20, Math.floor(trainMs / (msPerStep * 1.08)));
  const dropout = dropoutFor((steps * BATCH * SEQ) / Math.max(1, trainTokens));
  o.log(`5/6 training a ${(parameterCount(model) / 1e6).toFixed(2)}M-parameter student for ${steps} steps (~${(trainMs / 60_000).toFixed(1)} min at ${Math.round(msPerStep)} ms/step, batch ${BATCH}×${SEQ}, dropout ${dropout})`);
  const runDir = join(o.out, 'train');
  const cfg = parseTrainConfig({
    model, tokenizer: tokenizerPath, data: shards, out: runDir, batch_size: BATCH, seq_len: SEQ, steps,
    lr: 2e-3, min_lr: 2e-4, warmup_steps: Math.min(100, Math.floor(steps / 10)), weight_decay: 0.1, dropout,
    eval_interval: Math.max(10, Math.floor(steps / 10)), eval_batches: 4, checkpoint_interval: 0, seed: o.seed,
    ...(o.threads ? { threads: o.threads } : {}),
  }, 'quickstart');
  const start = performance.now(), mark = backend.arena.mark();
  // Steps are sized from a measured step time; a busier machine than measured still stops by the
  // hard deadline (the trainer checkpoints on abort), so the whole job keeps to its time budget.
  const deadline = AbortSignal.timeout(Math.round(trainMs * 1.3));
  const result = await trainModel(cfg, { onProgress: (p) => o.status?.(progressLine(p)), signal: deadline, backend });
  backend.arena.release(mark);
  if (result.interrupted) o.log(`    the machine ran slower than measured: stopped at the time budget, step ${result.step} of ${steps}`);
  const seconds = (performance.now() - start) / 1000;
  o.log(`    ${result.step} steps, ${result.tokens.toLocaleString('en-US')} tokens in ${(seconds / 60).toFixed(1)} min: ` +
    `train loss ${result.loss.toFixed(3)}, val loss ${result.valLoss?.toFixed(3) ?? '-'}`);
  writeFileAtomic(join(o.out, 'loss.svg'), lossPlotSvg(readMetrics(runDir), 'quickstart: loss'));
  return { checkpoint: result.checkpoint, parameters: parameterCount(model), steps: result.step, tokens: result.tokens, trainLoss: result.loss, valLoss: result.valLoss, seconds };
}

function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Distinct n-grams over all n-grams of the texts' lower-cased words. */
export function distinctN(texts: string[], n: number): number {
  let total = 0;
  const seen = new Set<string>();
  for (const t of texts) {
    const w = t.toLowerCase().split(/\s+/).filter(Boolean);
    for (let i = 0; i + n <= w.length; i++) { seen.add(w.slice(i, i + n).join(' ')); total++; }
  }
  return total ? +(seen.size / total).toFixed(3) : 0;
}

function progressLine(p: TrainProgress): string {
  const eta = p.etaSec > 0 ? `${Math.floor(p.etaSec / 60)}:${String(Math.round(p.etaSec % 60)).padStart(2, '0')}` : '-';
  return `   step ${p.step}/${p.steps}  loss ${p.loss.toFixed(3)}${p.valLoss !== undefined ? `  val ${p.valLoss.toFixed(3)}` : ''}  ${Math.round(p.tokensPerSec)} tok/s  ETA ${eta}`;
}

const SEED_WORD_PROMPTS = 20;

/** Stories from seeds the training data never used (a different seed stream), written from BOS
 *  with the seed-word boost: max(samples, 20) of them, for the seed-word count; the first
 *  `samples` are shown. */
function writeSamples(modelDir: string, o: QuickstartOptions, backend: Backend): { samples: QuickstartSample[]; use: SeedWordUse } {
  const mark = backend.arena.mark();
  try {
    const { model, files } = loadModel(modelDir, backend);
    const tokenizer = loadTokenizerFor(files.tokenizer!, model.config);
    const vocab = defaultVocabulary();
    const samples: QuickstartSample[] = [];
    for (let i = 0; i < Math.max(o.samples, SEED_WORD_PROMPTS); i++) {
      const seeds = storySeedsForJob(vocab, o.seed + 1_000_003, i);
      const boost = new SeedWordBoost(tokenizer, (['verb', 'noun', 'adjective'] as const).map((pos) => wordForms(vocab, seeds[pos], pos)), DEFAULT_SEED_WORD_BIAS, SEED_WORD_RAMP, defaultStopIds(tokenizer));
      const story = complete(model, tokenizer, [tokenizer.bosId!], { maxTokens: model.contextLength - 1, temperature: 0.8, topP: 0.9, seed: o.seed + i, rule: boost }).text.trim();
      samples.push({ seeds, story, wordsUsed: seedWordsUsed(story, seeds, vocab) });
    }
    const use = { prompts: samples.length, allThree: samples.filter((s) => s.wordsUsed.length === 3).length, words: samples.reduce((n, s) => n + s.wordsUsed.length, 0) };
    return { samples, use };
  } finally {
    backend.arena.release(mark);
  }
}

function reportMarkdown(r: QuickstartReport, modelDir: string): string {
  const pct = (a: number, b: number) => `${b ? Math.round((100 * a) / b) : 0}%`;
  const t = r.teacherSeedWords, s = r.studentSeedWords;
  return [
    '# Wren quickstart',
    '',
    `- teacher: ${r.teacher}; ${r.stories.written} stories in ${r.stories.synthSeconds.toFixed(0)} s, ${r.stories.kept} kept by the filter, ${r.stories.heldOut} of them held out; distinct-2 ${r.stories.distinct2}, distinct-3 ${r.stories.distinct3}`,
    `- teacher's first answers with all three seed words: ${t.allThree} of ${t.prompts} (${pct(t.allThree, t.prompts)})`,
    `- student: ${(r.parameters / 1e6).toFixed(2)}M parameters, in \`${modelDir}\` (load it with \`wren generate --model ${modelDir}\`)`,
    `- training: ${r.steps} steps, ${r.tokens.toLocaleString('en-US')} tokens in ${(r.trainSeconds / 60).toFixed(1)} min; train loss ${r.trainLoss.toFixed(3)}, validation loss ${r.valLoss?.toFixed(3) ?? '-'} (nats/token); curve: loss.svg`,
    `- **student's bits per byte on the held-out teacher stories: ${r.bitsPerByte.teacherHeldOut.toFixed(3)}**` +
      (r.bitsPerByte.realHeldOut ? `; on real text (${r.bitsPerByte.realHeldOut.file}, ${r.bitsPerByte.realHeldOut.documents} documents): **${r.bitsPerByte.realHeldOut.value.toFixed(3)}**` : ''),
    `- student's stories with all three seed words: ${s.allThree} of ${s.prompts} (${pct(s.allThree, s.prompts)}); seed words used ${s.words ?? 0} of ${3 * s.prompts}; distinct-2 ${r.studentDistinct2}`,
    `- the whole job: ${(r.totalSeconds / 60).toFixed(1)} min`,
    '',
    ...r.samples.flatMap((x) => [`## ${x.seeds.verb}, ${x.seeds.noun}, ${x.seeds.adjective}${x.seeds.features.length ? ` (${x.seeds.features.join(', ')})` : ''}`, '', x.story, '']),
  ].join('\n');
}
