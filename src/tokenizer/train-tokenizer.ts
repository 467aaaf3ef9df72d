// trainTokenizer: texts or files in, a byte-level BPE tokenizer out. Counting pre-tokens (the
// part that scales with corpus size) runs across worker threads; merging runs on the counts.
import { statSync } from 'node:fs';
import { readTextPieces } from './text-pieces.ts';
import { WrenError } from '../errors.ts';
import { BpeTokenizer } from './bpe-tokenizer.ts';
import { checkTrainOptions, trainBpeFromCounts, type BpeTrainOptions } from './bpe-trainer.ts';
import { countPreTokens, splitAtPreTokenBoundaries } from './pretoken-count.ts';
import { PRE_TOKENIZERS, type PreTokenizerSpec } from './pretokenizer.ts';
import type { TokenizerTask } from './tokenizer-worker.ts';
import { WorkerPool } from '../util/worker-pool.ts';

export interface TrainTokenizerOptions extends Omit<BpeTrainOptions, 'preTokenizer'> {
  /** 'gpt2' (default), 'llama3', or a spec. */
  preTokenizer?: 'gpt2' | 'llama3' | PreTokenizerSpec;
  /** Worker threads for counting; 1 counts on the calling thread. Default 1. */
  threads?: number;
  /** Input below this many characters (bytes for files) is counted on the calling thread; default 8 Mi. */
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

const PIECE_CHARS = 4 << 20; // counting works in pieces this size: progress, and work for every thread

/**
 * Counts pre-tokens of texts that arrive one at a time (one file in memory at a time), on worker
 * threads when `threads` > 1, else on the calling thread. Pieces are cut at pre-token boundaries,
 * so the counts equal counting each whole text.
 */
export class PreTokenCounter {
  readonly counts = new Map<string, number>();
  private pool: WorkerPool | undefined;

  constructor(private readonly preTokenizer: PreTokenizerSpec, private readonly specials: string[], private readonly threads: number) {}

  /** Count `text`; `onProgress(fraction)` reports how much of this text is done. */
  async add(text: string, onProgress?: (fraction: number) => void): Promise<void> {
    const parts = Math.max(this.threads, Math.ceil(text.length / PIECE_CHARS));
    const pieces = splitAtPreTokenBoundaries(text, parts, this.specials, this.preTokenizer.name !== 'custom');
    let done = 0;
    if (this.threads <= 1) {
      for (const piece of pieces) {
        countPreTokens(piece, this.preTokenizer, this.specials, this.counts);
        onProgress?.((done += piece.length) / text.length);
      }
      return;
    }
    this.pool ??= await WorkerPool.create(workerModule, this.threads);
    const pool = this.pool;
    await Promise.all(pieces.map(async (piece, i) => {
      const part = await pool.runOn<[string, number][]>(i % pool.size, { kind: 'count', text: piece, preTokenizer: this.preTokenizer, specials: this.specials } satisfies TokenizerTask);
      for (const [w, c] of part) this.counts.set(w, (this.counts.get(w) ?? 0) + c);
      onProgress?.((done += piece.length) / text.length);
    }));
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}

/** Pre-token counts of `texts`, using `threads` workers when the texts total at least `minChars`. */
export async function countPreTokensParallel(texts: string[], preTokenizer: PreTokenizerSpec, specials: string[], threads: number, minChars = PARALLEL_MIN_CHARS): Promise<Map<string, number>> {
  const total = texts.reduce((n, t) => n + t.length, 0);
  const counter = new PreTokenCounter(preTokenizer, specials, total >= minChars ? threads : 1);
  try {
    for (const t of texts) await counter.add(t);
  } finally {
    await counter.close();
  }
  return counter.counts;
}

/** A text to train on: its size (for progress) and its content in pieces cut at pre-token boundaries. */
type TextSource = { size: number; pieces: () => Iterable<string> };

async function train(sources: TextSource[], opts: TrainTokenizerOptions): Promise<TrainTokenizerResult> {
  const preTokenizer = typeof opts.preTokenizer === 'string' ? PRE_TOKENIZERS[opts.preTokenizer] : opts.preTokenizer ?? PRE_TOKENIZERS.gpt2;
  if (!preTokenizer) throw new WrenError(`unknown pre-tokenizer '${String(opts.preTokenizer)}'; expected gpt2 or llama3`);
  const trainOpts: BpeTrainOptions = { ...opts, preTokenizer, onProgress: (d, t) => opts.onPhase?.('merge', d, t) };
  checkTrainOptions(trainOpts);
  const t0 = performance.now();
  const total = sources.reduce((n, s) => n + s.size, 0);
  const threads = total >= (opts.parallelMinChars ?? PARALLEL_MIN_CHARS) ? opts.threads ?? 1 : 1;
  const counter = new PreTokenCounter(preTokenizer, opts.specialTokens ?? [], threads);
  let before = 0;
  opts.onPhase?.('count', 0, total);
  try {
    for (const source of sources) {
      let chars = 0;
      for (const piece of source.pieces()) {
        // progress in the source's units: file bytes are approximated by characters read
        await counter.add(piece, (f) => opts.onPhase?.('count', Math.min(total, Math.round(before + chars + f * piece.length)), total));
        chars += piece.length;
      }
      before += source.size;
      opts.onPhase?.('count', before, total);
    }
  } finally {
    await counter.close();
  }
  const counts = counter.counts;
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

export async function trainTokenizer(texts: string[], opts: TrainTokenizerOptions): Promise<TrainTokenizerResult> {
  return train(texts.map((t) => ({ size: t.length, pieces: () => [t] })), opts);
}

/** Train on files, read in pieces (memory holds one piece plus the counts; files may exceed 512 MiB). */
export async function trainTokenizerFromFiles(paths: string[], opts: TrainTokenizerOptions & { pieceBytes?: number }): Promise<TrainTokenizerResult> {
  if (paths.length === 0) throw new WrenError('no input files given');
  const specials = opts.specialTokens ?? [];
  const builtin = typeof opts.preTokenizer === 'string' || opts.preTokenizer === undefined || opts.preTokenizer.name !== 'custom';
  const sources = paths.map((p) => {
    let size: number;
    try {
      const st = statSync(p);
      if (st.isDirectory()) throw new WrenError(`cannot read training file '${p}': it is a folder; pass the text files in it`);
      size = st.size;
    } catch (err) {
      throw err instanceof WrenError ? err : new WrenError(`cannot read training file '${p}': ${(err as Error).message}`);
    }
    return { size, pieces: () => readTextPieces(p, specials, builtin, opts.pieceBytes) };
  });
  return train(sources, opts);
}
