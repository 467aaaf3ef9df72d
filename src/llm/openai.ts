// A teacher behind any OpenAI-compatible chat-completions endpoint: OpenAI, Azure OpenAI
// (deployment URL + api-version, `api-key` header), Ollama, vLLM and llama.cpp's server.
// POST {url} {"model", "messages", "max_tokens", "temperature", "seed"} →
//   {"choices": [{"message": {"content"}, "finish_reason"}], "usage": {"prompt_tokens", "completion_tokens"}}
// Errors come as {"error": {"message"}} (OpenAI, Azure) or {"error": "..."} (Ollama).
// Transient failures (429, 408, 409, 5xx, network errors, timeouts, malformed bodies) are retried
// with exponential backoff and jitter; a Retry-After / retry-after-ms header sets the wait.
import { WrenError } from '../errors.ts';
import { Rng } from '../data/seeds/rng.ts';
import { estimateTokens } from './teacher.ts';
import { RateLimiter, type RateLimits } from './rate-limit.ts';
import { emptyTeacherStats, type Teacher, type TeacherJob, type TeacherReply, type TeacherRequest, type TeacherStats } from './teacher.ts';

export type OpenAITeacherOptions = {
  /** recorded in records, e.g. "openai:gpt-4o-mini" */
  id: string;
  /** the full chat-completions URL */
  url: string;
  /** sent as "model" (Azure ignores it: the deployment is in the URL) */
  model: string;
  headers: Record<string, string>;
  limits?: Partial<RateLimits>;
  timeoutMs?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** US dollars per million tokens, for the cost figure in reports */
  pricePerMillionInput?: number;
  pricePerMillionOutput?: number;
  jitterSeed?: number;
};

/** A teacher failure that retrying did not fix, or that retrying cannot fix. */
export class TeacherError extends WrenError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After as seconds or an HTTP date; retry-after-ms (OpenAI, Azure) as milliseconds. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorMessage(body: string): string {
  try {
    const o = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof o.error === 'string') return o.error;
    if (o.error && typeof o.error === 'object' && typeof (o.error as { message?: unknown }).message === 'string') return (o.error as { message: string }).message;
    if (typeof o.message === 'string') return o.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 300);
}

export class OpenAITeacher implements Teacher {
  readonly id: string;
  private readonly opts: Required<Pick<OpenAITeacherOptions, 'timeoutMs' | 'maxRetries' | 'backoffBaseMs' | 'backoffMaxMs'>> & OpenAITeacherOptions;
  private readonly limiter: RateLimiter;
  private readonly totals: TeacherStats = emptyTeacherStats();
  private readonly jitter: Rng;
  private tokenField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';

  constructor(options: OpenAITeacherOptions) {
    this.id = options.id;
    this.opts = {
      ...options,
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 5,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
    };
    const l = options.limits ?? {};
    this.limiter = new RateLimiter({ concurrency: l.concurrency ?? 8, rpm: l.rpm, tpm: l.tpm, windowMs: l.windowMs });
    this.jitter = new Rng(options.jitterSeed ?? 0x7e57);
  }

  supports(_kind: TeacherJob['kind']): boolean {
    return true;
  }

  stats(): TeacherStats {
    return { ...this.totals };
  }

  async close(): Promise<void> {}

