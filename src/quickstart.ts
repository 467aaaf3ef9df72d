// The quickstart — Wren's main job on the embedded default, with no key and no network:
// synthesise TinyStories-Instruct records with the built-in teacher, train a byte-level BPE
// tokenizer on them, tokenize, train a ~1M-parameter Llama for a fixed time budget on this
// machine's cores, then write stories from fresh seed words. Everything lands in one run folder.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from './engine/backend.ts';
import { WrenError } from './errors.ts';
import { writeFileAtomic } from './formats/atomic.ts';
import { loadRecipe } from './data/recipes/recipe.ts';
import { createTeacher } from './llm/create.ts';
import { synthesize } from './data/synth/run.ts';
import { defaultVocabulary } from './data/seeds/vocabulary.ts';
import { storySeedsForJob } from './data/seeds/sample.ts';
import { seedWordsUsed } from './data/synth/validate.ts';
import type { StorySeeds } from './llm/teacher.ts';
import { trainTokenizer } from './tokenizer/train-tokenizer.ts';
import { saveTokenizerJson } from './tokenizer/hf-tokenizer-json.ts';
import { tokenizeToShards } from './train/tokenize.ts';
import { parseTrainConfig } from './train/train-config.ts';
import { createTrainingBackend, trainModel, type TrainProgress } from './train/trainer.ts';
import { lossPlotSvg, readMetrics } from './train/plot.ts';
import { timeTrainSteps } from './train/time-step.ts';
import { loadModel, loadTokenizerFor } from './nn/load.ts';
import { complete } from './generate/generate.ts';
import type { LlamaConfig } from './nn/config.ts';

export type QuickstartOptions = {
  out: string;            // run folder (must not hold an earlier run)
  minutes: number;        // training budget
  stories: number;        // synthetic records
  samples: number;        // stories written at the end
  seed: number;
  threads?: number;
  backend?: 'native' | 'wasm' | 'reference' | 'auto';
  log: (line: string) => void;
  status?: (line: string) => void; // transient progress (a TTY's status line)
};

export type QuickstartSample = { seeds: StorySeeds; story: string; wordsUsed: string[] };
export type QuickstartReport = {
  out: string; parameters: number; steps: number; tokens: number; trainLoss: number; valLoss: number | null;
  trainSeconds: number; samples: QuickstartSample[];
};

// ~1.1M parameters: 5 layers of width 128, SwiGLU 344, vocab 1024, context 256.
export const QUICKSTART_MODEL: Omit<LlamaConfig, 'vocab_size'> = {
  hidden_size: 128, intermediate_size: 344, num_hidden_layers: 5, num_attention_heads: 4, num_key_value_heads: 4,
  max_position_embeddings: 256, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true,
};
const VOCAB = 1024, BATCH = 16, SEQ = 256, TOKENIZER_DOCS = 4000;

