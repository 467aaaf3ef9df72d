// trainTokenizer: texts or files in, a byte-level BPE tokenizer out. Counting pre-tokens (the
// part that scales with corpus size) runs across worker threads; merging runs on the counts.
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { BpeTokenizer } from './bpe-tokenizer.ts';
import { checkTrainOptions, trainBpeFromCounts, type BpeTrainOptions } from './bpe-trainer.ts';
import { countPreTokens, splitAtPreTokenBoundaries } from './pretoken-count.ts';
import { PRE_TOKENIZERS, type PreTokenizerSpec } from './pretokenizer.ts';
import type { TokenizerTask } from './tokenizer-worker.ts';
import { WorkerPool } from './worker-pool.ts';

export interface TrainTokenizerOptions extends Omit<BpeTrainOptions, 'preTokenizer'> {
  /** 'gpt2' (default), 'llama3', or a spec. */
  preTokenizer?: 'gpt2' | 'llama3' | PreTokenizerSpec;
  /** Worker threads for counting; 1 counts on the calling thread. Default 1. */
  threads?: number;
  /** Text below this many characters is counted on the calling thread; default 8 Mi. */
  parallelMinChars?: number;
  /** Called with the phase and its progress. */
  onPhase?: (phase: 'count' | 'merge', done: number, total: number) => void;
}

export interface TrainTokenizerResult {
  tokenizer: BpeTokenizer;
  stoppedEarly: boolean;
  distinctPreTokens: number;
  countSeconds: number;
  mergeSeconds: number;
}

const workerModule = new URL('./tokenizer-worker.ts', import.meta.url);
const PARALLEL_MIN_CHARS = 8 << 20; // below this, starting workers (~0.5 s under tsx) costs more than it saves

export async function countPreTokensParallel(texts: string[], preTokenizer: PreTokenizerSpec, specials: string[], threads: number, minChars = PARALLEL_MIN_CHARS): Promise<Map<string, number>> {
  const total = texts.reduce((n, t) => n + t.length, 0);
  if (threads <= 1 || total < minChars) {
    const counts = new Map<string, number>();
    for (const t of texts) countPreTokens(t, preTokenizer, specials, counts);
    return counts;
  }
  const chunks = texts.flatMap((t) => splitAtPreTokenBoundaries(t, Math.max(1, Math.round((threads * t.length) / total)), specials, preTokenizer.name !== 'custom'));
  const pool = await WorkerPool.create(workerModule, Math.min(threads, chunks.length));
  try {
    const parts = await pool.map<[string, number][]>(chunks.map((text) => ({ kind: 'count', text, preTokenizer, specials } satisfies TokenizerTask)));
    const counts = new Map<string, number>(parts[0]);
    for (let i = 1; i < parts.length; i++) for (const [w, c] of parts[i]) counts.set(w, (counts.get(w) ?? 0) + c);
    return counts;
  } finally {
    await pool.close();
  }
}

export async function trainTokenizer(texts: string[], opts: TrainTokenizerOptions): Promise<TrainTokenizerResult> {
  const preTokenizer = typeof opts.preTokenizer === 'string' ? PRE_TOKENIZERS[opts.preTokenizer] : opts.preTokenizer ?? PRE_TOKENIZERS.gpt2;
  if (!preTokenizer) throw new WrenError(`unknown pre-tokenizer '${String(opts.preTokenizer)}'; expected gpt2 or llama3`);
  const trainOpts: BpeTrainOptions = { ...opts, preTokenizer, onProgress: (d, t) => opts.onPhase?.('merge', d, t) };
  checkTrainOptions(trainOpts);
  const t0 = performance.now();
  opts.onPhase?.('count', 0, 1);
  const counts = await countPreTokensParallel(texts, preTokenizer, opts.specialTokens ?? [], opts.threads ?? 1, opts.parallelMinChars);
  opts.onPhase?.('count', 1, 1);
  const t1 = performance.now();
  const { spec, stoppedEarly } = trainBpeFromCounts(counts, trainOpts);
  const t2 = performance.now();
  return {
    tokenizer: new BpeTokenizer(spec, 'trained tokenizer'),
    stoppedEarly,
    distinctPreTokens: counts.size,
    countSeconds: (t1 - t0) / 1000,
    mergeSeconds: (t2 - t1) / 1000,
  };
}

export async function trainTokenizerFromFiles(paths: string[], opts: TrainTokenizerOptions): Promise<TrainTokenizerResult> {
  if (paths.length === 0) throw new WrenError('no input files given');
  const texts = paths.map((p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch (err) {
      throw new WrenError(`cannot read training file '${p}': ${(err as Error).message}`);
    }
  });
  return trainTokenizer(texts, opts);
}