  private backoff(attempt: number, hinted?: number): number {
    if (hinted !== undefined) return Math.min(hinted, this.opts.backoffMaxMs);
    const exp = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** attempt);
    return exp / 2 + this.jitter.uniform() * (exp / 2); // "equal jitter": never less than half
  }

  /** The chat-completions body; no "model" when none was given (a server with one model needs none). */
  private requestBody(request: TeacherRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { ...(this.opts.model ? { model: this.opts.model } : {}), messages: request.messages };
    if (request.maxTokens !== undefined) body[this.tokenField] = request.maxTokens;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
    if (request.seed !== undefined) body.seed = request.seed;
    return body;
  }

  /**
   * The reply as it streams (stream: true, SSE): yields text deltas, returns the whole reply.
   * Retries and rate limits as complete() until the server answers 200; after the first byte of
   * the stream nothing is retried (the caller has seen part of it), and a failure throws a
   * TeacherError. The timeout runs until the answer's headers arrive.
   */
  async *stream(request: TeacherRequest): AsyncGenerator<string, TeacherReply> {
    const payload = JSON.stringify({ ...this.requestBody(request), stream: true, stream_options: { include_usage: true } });
    const estimate = estimateTokens(request.messages.map((m) => m.content).join('\n')) + (request.maxTokens ?? 256);
    let res: Response | undefined, slot: Awaited<ReturnType<RateLimiter['acquire']>> | undefined, lastError = '';
    for (let attempt = 0; attempt <= this.opts.maxRetries && !res; attempt++) {
      if (attempt > 0) this.totals.retries++;
      slot = await this.limiter.acquire(estimate, request.signal);
      try {
        res = await this.open(payload, request.signal);
      } catch (err) {
        this.limiter.release(slot);
        if (!(err instanceof Transient)) { this.totals.failures++; throw err; }
        lastError = err.message;
        if (attempt < this.opts.maxRetries) await sleep(this.backoff(attempt, err.retryAfterMs), request.signal);
      }
    }
    if (!res) {
      this.totals.failures++;
      throw new TeacherError(`${this.id}: gave up after ${this.opts.maxRetries + 1} tries; last error: ${lastError}`);
    }
    let text = '', model = this.opts.model, finishReason: string | undefined, usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
    try {
      for await (const data of sseData(res, this.id)) {
        if (data === '[DONE]') break;
        let chunk: { choices?: { delta?: { content?: unknown }; finish_reason?: string | null }[]; usage?: typeof usage; model?: string; error?: unknown };
        try {
          chunk = JSON.parse(data);
        } catch {
          throw new TeacherError(`${this.id}: a stream chunk is not JSON: ${data.slice(0, 80)}`);
        }
        if (chunk.error) throw new TeacherError(`${this.id}: the stream ended with an error: ${errorMessage(data)}`);
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const delta = typeof choice?.delta?.content === 'string' ? choice.delta.content : '';
        if (delta) { text += delta; yield delta; }
      }
    } catch (err) {
      this.totals.failures++;
      throw err instanceof TeacherError || request.signal?.aborted ? err : new TeacherError(`${this.id}: the stream broke off: ${(err as Error).message}`);
    } finally {
      this.limiter.release(slot, usage ? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0) : undefined);
    }
    const promptTokens = usage?.prompt_tokens ?? estimateTokens(payload), completionTokens = usage?.completion_tokens ?? estimateTokens(text);
    this.totals.requests++;
    this.totals.promptTokens += promptTokens;
    this.totals.completionTokens += completionTokens;
    this.totals.costUsd += (promptTokens * (this.opts.pricePerMillionInput ?? 0) + completionTokens * (this.opts.pricePerMillionOutput ?? 0)) / 1e6;
    return { text, usage: { promptTokens, completionTokens }, model, finishReason };
  }

  /** Sends a streaming request; returns the response once it is a 200 (the body not yet read). */
  private async open(payload: string, outer?: AbortSignal): Promise<Response> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.opts.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    try {
      let res: Response;
      try {
        res = await fetch(this.opts.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...this.opts.headers }, body: payload, signal });
      } catch (err) {
        if (outer?.aborted) throw err;
        if (timeout.signal.aborted) throw new Transient(`no answer within ${this.opts.timeoutMs} ms`);
        throw new Transient(`request failed: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => '');
      if (res.status === 429 || res.status === 408 || res.status === 409 || res.status >= 500) throw new Transient(`HTTP ${res.status}: ${errorMessage(text)}`, retryAfterMs(res.headers));
      throw new TeacherError(`${this.id}: HTTP ${res.status} from ${this.opts.url}: ${errorMessage(text)}`, res.status);
    } finally {
      clearTimeout(timer);
    }
  }

  async complete(request: TeacherRequest): Promise<TeacherReply> {
    const body = this.requestBody(request);
    let payload = JSON.stringify(body);
    const estimate = estimateTokens(request.messages.map((m) => m.content).join('\n')) + (request.maxTokens ?? 256);
    let lastError = '';
    for (let attempt = 0; attempt <= this.opts.maxRetries; attempt++) {
      if (attempt > 0) this.totals.retries++;
      const slot = await this.limiter.acquire(estimate, request.signal);
      let reply: TeacherReply | undefined;
      let error: unknown;
      try {
        reply = await this.once(payload, request.signal);
      } catch (err) {
        error = err;
      }
      this.limiter.release(slot, reply ? reply.usage.promptTokens + reply.usage.completionTokens : undefined);
      if (reply) {
        this.totals.requests++;
        this.totals.promptTokens += reply.usage.promptTokens;
        this.totals.completionTokens += reply.usage.completionTokens;
        this.totals.costUsd += (reply.usage.promptTokens * (this.opts.pricePerMillionInput ?? 0) + reply.usage.completionTokens * (this.opts.pricePerMillionOutput ?? 0)) / 1e6;
        return reply;
      }
      // newer OpenAI models take max_completion_tokens and refuse max_tokens: switch once, for good
      if (error instanceof TeacherError && error.status === 400 && this.tokenField === 'max_tokens' && /max_completion_tokens/.test(error.message) && request.maxTokens !== undefined) {
        this.tokenField = 'max_completion_tokens';
        delete body.max_tokens;
        body.max_completion_tokens = request.maxTokens;
        payload = JSON.stringify(body);
        attempt--;
        continue;
      }
      if (!(error instanceof Transient)) {
        this.totals.failures++;
        throw error;
      }
      lastError = error.message;
      if (attempt < this.opts.maxRetries) await sleep(this.backoff(attempt, error.retryAfterMs), request.signal);
    }
    this.totals.failures++;
    throw new TeacherError(`${this.id}: gave up after ${this.opts.maxRetries + 1} tries; last error: ${lastError}`);
  }

  private async once(payload: string, outer?: AbortSignal): Promise<TeacherReply> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.opts.url, { method: 'POST', headers: { 'content-type': 'application/json', ...this.opts.headers }, body: payload, signal });
      text = await res.text();
    } catch (err) {
      if (outer?.aborted) throw err;
      if (timeout.aborted) throw new Transient(`no answer within ${this.opts.timeoutMs} ms`);
      throw new Transient(`request failed: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
    }
    if (res.status === 429 || res.status === 408 || res.status === 409 || res.status >= 500) {
      throw new Transient(`HTTP ${res.status}: ${errorMessage(text)}`, retryAfterMs(res.headers));
    }
    if (!res.ok) {
      const hint = res.status === 401 || res.status === 403 ? ' (check the API key)' : res.status === 404 ? ' (check the base URL, the model or the deployment name)' : '';
      throw new TeacherError(`${this.id}: HTTP ${res.status} from ${this.opts.url}: ${errorMessage(text)}${hint}`, res.status);
    }
    let json: { choices?: { message?: { content?: unknown }; finish_reason?: string }[]; usage?: { prompt_tokens?: number; completion_tokens?: number }; model?: string };
    try {
      json = JSON.parse(text);
    } catch {
      throw new Transient(`malformed JSON in the answer: ${text.slice(0, 80)}`);
    }
    const choice = json.choices?.[0];
    if (!choice || typeof choice !== 'object' || !choice.message) throw new Transient('the answer has no choices[0].message');
    const content = typeof choice.message.content === 'string' ? choice.message.content : '';
    const promptTokens = json.usage?.prompt_tokens ?? estimateTokens(payload);
    const completionTokens = json.usage?.completion_tokens ?? estimateTokens(content);
    return { text: content, usage: { promptTokens, completionTokens }, model: json.model ?? this.opts.model, finishReason: choice.finish_reason };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}

/** The `data:` payloads of a server-sent-events body, as they arrive. */
async function* sseData(res: Response, id: string): AsyncGenerator<string> {
  if (!res.body) throw new TeacherError(`${id}: the streamed answer has no body`);
  const decoder = new TextDecoder();
  let buf = '';
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(bytes, { stream: true });
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line.startsWith('data:')) yield line.slice(5).trimStart();
    }
  }
  if (buf.startsWith('data:')) yield buf.slice(5).trimStart();
}