export async function runQuickstart(o: QuickstartOptions): Promise<QuickstartReport> {
  if (existsSync(o.out) && readdirSync(o.out).length > 0) {
    throw new WrenError(`${o.out} already holds files; choose another --out or remove it (nothing was changed)`);
  }
  mkdirSync(join(o.out, 'data'), { recursive: true });
  const storiesPath = join(o.out, 'data', 'stories.jsonl');

  o.log(`1/5 writing ${o.stories} stories with the built-in teacher (TinyStories-Instruct format)`);
  const synth = await synthesize({
    recipe: loadRecipe('instruct'), teacher: await createTeacher('builtin'), count: o.stories, out: storiesPath, seed: o.seed,
    onProgress: (p) => o.status?.(`   ${p.records}/${p.count} stories, ${Math.round(p.perSecond)}/s`),
  });
  o.log(`    ${synth.records} stories in ${synth.elapsedS.toFixed(1)} s`);

  // Train on the Instruct fields that steer the story (features, seed words) right before it:
  // the summary and random sentence cost tokens a 6-minute budget cannot spare, and the seed words
  // next to the story are the copy a small model learns first.
  const trainPath = join(o.out, 'data', 'train.jsonl');
  const texts = readFileSync(storiesPath, 'utf8').split('\n').filter(Boolean).map((l) => {
    const r = JSON.parse(l) as { text: string; seeds: StorySeeds };
    return instructPrompt(r.seeds) + r.text.slice(r.text.indexOf('Story:') + 'Story:'.length).trim();
  });
  writeFileAtomic(trainPath, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');

  o.log(`2/5 training a ${VOCAB}-token byte-level BPE tokenizer`);
  const tok = await trainTokenizer(texts.slice(0, TOKENIZER_DOCS), { vocabSize: VOCAB, specialTokens: ['<|endoftext|>'] });
  const tokenizerPath = join(o.out, 'tokenizer.json');
  saveTokenizerJson(tok.tokenizer, tokenizerPath);
  o.log(`    ${tok.tokenizer.vocabSize} tokens in ${(tok.countSeconds + tok.mergeSeconds).toFixed(1)} s`);

  o.log('3/5 tokenizing into shards (2% held out for validation)');
  const shards = join(o.out, 'shards');
  const index = await tokenizeToShards({ tokenizer: tokenizerPath, inputs: [trainPath], out: shards, valFraction: 0.02, seed: o.seed });
  const trainTokens = index.train.reduce((n, s) => n + s.tokens, 0);
  o.log(`    ${trainTokens.toLocaleString('en-US')} training tokens`);

  // One backend for measuring, training and sampling (each owns a worker pool; making and
  // disposing several in one process is wasted start-up).
  const backend = await createTrainingBackend(o.backend ?? 'auto', o.threads);
  try {
    return await trainAndSample(o, backend, tokenizerPath, shards);
  } finally {
    backend.dispose();
  }
}

async function trainAndSample(o: QuickstartOptions, backend: Backend, tokenizerPath: string, shards: string): Promise<QuickstartReport> {
  const model: LlamaConfig = { ...QUICKSTART_MODEL, vocab_size: VOCAB };
  const msPerStep = Math.max(...timeTrainSteps(model, backend, BATCH, SEQ, 2).ms);
  const mark = backend.arena.mark();
  const steps = Math.max(20, Math.floor((o.minutes * 60_000) / (msPerStep * 1.08)));
  o.log(`4/5 training a ${(paramCount(model) / 1e6).toFixed(2)}M-parameter model for ${steps} steps (~${o.minutes} min at ${Math.round(msPerStep)} ms/step, batch ${BATCH}×${SEQ})`);
  const runDir = join(o.out, 'train');
  const cfg = parseTrainConfig({
    model, tokenizer: tokenizerPath, data: shards, out: runDir, batch_size: BATCH, seq_len: SEQ, steps,
    lr: 2e-3, min_lr: 2e-4, warmup_steps: Math.min(100, Math.floor(steps / 10)), weight_decay: 0.1,
    eval_interval: Math.max(10, Math.floor(steps / 10)), eval_batches: 4, checkpoint_interval: 0, seed: o.seed,
    ...(o.threads ? { threads: o.threads } : {}),
  }, 'quickstart');
  const t0 = performance.now();
  // Steps are sized from a measured step time; a busier machine than measured still stops by the
  // hard deadline (the trainer checkpoints on abort), so the whole job keeps to its time budget.
  const deadline = AbortSignal.timeout(Math.round(o.minutes * 60_000 * 1.3));
  const result = await trainModel(cfg, { onProgress: (p) => o.status?.(progressLine(p)), signal: deadline, backend });
  backend.arena.release(mark);
  if (result.interrupted) o.log(`    the machine ran slower than measured: stopped at the time budget, step ${result.step} of ${steps}`);
  const trainSeconds = (performance.now() - t0) / 1000;
  o.log(`    ${result.step} steps, ${result.tokens.toLocaleString('en-US')} tokens in ${(trainSeconds / 60).toFixed(1)} min: ` +
    `train loss ${result.loss.toFixed(3)}, val loss ${result.valLoss?.toFixed(3) ?? '-'}`);
  writeFileAtomic(join(o.out, 'loss.svg'), lossPlotSvg(readMetrics(runDir), 'quickstart: loss'));

  o.log(`5/5 writing ${o.samples} stories from fresh seed words\n`);
  const samples = await writeSamples(result.checkpoint, o, backend);
  const report: QuickstartReport = {
    out: o.out, parameters: paramCount(model), steps: result.step, tokens: result.tokens,
    trainLoss: result.loss, valLoss: result.valLoss, trainSeconds, samples,
  };
  writeFileAtomic(join(o.out, 'report.md'), reportMarkdown(report, result.checkpoint));
  return report;
}

/** The instruction the model learns to follow: TinyStories-Instruct's Features and Words lines. */
export function instructPrompt(seeds: StorySeeds): string {
  return `Features: ${seeds.features.join(', ')}\nWords: ${seeds.verb}, ${seeds.noun}, ${seeds.adjective}\nStory:\n`;
}

function paramCount(c: LlamaConfig): number {
  const C = c.hidden_size, kv = (C / c.num_attention_heads) * c.num_key_value_heads;
  const layer = 2 * C + C * C * 2 + 2 * C * kv + 3 * C * c.intermediate_size;
  return c.vocab_size * C * (c.tie_word_embeddings ? 1 : 2) + c.num_hidden_layers * layer + C;
}

function progressLine(p: TrainProgress): string {
  const eta = p.etaSec > 0 ? `${Math.floor(p.etaSec / 60)}:${String(Math.round(p.etaSec % 60)).padStart(2, '0')}` : '-';
  return `   step ${p.step}/${p.steps}  loss ${p.loss.toFixed(3)}${p.valLoss !== undefined ? `  val ${p.valLoss.toFixed(3)}` : ''}  ${Math.round(p.tokensPerSec)} tok/s  ETA ${eta}`;
}

/** Stories from seeds the training data never used (a different seed stream), Instruct-prompted. */
async function writeSamples(modelDir: string, o: QuickstartOptions, backend: Backend): Promise<QuickstartSample[]> {
  const { model, files } = loadModel(modelDir, backend);
  const tokenizer = loadTokenizerFor(files.tokenizer!, model.config);
  const vocab = defaultVocabulary();
  const samples: QuickstartSample[] = [];
  for (let i = 0; i < o.samples; i++) {
    const seeds = storySeedsForJob(vocab, o.seed + 1_000_003, i);
    const prompt = instructPrompt(seeds);
    const ids = tokenizer.encode(prompt, { bos: true });
    const story = complete(model, tokenizer, ids, { maxTokens: model.contextLength - ids.length, temperature: 0.7, topP: 0.9, seed: o.seed + i }).text.trim();
    const wordsUsed = seedWordsUsed(story, seeds, vocab);
    samples.push({ seeds, story, wordsUsed });
    o.log(`— words: ${seeds.verb}, ${seeds.noun}, ${seeds.adjective}${seeds.features.length ? `; features: ${seeds.features.join(', ')}` : ''}\n${story}\n`);
  }
  return samples;
}

function reportMarkdown(r: QuickstartReport, modelDir: string): string {
  const used = r.samples.reduce((n, s) => n + s.wordsUsed.length, 0);
  return [
    '# Wren quickstart',
    '',
    `- model: ${(r.parameters / 1e6).toFixed(2)}M parameters, in \`${modelDir}\` (load it with \`wren generate --model ${modelDir}\`)`,
    `- training: ${r.steps} steps, ${r.tokens.toLocaleString('en-US')} tokens in ${(r.trainSeconds / 60).toFixed(1)} min`,
    `- final train loss ${r.trainLoss.toFixed(3)}, validation loss ${r.valLoss?.toFixed(3) ?? '-'} (nats/token); curve: loss.svg`,
    `- samples used ${used} of ${r.samples.length * 3} seed words`,
    '',
    ...r.samples.flatMap((s) => [`## ${s.seeds.verb}, ${s.seeds.noun}, ${s.seeds.adjective}${s.seeds.features.length ? ` (${s.seeds.features.join(', ')})` : ''}`, '', s.story, '']),
  ].join('\n');
}
