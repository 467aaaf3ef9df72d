// Continuous batching for one model. Requests wait in a bounded queue for one of `parallel` slots
// (a KvCache each, allocated once); every step runs one forward over the next token of every
// decoding request plus fixed-size prompt chunks of the ones still prefilling, then samples each
// request's token with its own sampler. New requests join at the next step and finished or
// abandoned ones leave at once, so a slot is never idle while someone waits.
//
// Prompts are always cut into chunks of `prefillChunk` tokens, whatever else is running: with the
// engine's batch-invariant rows (see llama.ts) a request gets exactly the tokens it gets alone.
import { WrenError } from '../errors.ts';
import { MAX_BATCH_ROWS, type LlamaModel, type Segment } from '../nn/llama.ts';
import type { KvCache } from '../nn/kv-cache.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { Sampler, type SamplerOptions } from '../generate/sampler.ts';
import { StopText } from '../generate/stop-text.ts';
import { tokenLogprobs, type TokenLogprob } from '../generate/logprobs.ts';
import type { LogitRule } from '../generate/logit-rule.ts';

export type JobRequest = {
  promptIds: number[];
  maxTokens: number;            // new tokens at most (the caller caps it by the context)
  sampling: SamplerOptions;
  stop: string[];               // stop strings
  stopIds: number[];            // stop tokens
  topLogprobs: number | null;   // null: no logprobs; k ≥ 0: the chosen token's and the top k
  rule?: LogitRule;             // edits each step's logits (seed words until written, grounded numbers)
};

/** A new token: its text (may be '' while a character is incomplete or a stop string may follow), and `prev`, the token before it (for its piece's spelling). */
export type TokenEvent = { id: number; prev: number; text: string; logprob?: number; top?: TokenLogprob[] };
export type FinishReason = 'stop' | 'length';
export type JobResult = { finishReason: FinishReason; promptTokens: number; completionTokens: number };

export type SchedulerOptions = { parallel: number; queueLimit: number; prefillChunk?: number };

/** The queue is full: answer 429, and say when to come back. */
export class QueueFullError extends WrenError {
  constructor(readonly retryAfterSeconds: number) {
    super('the server is busy: every slot is taken and the queue is full; retry later');
  }
}

type Item = { value: TokenEvent } | { end: JobResult } | { error: Error };

class Job {
  cache?: KvCache;
  todo: number[][] = [];        // prompt chunks not yet run
  next = -1;                    // the token to feed at the next step, once decoding
  prev: number;                 // the token before it (for detokenizing)
  history: number[];
  generated = 0;
  output = '';                  // the text handed out so far (what a rule checks)
  readonly sampler: Sampler;
  readonly text: StopText;
  readonly stopIds: Set<number>;
  done = false;
  onDone?: () => void;
  private items: Item[] = [];
  private wake?: () => void;

  constructor(readonly req: JobRequest, vocabSize: number, tokenizer: Tokenizer, chunk: number) {
    this.sampler = new Sampler(vocabSize, req.sampling);
    this.text = new StopText(tokenizer, req.stop);
    this.stopIds = new Set(req.stopIds);
    this.history = [...req.promptIds];
    this.prev = req.promptIds[req.promptIds.length - 1];
    for (let i = 0; i < req.promptIds.length; i += chunk) this.todo.push(req.promptIds.slice(i, i + chunk));
  }

  push(item: Item): void {
    if (this.done) return;
    if (!('value' in item)) { this.done = true; this.onDone?.(); }
    this.items.push(item);
    this.wake?.();
  }

  async take(): Promise<Item> {
    while (this.items.length === 0) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    return this.items.shift()!;
  }
}

export class Scheduler {
  readonly parallel: number;
  readonly queueLimit: number;
  readonly prefillChunk: number;
  private free: KvCache[] = [];
  private waiting: Job[] = [];
  private active: Job[] = [];
  private running = false;
  private decodeTimes: { at: number; tokens: number }[] = []; // the last few seconds of steps, for the rate

  constructor(readonly model: LlamaModel, readonly tokenizer: Tokenizer, o: SchedulerOptions) {
    if (!Number.isInteger(o.parallel) || o.parallel < 1 || o.parallel > MAX_BATCH_ROWS / 2) {
      throw new WrenError(`parallel must be an integer in [1, ${MAX_BATCH_ROWS / 2}], got ${o.parallel}`);
    }
    if (!Number.isInteger(o.queueLimit) || o.queueLimit < 0) throw new WrenError(`the queue limit must be a non-negative integer, got ${o.queueLimit}`);
    if (model.maxRows < MAX_BATCH_ROWS) throw new WrenError(`the model holds ${model.maxRows} rows per forward; serving needs ${MAX_BATCH_ROWS}`);
    this.parallel = o.parallel;
    this.queueLimit = o.queueLimit;
    // A step holds every decoding slot's token and at least one whole chunk.
    this.prefillChunk = Math.min(o.prefillChunk ?? 32, MAX_BATCH_ROWS - o.parallel);
    for (let i = 0; i < o.parallel; i++) this.free.push(model.newCache());
  }

  get queueDepth(): number { return this.waiting.length; }
  get activeCount(): number { return this.active.length; }
  get idle(): boolean { return this.active.length === 0 && this.waiting.length === 0; }

  /** Tokens decoded per second over the last 10 s (0 when nothing ran). */
  decodeRate(now = performance.now()): number {
    this.decodeTimes = this.decodeTimes.filter((t) => now - t.at < 10_000);
    if (this.decodeTimes.length < 2) return 0;
    const span = (now - this.decodeTimes[0].at) / 1000;
    return this.decodeTimes.reduce((n, t) => n + t.tokens, 0) / Math.max(span, 1e-3);
  }

