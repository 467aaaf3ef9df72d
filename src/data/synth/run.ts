// `synthesize`: a resumable generation run. Jobs 0, 1, 2, … each get their seeds from (run seed,
// index); the run asks the teacher for each job, validates the answer (retrying with a new
// sampling seed, then dropping and counting), and appends one record a line until the output
// holds `count` records. Re-running with the same output file skips what is there.
import { existsSync, statSync } from 'node:fs';
import { AppendLog } from '../../formats/append-log.ts';
import { dirname, resolve } from 'node:path';
import { WrenError } from '../../errors.ts';
import { fillTemplate, type Recipe } from '../recipes/recipe.ts';
import { Rng } from '../seeds/rng.ts';
import { defaultVocabulary, type Vocabulary } from '../seeds/vocabulary.ts';
import type { ChatMessage, Teacher, TeacherStats } from '../../llm/teacher.ts';
import { instructText, pickRandomSentence } from './instruct.ts';
import { makeJob, sampleSeedFor, type SynthJob } from './jobs.ts';
import { readManifest, scanOutput, textHash, writeManifest, type Manifest } from './output.ts';
import { checkStory, checkTextbook, cleanStory, type Invalid } from './validate.ts';

export const DEFAULT_SYNTH_SEED = 1234;

export type SynthProgress = { records: number; count: number; written: number; dropped: number; retries: number; elapsedS: number; perSecond: number; etaS: number };

export type SynthOptions = {
  recipe: Recipe;
  teacher: Teacher;
  count: number;
  out: string;
  /** run seed; default: the seed the file was started with, else 1234 */
  seed?: number;
  concurrency?: number;
  /** tries per job before it is dropped (default 3) */
  maxAttempts?: number;
  /** run only jobs with index % count == index (scale-out under a batch engine); `count` records per shard */
  shard?: { index: number; count: number };
  /** jobs dropped in a row before the run gives up on the teacher (default 50) */
  maxDroppedInARow?: number;
  vocabulary?: Vocabulary;
  onProgress?: (p: SynthProgress) => void;
  signal?: AbortSignal;
};

export type SynthReport = {
  out: string;
  recipe: string;
  teacher: string;
  seed: number;
  count: number;
  /** records in the file now */
  records: number;
  /** records this call wrote */
  written: number;
  /** records already there when it started */
  resumedFrom: number;
  dropped: Record<string, number>;
  retries: number;
  duplicates: number;
  elapsedS: number;
  teacherStats: TeacherStats;
  stopped: boolean;
};

type Built = { record: Record<string, unknown> } | { invalid: Invalid };

