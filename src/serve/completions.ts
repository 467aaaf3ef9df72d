// POST /v1/completions and /v1/chat/completions: a request becomes one scheduler job per choice
// (prompts × n), and the jobs' tokens become OpenAI's response body, or its stream of chunks.
import { randomUUID } from 'node:crypto';
import { GroundedNumbers } from '../generate/grounded-numbers.ts';
import type { TokenLogprob } from '../generate/logprobs.ts';
import { pieceBytes } from '../generate/stop-text.ts';
import type { SamplerOptions } from '../generate/sampler.ts';
import type { ChatMessage } from '../tokenizer/chat-template.ts';
import { badRequest } from './api-error.ts';
import type { ChatRequest, CompletionRequest } from './openai-schemas.ts';
import type { JobRequest, TokenEvent } from './scheduler.ts';
import type { ServedModel } from './served-model.ts';
import { mergeStreams } from './merge-streams.ts';
import type { Moderation, ModeratedResult, PromptFilterResult } from './moderation.ts';

export type RequestContext = {
  model: ServedModel;
  signal: AbortSignal;
  maxTokensCap: number;                                    // --max-tokens
  onFirstToken: (seconds: number) => void;
  onDone: (usage: Usage) => void;
  moderation?: Moderation;                                 // --guard: input and output checks
  groundedNumbers?: boolean;                               // --grounded-numbers: numbers only from the prompt
};

export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };
type Outcome = ModeratedResult; // a JobResult, or one cut by the guard (finish_reason content_filter)
type Choice = { index: number; events: AsyncGenerator<TokenEvent, Outcome> };
type Shared = Pick<CompletionRequest, 'temperature' | 'top_p' | 'top_k' | 'repetition_penalty' | 'presence_penalty' | 'frequency_penalty' | 'seed' | 'stop' | 'logit_bias'>;

/** The completion fields Wren refuses, whichever model answers (the router checks them too). */
export function checkCompletionFields(body: CompletionRequest): void {
  if (body.echo) throw badRequest('echo is not supported', 'echo');
  if (body.suffix) throw badRequest('suffix (insertion) is not supported', 'suffix');
  if (body.best_of != null && body.best_of !== (body.n ?? 1)) throw badRequest('best_of other than n is not supported', 'best_of');
}

export function completion(body: CompletionRequest, ctx: RequestContext): Promise<object> | AsyncIterable<object> {
  checkCompletionFields(body);
  const n = body.n ?? 1;
  const model = ctx.model;
  const prompts: (string | number[])[] = typeof body.prompt === 'string' ? [body.prompt]
    : typeof body.prompt[0] === 'number' ? [body.prompt as number[]] : (body.prompt as (string | number[])[]);
  const promptIds = prompts.map((p) => {
    if (typeof p !== 'string') checkIds(p, model);
    return model.encodePrompt(p);
  });
  const maxTokens = budget(body.max_tokens, 'max_tokens', 16, ctx);
  const requests = promptIds.flatMap((ids, i) => choices(n, body, ids, 'prompt', maxTokens, model.stopIds, [], body.logprobs ?? null, ctx,
    typeof prompts[i] === 'string' ? prompts[i] as string : model.tokenizer.decode(ids)));
  const promptTokens = promptIds.reduce((s, ids) => s + ids.length, 0);
  const promptFilter = ctx.moderation?.checkInput(prompts.map((p) => typeof p === 'string' ? p : model.tokenizer.decode(p)), 'prompt');
  const streams = submit(requests, ctx);
  const head = { id: `cmpl-${randomUUID()}`, object: 'text_completion', created: now(), model: model.name };
  const logprobsOf = (events: TokenEvent[], offset0: number) => {
    if (body.logprobs == null) return null;
    const lp = { tokens: [] as string[], token_logprobs: [] as number[], top_logprobs: [] as Record<string, number>[], text_offset: [] as number[] };
    let offset = offset0;
    for (const e of events) {
      if (e.logprob !== undefined) {
        lp.tokens.push(tokenText(model, e.prev, e.id));
        lp.token_logprobs.push(e.logprob);
        lp.top_logprobs.push(Object.fromEntries((e.top ?? []).map((t) => [tokenText(model, e.prev, t.id), t.logprob])));
        lp.text_offset.push(offset);
      }
      offset += e.text.length;
    }
    return lp;
  };
  if (body.stream) {
    return streamChunks(streams, ctx, promptTokens, body.stream_options?.include_usage === true, {
      head, promptFilter,
      first: () => [],
      token: (index, e, offset) => ({ text: e.text, index, logprobs: logprobsOf([e], offset), finish_reason: null }),
      end: (index, r) => ({ text: '', index, logprobs: null, finish_reason: r.finishReason, ...filterOf(r) }),
    });
  }
  return collect(streams, ctx, promptTokens).then(({ results, usage }) => ({
    ...head,
    ...(promptFilter ? { prompt_filter_results: promptFilter } : {}),
    choices: results.map((r, index) => ({ text: r.text, index, logprobs: logprobsOf(r.events, 0), finish_reason: r.result.finishReason, ...filterOf(r.result) })),
    usage,
  }));
}