  /**
   * Queue `requests` together (the choices of one call) or none of them. Each stream yields its
   * tokens and returns how it ended; stopping early (return(), or `signal`) frees the slot.
   */
  submit(requests: JobRequest[], signal?: AbortSignal): AsyncGenerator<TokenEvent, JobResult>[] {
    const room = this.free.length - this.waiting.length + this.queueLimit;
    if (requests.length > room) throw new QueueFullError(Math.max(1, Math.ceil(this.waiting.length / this.parallel)));
    const V = this.model.config.vocab_size;
    const jobs = requests.map((r) => {
      if (r.promptIds.length === 0) throw new WrenError('the prompt has no tokens');
      if (r.promptIds.length + 1 > this.model.contextLength) throw new WrenError(`the prompt is ${r.promptIds.length} tokens; the context holds ${this.model.contextLength}`);
      return new Job(r, V, this.tokenizer, this.prefillChunk);
    });
    this.waiting.push(...jobs);
    if (signal) {
      const cancel = () => jobs.forEach((j) => this.cancel(j));
      if (signal.aborted) cancel();
      else {
        // One signal may serve thousands of jobs (a synth run): the listener goes when they end.
        signal.addEventListener('abort', cancel, { once: true });
        let open = jobs.length;
        for (const j of jobs) j.onDone = () => { if (--open === 0) signal.removeEventListener('abort', cancel); };
      }
    }
    this.kick();
    return jobs.map((j) => this.stream(j));
  }

  /** Stop every request now (each ends with an error) — the end of a drain. */
  abortAll(reason: string): void {
    for (const j of [...this.waiting, ...this.active]) {
      j.push({ error: new WrenError(reason) });
      this.release(j);
    }
  }

  private async *stream(job: Job): AsyncGenerator<TokenEvent, JobResult> {
    try {
      for (;;) {
        const item = await job.take();
        if ('value' in item) yield item.value;
        else if ('end' in item) return item.end;
        else throw item.error;
      }
    } finally {
      this.cancel(job);
    }
  }

  private cancel(job: Job): void {
    job.push({ error: new WrenError('cancelled') });
    this.release(job);
  }

  private release(job: Job): void {
    if (!job.done) { job.done = true; job.onDone?.(); }
    const w = this.waiting.indexOf(job);
    if (w >= 0) this.waiting.splice(w, 1);
    const a = this.active.indexOf(job);
    if (a >= 0) this.active.splice(a, 1);
    if (job.cache) {
      this.free.push(job.cache);
      job.cache = undefined;
    }
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    try {
      while (!this.idle) {
        while (this.free.length > 0 && this.waiting.length > 0) {
          const job = this.waiting.shift()!;
          job.cache = this.free.pop()!;
          job.cache.reset();
          this.active.push(job);
        }
        try {
          this.step();
        } catch (err) { // a bug, not bad input: fail the requests in the step, keep serving the rest
          for (const job of [...this.active]) { job.push({ error: err as Error }); this.release(job); }
        }
        await new Promise<void>((r) => setImmediate(r)); // let the sockets move between steps
      }
    } finally {
      this.running = false;
    }
  }

  /** One forward over every active request, then one token for each that is decoding. */
  private step(): void {
    const segments: Segment[] = [], owners: Job[] = [];
    let rows = 0;
    for (const job of this.active) {
      if (job.todo.length === 0) {
        segments.push({ cache: job.cache!, tokens: [job.next], logits: true });
        owners.push(job);
        rows++;
      }
    }
    const decoding = rows;
    for (const job of this.active) {                     // prompt chunks, first come first served
      if (job.todo.length === 0 || rows + job.todo[0].length > MAX_BATCH_ROWS) continue;
      const tokens = job.todo.shift()!;
      segments.push({ cache: job.cache!, tokens, logits: job.todo.length === 0 });
      owners.push(job);
      rows += tokens.length;
    }
    if (segments.length === 0) return;
    let out: number;
    try {
      out = this.model.forwardBatch(segments);
    } catch (err) {
      for (const job of owners) { job.push({ error: err as Error }); this.release(job); }
      return;
    }
    const V = this.model.config.vocab_size, arena = this.model.backend.arena;
    let r = 0;
    for (const [i, job] of owners.entries()) {
      if (!segments[i].logits) continue;
      this.advance(job, arena.f32At(out + r++ * V * 4, V));
    }
    const now = performance.now();
    this.decodeTimes.push({ at: now, tokens: decoding });
    while (now - this.decodeTimes[0].at >= 10_000) this.decodeTimes.shift(); // bounded without a scrape too
  }

  /** Sample the job's next token from its logits and hand it out; end the job when it is done. */
  private advance(job: Job, logits: Float32Array): void {
    job.req.rule?.apply(logits, job.output, job.history, job.generated); // this row's logits, used once
    const id = job.sampler.sample(logits, job.history);
    const finish = (finishReason: FinishReason) => {
      job.push({ end: { finishReason, promptTokens: job.req.promptIds.length, completionTokens: job.generated } });
      this.release(job);
    };
    if (job.stopIds.has(id)) return finish('stop');
    job.history.push(id);
    job.generated++;
    const { text, stopped } = job.text.push(job.prev, id);
    if (job.req.rule) job.output += text;
    const event: TokenEvent = { id, prev: job.prev, text };
    job.prev = id;
    if (job.req.topLogprobs !== null) Object.assign(event, tokenLogprobs(logits, id, job.req.topLogprobs)); // the sampler worked on a copy
    job.push({ value: event });
    if (stopped) return finish('stop');
    if (job.generated >= job.req.maxTokens || job.cache!.pos >= this.model.contextLength) {
      const rest = job.text.flush();
      if (rest) job.push({ value: { id: -1, prev: id, text: rest } });
      return finish('length');
    }
    job.next = id;
  }
}
