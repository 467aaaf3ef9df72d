// Encoding across worker threads. Each worker gets the tokenizer once and keeps its own
// pre-token cache; a long text is cut at pre-token boundaries (see pretoken-count.ts), so the
// concatenated ids equal a single-threaded encode exactly.
import { WrenError } from '../errors.ts';
import type { BpeTokenizer } from './bpe-tokenizer.ts';
import { splitAtPreTokenBoundaries } from './pretoken-count.ts';
import type { EncodeOptions } from './tokenizer.ts';
import type { TokenizerTask } from './tokenizer-worker.ts';
import { WorkerPool } from '../util/worker-pool.ts';

const workerModule = new URL('./tokenizer-worker.ts', import.meta.url);

export class BpeEncoderPool {
  private constructor(private readonly tokenizer: BpeTokenizer, private readonly pool: WorkerPool) {}

  static async create(tokenizer: BpeTokenizer, threads: number): Promise<BpeEncoderPool> {
    const pool = await WorkerPool.create(workerModule, threads);
    await pool.broadcast({ kind: 'load', spec: tokenizer.spec } satisfies TokenizerTask);
    return new BpeEncoderPool(tokenizer, pool);
  }

  get threads(): number {
    return this.pool.size;
  }

  /** Encode each text (as `tokenizer.encode` would), spread over the workers. */
  encodeBatch(texts: string[], options: EncodeOptions = {}): Promise<Int32Array[]> {
    return this.pool.map<Int32Array>(texts.map((text) => ({ kind: 'encode', text, options } satisfies TokenizerTask)));
  }

  /** One long text, cut into one piece per worker; equals `tokenizer.encode(text, options)`. */
  async encode(text: string, options: EncodeOptions = {}): Promise<Int32Array> {
    const mode = options.special ?? 'allowed';
    const specials = mode === 'text' ? [] : [...this.tokenizer.specialTokens.keys()];
    const pieces = splitAtPreTokenBoundaries(text, this.pool.size, specials, this.tokenizer.spec.preTokenizer.name !== 'custom');
    const parts = await this.encodeBatch(pieces, { special: mode });
    const bos = options.bos ? [this.required(this.tokenizer.bosId, 'BOS')] : [];
    const eos = options.eos ? [this.required(this.tokenizer.eosId, 'EOS')] : [];
    const out = new Int32Array(bos.length + parts.reduce((n, p) => n + p.length, 0) + eos.length);
    out.set(bos);
    let off = bos.length;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    out.set(eos, off);
    return out;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private required(id: number | undefined, what: string): number {
    if (id === undefined) throw new WrenError(`tokenizer has no ${what} token`);
    return id;
  }
}

/** One-shot batch encode: starts `threads` workers, encodes, stops them. */
export async function encodeBatch(tokenizer: BpeTokenizer, texts: string[], threads: number, options: EncodeOptions = {}): Promise<Int32Array[]> {
  if (threads <= 1) return texts.map((t) => Int32Array.from(tokenizer.encode(t, options)));
  const pool = await BpeEncoderPool.create(tokenizer, threads);
  try {
    return await pool.encodeBatch(texts, options);
  } finally {
    await pool.close();
  }
}