/** A request's messages as the chat template takes them (developer is system; text parts joined). */
export function chatMessages(body: ChatRequest): ChatMessage[] {
  return body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text).join(''),
  }));
}

export function chatCompletion(body: ChatRequest, ctx: RequestContext): Promise<object> | AsyncIterable<object> {
  if (body.tools?.length || body.functions?.length) throw badRequest('tools and functions are not supported', body.tools?.length ? 'tools' : 'functions');
  if (body.response_format && body.response_format.type !== 'text') throw badRequest(`response_format ${body.response_format.type} is not supported (only text)`, 'response_format');
  const model = ctx.model;
  const messages = chatMessages(body);
  const prompt = model.encodeChat(messages);
  const maxTokens = budget(body.max_completion_tokens ?? body.max_tokens, body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens', Infinity, ctx);
  const top = body.logprobs ? body.top_logprobs ?? 0 : null;
  if (!body.logprobs && body.top_logprobs != null) throw badRequest('top_logprobs needs logprobs: true', 'top_logprobs');
  const requests = choices(body.n ?? 1, body, prompt.ids, 'messages', maxTokens, prompt.stopIds, prompt.stop, top, ctx,
    messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n'));
  const promptFilter = ctx.moderation?.checkInput([messages.filter((m) => m.role === 'user').map((m) => m.content)], 'messages');
  const streams = submit(requests, ctx);
  const head = { id: `chatcmpl-${randomUUID()}`, object: 'chat.completion', created: now(), model: model.name };
  const logprobsOf = (events: TokenEvent[]) => top === null ? null : {
    content: events.filter((e) => e.logprob !== undefined).map((e) => ({
      ...tokenEntry(model, e.prev, e.id, e.logprob!),
      top_logprobs: (e.top ?? []).map((t: TokenLogprob) => tokenEntry(model, e.prev, t.id, t.logprob)),
    })),
    refusal: null,
  };
  if (body.stream) {
    return streamChunks(streams, ctx, prompt.ids.length, body.stream_options?.include_usage === true, {
      head: { ...head, object: 'chat.completion.chunk' }, promptFilter,
      first: (index) => [{ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      token: (index, e) => ({ index, delta: { content: e.text }, logprobs: logprobsOf([e]), finish_reason: null }),
      end: (index, r) => ({ index, delta: {}, logprobs: null, finish_reason: r.finishReason, ...filterOf(r) }),
    });
  }
  return collect(streams, ctx, prompt.ids.length).then(({ results, usage }) => ({
    ...head,
    ...(promptFilter ? { prompt_filter_results: promptFilter } : {}),
    choices: results.map((r, index) => ({
      index,
      message: { role: 'assistant', content: r.text, refusal: null },
      logprobs: logprobsOf(r.events),
      finish_reason: r.result.finishReason,
      ...filterOf(r.result),
    })),
    usage,
  }));
}

/** The jobs' token streams, each through the guard's output check when there is one. */
function submit(requests: JobRequest[], ctx: RequestContext): Choice[] {
  return ctx.model.scheduler.submit(requests, ctx.signal).map((events, index) => ({
    index, events: ctx.moderation ? ctx.moderation.moderateOutput(events, requests[index].promptIds.length) : events,
  }));
}

function filterOf(r: Outcome): { content_filter_results?: object } {
  return r.contentFilter ? { content_filter_results: r.contentFilter } : {};
}

/** The jobs of `n` choices of one prompt: the same settings, seeds seed, seed+1, … `source`: the
 *  user's text, where --grounded-numbers lets numbers come from. */
function choices(n: number, body: Shared, promptIds: number[], promptParam: string, maxTokens: number, stopIds: number[], stop: string[], topLogprobs: number | null, ctx: RequestContext,
                 source: string): JobRequest[] {
  if (promptIds.length >= ctx.model.contextLength) {
    throw badRequest(`this model's context is ${ctx.model.contextLength} tokens and the prompt is ${promptIds.length}: shorten it`, promptParam, 'context_length_exceeded');
  }
  if (body.logit_bias && Object.keys(body.logit_bias).length > 0) throw badRequest('logit_bias is not supported', 'logit_bias');
  const seed = body.seed ?? Math.floor(Math.random() * 2 ** 31);
  const userStops = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return Array.from({ length: n }, (_, i) => {
    const sampling: SamplerOptions = { // unset fields take the Sampler's defaults, but top_p's is OpenAI's (1)
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? 1,
      topK: body.top_k ?? undefined,
      repetitionPenalty: body.repetition_penalty ?? undefined,
      presencePenalty: body.presence_penalty ?? undefined,
      frequencyPenalty: body.frequency_penalty ?? undefined,
      seed: seed + i,
    };
    const rule = ctx.groundedNumbers ? new GroundedNumbers(ctx.model.tokenizer, source) : undefined;
    return { promptIds, maxTokens, sampling, stop: [...stop, ...userStops], stopIds, topLogprobs, rule };
  });
}

/** New tokens allowed: as asked (at least 1, at most --max-tokens), the context ending it sooner. */
function budget(asked: number | null | undefined, param: string, fallback: number, ctx: RequestContext): number {
  if (asked == null) return Math.min(fallback, ctx.maxTokensCap);
  if (asked < 1) throw badRequest(`${param} must be at least 1, got ${asked}`, param);
  if (asked > ctx.maxTokensCap) throw badRequest(`${param} is too large: ${asked}; this server allows at most ${ctx.maxTokensCap}`, param);
  return asked;
}

function checkIds(ids: number[], model: ServedModel): void {
  const V = model.scheduler.model.config.vocab_size;
  const bad = ids.find((id) => id >= V);
  if (bad !== undefined) throw badRequest(`token id ${bad} in the prompt is outside the vocabulary [0, ${V})`, 'prompt');
}

type Collected = { text: string; events: TokenEvent[]; result: Outcome };

async function collect(streams: Choice[], ctx: RequestContext, promptTokens: number): Promise<{ results: Collected[]; usage: Usage }> {
  const t0 = performance.now();
  let first = true;
  const results = await Promise.all(streams.map(async ({ events }) => {
    const got: TokenEvent[] = [];
    for (;;) {
      const r = await events.next();
      if (r.done) return { text: got.map((e) => e.text).join(''), events: got, result: r.value };
      if (first) { first = false; ctx.onFirstToken((performance.now() - t0) / 1000); }
      got.push(r.value);
    }
  }));
  const usage = usageOf(promptTokens, results.map((r) => r.result));
  ctx.onDone(usage);
  return { results, usage };
}

type ChunkShape = {
  head: object;
  promptFilter?: PromptFilterResult[]; // sent first, in a chunk of its own (as Azure does)
  first: (index: number) => object[];
  token: (index: number, e: TokenEvent, offset: number) => object;
  end: (index: number, r: Outcome) => object;
};

/** The chunks of a streamed answer, choices interleaved as their tokens come; usage last if asked. */
async function* streamChunks(streams: Choice[], ctx: RequestContext, promptTokens: number, includeUsage: boolean, shape: ChunkShape): AsyncGenerator<object> {
  const t0 = performance.now();
  const offsets = streams.map(() => 0), ends: Outcome[] = [];
  let first = true;
  const chunk = (choices: object[]) => ({ ...shape.head, choices, ...(includeUsage ? { usage: null } : {}) });
  if (shape.promptFilter) yield { ...chunk([]), prompt_filter_results: shape.promptFilter };
  for (const index of streams.map((s) => s.index)) for (const c of shape.first(index)) yield chunk([c]);
  for await (const m of mergeStreams(streams.map((s) => s.events))) {
    if (m.done) {
      ends.push(m.result);
      yield chunk([shape.end(m.index, m.result)]);
      continue;
    }
    if (first) { first = false; ctx.onFirstToken((performance.now() - t0) / 1000); }
    if (m.value.text === '' && m.value.logprob === undefined) continue; // a token that completes no character yet
    yield chunk([shape.token(m.index, m.value, offsets[m.index])]);
    offsets[m.index] += m.value.text.length;
  }
  const usage = usageOf(promptTokens, ends);
  ctx.onDone(usage);
  if (includeUsage) yield { ...shape.head, choices: [], usage };
}

function usageOf(promptTokens: number, results: Outcome[]): Usage {
  const completion = results.reduce((s, r) => s + r.completionTokens, 0);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

// A token as it reads after `prev` (llama2.c drops the space after BOS), so the tokens join to the text.
const decoder = new TextDecoder('utf-8', { fatal: false });
function tokenText(model: ServedModel, prev: number, id: number): string {
  return decoder.decode(pieceBytes(model.tokenizer, prev, id));
}

function tokenEntry(model: ServedModel, prev: number, id: number, logprob: number): { token: string; logprob: number; bytes: number[] } {
  const bytes = pieceBytes(model.tokenizer, prev, id);
  return { token: decoder.decode(bytes), logprob, bytes: [...bytes] };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