export async function synthesize(opts: SynthOptions): Promise<SynthReport> {
  const { recipe, teacher, count, out } = opts;
  const vocab = opts.vocabulary ?? defaultVocabulary();
  const concurrency = opts.concurrency ?? 1;
  const maxAttempts = opts.maxAttempts ?? 3;
  if (!Number.isInteger(count) || count < 1) throw new WrenError(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new WrenError(`concurrency must be an integer in [1, 1024], got ${concurrency}`);
  const needKind = recipe.kind === 'textbook' ? 'textbook' : 'story';
  if (!teacher.supports(needKind)) {
    throw new WrenError(`the ${teacher.id} teacher cannot write ${recipe.kind} records (recipe '${recipe.name}'); use --teacher openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or gguf:PATH`);
  }

  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new WrenError(`--out ${out}: the folder ${dir} does not exist`);
  if (existsSync(out) && !statSync(out).isFile()) throw new WrenError(`--out ${out}: not a file`);
  const shard = opts.shard ?? { index: 0, count: 1 };
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new WrenError(`shard must be i/n with 0 <= i < n, got ${shard.index}/${shard.count}`);
  }
  const manifest0 = readManifest(out);
  if (manifest0 && `${manifest0.shard ?? '0/1'}` !== `${shard.index}/${shard.count}`) {
    throw new WrenError(`${out}: was started as shard ${manifest0.shard ?? '0/1'}; resume it as the same shard, or write to another --out`);
  }
  if (manifest0 && manifest0.recipe !== recipe.name) {
    throw new WrenError(`${out}: was started with recipe '${manifest0.recipe}', and this run writes recipe '${recipe.name}'; nothing was changed (choose another --out)`);
  }
  const existing = scanOutput(out, recipe.name);
  if (existing.records > count) {
    throw new WrenError(`${out} already holds ${existing.records} records, more than --count ${count}; nothing was changed (pass a --count of ${existing.records} or more to add records)`);
  }
  const fileSeed = existing.seed ?? manifest0?.seed;
  const seed = opts.seed ?? fileSeed ?? DEFAULT_SYNTH_SEED;
  if (fileSeed !== undefined && fileSeed !== seed) {
    throw new WrenError(`${out}: was started with --seed ${fileSeed}; resume it with the same seed, or write to another --out`);
  }
  const dropped: Record<string, number> = { ...(manifest0?.dropped ?? {}) };
  const droppedIndexes = new Set<number>(manifest0?.droppedIndexes ?? []);
  let retries = manifest0?.retries ?? 0;
  let duplicates = manifest0?.duplicates ?? 0;
  const done = existing.indexes;
  const hashes = existing.hashes;
  let records = existing.records;
  let written = 0;
  let droppedInARow = 0;
  const maxDroppedInARow = opts.maxDroppedInARow ?? 50;
  const started = Date.now();

  const usage0 = manifest0?.usage ?? { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
  const log = AppendLog.open(out, 'line'); // cuts a line a killed run left half-written
  const saveManifest = (): void => {
    log.sync(); // the manifest never counts records that are not on disk
    const s = teacher.stats();
    const m: Manifest = {
      format: 'wren-synth-manifest', version: 1, recipe: recipe.name, kind: recipe.kind, teacher: teacher.id, seed, shard: `${shard.index}/${shard.count}`, count, records,
      droppedIndexes: [...droppedIndexes].sort((a, b) => a - b), dropped, retries, duplicates,
      usage: { // earlier runs' usage plus this run's
        prompt_tokens: usage0.prompt_tokens + s.promptTokens, completion_tokens: usage0.completion_tokens + s.completionTokens,
        cost_usd: usage0.cost_usd + s.costUsd,
      },
      updatedAt: new Date().toISOString(),
    };
    writeManifest(out, m);
  };
  saveManifest();

  let nextIndex = shard.index;
  let inFlight = 0;
  let stopped = false;
  let failure: unknown;
  let lastSave = Date.now(), lastYield = Date.now();
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgress < 200) return;
    lastProgress = now;
    const elapsedS = (now - started) / 1000;
    const perSecond = elapsedS > 0 ? written / elapsedS : 0;
    const droppedN = Object.values(dropped).reduce((a, b) => a + b, 0);
    opts.onProgress({ records, count, written, dropped: droppedN, retries, elapsedS, perSecond, etaS: perSecond > 0 ? (count - records) / perSecond : Infinity });
  };

  const takeIndex = (): number => {
    while (done.has(nextIndex) || droppedIndexes.has(nextIndex)) nextIndex += shard.count;
    const index = nextIndex;
    nextIndex += shard.count;
    return index;
  };

  const messages = (prompt: string): ChatMessage[] => {
    const m: ChatMessage[] = recipe.system ? [{ role: 'system', content: recipe.system }] : [];
    m.push({ role: 'user', content: prompt });
    return m;
  };

  async function attempt(job: SynthJob, attemptNo: number): Promise<Built> {
    const sampleSeed = sampleSeedFor(seed, job.index, attemptNo);
    const base = { maxTokens: recipe.maxTokens, temperature: recipe.temperature, seed: sampleSeed, signal: opts.signal };
    if (job.kind === 'textbook') {
      const reply = await teacher.complete({ ...base, messages: messages(job.prompt), job: { kind: 'textbook', seeds: job.seeds, sampleSeed } });
      const text = reply.text.trim();
      const invalid = checkTextbook(text, recipe, job.seeds);
      if (invalid) return { invalid };
      return { record: { text, prompt: job.prompt, recipe: recipe.name, teacher: teacher.id, seeds: job.seeds, index: job.index, seed, attempt: attemptNo, model: reply.model, usage: usageOf(reply.usage) } };
    }
    const reply = await teacher.complete({ ...base, messages: messages(job.prompt), job: { kind: 'story', seeds: job.seeds, sampleSeed } });
    const story = cleanStory(reply.text);
    const invalid = checkStory(story, job.seeds, vocab);
    if (invalid) return { invalid };
    const usage = { ...reply.usage };
    if (job.kind === 'story') {
      return { record: { text: story, prompt: job.prompt, recipe: recipe.name, teacher: teacher.id, seeds: job.seeds, index: job.index, seed, attempt: attemptNo, model: reply.model, usage: usageOf(usage) } };
    }
    let summary = reply.summary?.trim();
    if (!summary) {
      const sumPrompt = fillTemplate(recipe.summaryPrompt, { story });
      const s = await teacher.complete({ ...base, maxTokens: 120, messages: messages(sumPrompt), job: { kind: 'summary', seeds: job.seeds, story, sampleSeed } });
      summary = s.text.trim().replace(/^summary\s*:\s*/i, '').split('\n')[0].trim();
      usage.promptTokens += s.usage.promptTokens;
      usage.completionTokens += s.usage.completionTokens;
    }
    if (!summary) return { invalid: { reason: 'empty', detail: 'the teacher wrote no summary' } };
    const rng = new Rng(sampleSeed ^ 0x5bd1e995);
    const randomSentence = rng.chance(recipe.randomSentenceRate) ? pickRandomSentence(story, rng) : '';
    return {
      record: {
        text: instructText(job.seeds, summary, story, randomSentence), prompt: job.prompt, recipe: recipe.name, teacher: teacher.id, seeds: job.seeds,
        story, summary, random_sentence: randomSentence || undefined, index: job.index, seed, attempt: attemptNo, model: reply.model, usage: usageOf(usage),
      },
    };
  }

  async function runJob(index: number): Promise<void> {
    const job = makeJob(recipe, vocab, seed, index);
    let last: Invalid = { reason: 'empty', detail: '' };
    for (let a = 0; a < maxAttempts; a++) {
      if (a > 0) retries++;
      const built = await attempt(job, a);
      if ('invalid' in built) {
        last = built.invalid;
        continue;
      }
      const text = built.record.text as string;
      const h = textHash(text);
      if (hashes.has(h)) {
        duplicates++;
        last = { reason: 'empty', detail: 'duplicate' };
        continue;
      }
      hashes.add(h);
      done.add(index);
      log.append(JSON.stringify(built.record));
      records++;
      written++;
      droppedInARow = 0;
      return;
    }
    const reason = last.detail === 'duplicate' ? 'duplicate' : last.reason;
    dropped[reason] = (dropped[reason] ?? 0) + 1;
    droppedIndexes.add(index);
    if (++droppedInARow >= maxDroppedInARow) {
      throw new WrenError(`${droppedInARow} jobs in a row were dropped (last: ${last.detail}); the teacher's answers do not fit recipe '${recipe.name}'`);
    }
  }

  async function worker(): Promise<void> {
    while (!stopped && !failure) {
      if (opts.signal?.aborted) {
        stopped = true;
        break;
      }
      if (records + inFlight >= count) break;
      const index = takeIndex();
      inFlight++;
      try {
        await runJob(index);
      } catch (err) {
        // a request cut short by Ctrl-C is not a failure: its job is redone on resume
        if (opts.signal?.aborted) stopped = true;
        else failure ??= err;
      } finally {
        inFlight--;
      }
      progress(false);
      // A teacher that answers without I/O (builtin) never lets the event loop run: yield to it
      // now and then, so Ctrl-C's handler runs and the run stops when asked.
      if (Date.now() - lastYield > 50) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
      if (Date.now() - lastSave > 1000) {
        lastSave = Date.now();
        saveManifest();
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    saveManifest();
    log.close();
    progress(true);
  }
  if (failure) {
    if (failure instanceof Error) failure.message = `${failure.message}\n(${records} of ${count} records are in ${out}; once the cause is fixed, the same command resumes from there)`;
    throw failure;
  }
  return {
    out, recipe: recipe.name, teacher: teacher.id, seed, count, records, written, resumedFrom: existing.records, dropped, retries, duplicates,
    elapsedS: (Date.now() - started) / 1000, teacherStats: teacher.stats(), stopped,
  };
}

function usageOf(u: { promptTokens: number; completionTokens: number }): { prompt_tokens: number; completion_tokens: number } {
  return { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens };
}
