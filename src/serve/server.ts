// `wren serve`'s HTTP side: Fastify for routing, body limits and connection handling; one route
// table whose handlers return a JSON body, text, or an async iterable of chunks (sent as SSE);
// one error path that turns anything thrown into OpenAI's error body with the right status.
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { WrenError } from '../errors.ts';
import { ApiError, badRequest } from './api-error.ts';
import { chatCompletion, completion, type RequestContext } from './completions.ts';
import { ServerMetrics } from './metrics.ts';
import { chatRequest, completionRequest } from './openai-schemas.ts';
import type { Moderation } from './moderation.ts';
import { registerPlayground } from './playground.ts';
import { RoutedReply, type Routing } from './route-chat.ts';
import { QueueFullError } from './scheduler.ts';
import type { ServedModel } from './served-model.ts';

export type ServerOptions = {
  models: ServedModel[];
  apiKey?: string;          // when set, every route but /health needs `Authorization: Bearer KEY`
  bodyLimit?: number;       // bytes (default 1 MiB)
  maxTokens?: number;       // the most new tokens one request may ask for (default: the context)
  moderation?: Moderation;  // --guard: prompts checked before generation, answers as they stream
  groundedNumbers?: boolean; // --grounded-numbers: long numbers and amounts only as the user wrote them
  routing?: Routing;        // --router: model "router" picks the small or the large model per request
};

/** A non-JSON body (the metrics page). */
class TextBody {
  constructor(readonly contentType: string, readonly text: string) {}
}

type Reply = object | AsyncIterable<object> | TextBody | RoutedReply;
type Route = {
  method: 'GET' | 'POST';
  url: string;
  public?: boolean; // no API key needed
  handler: (req: FastifyRequest, signal: AbortSignal) => Reply | Promise<Reply>;
};

export class WrenServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  private draining = false;
  private readonly models: Map<string, ServedModel>;
  private readonly playground: Promise<void>;

  constructor(private readonly o: ServerOptions) {
    this.models = new Map(o.models.map((m) => [m.name, m]));
    if (this.models.size !== o.models.length) throw new WrenError('two models have the same name: give each --model a distinct NAME=PATH');
    this.metrics = new ServerMetrics(o.models);
    if (o.moderation) o.moderation.onCheck = (role, blocked, seconds) => this.metrics.guardCheck(role, blocked, seconds);
    o.routing?.attachMetrics(this.metrics.registry);
    this.app = Fastify({ bodyLimit: o.bodyLimit ?? 1 << 20, return503OnClosing: false, forceCloseConnections: 'idle' });
    this.app.addHook('onRequest', async (req) => this.admit(req));
    this.app.addHook('onSend', async (_req, reply) => { if (this.draining) reply.header('connection', 'close'); });
    this.app.addHook('onResponse', async (req, reply) => this.metrics.request(req.routeOptions.url ?? 'unmatched', reply.statusCode));
    this.app.setErrorHandler((err, _req, reply) => {
      const e = toApiError(err);
      if (err instanceof QueueFullError) reply.header('retry-after', String(err.retryAfterSeconds));
      if (e.status >= 500) console.error(`wren serve: ${(err as Error).stack ?? err}`);
      return reply.status(e.status).send(e.body);
    });
    this.app.setNotFoundHandler((req, reply) => {
      reply.status(404).send(new ApiError(404, `no route ${req.method} ${req.url.split('?')[0]}`, 'invalid_request_error', null, 'unknown_url').body);
    });
    for (const r of this.routes()) this.register(r);
    // The browser playground at / (static page, bundle, the models' files for on-device runs).
    this.playground = registerPlayground(this.app, { models: o.models.map((m) => ({ name: m.name, files: { ...m.files, tokenizer: m.tokenizerPath } })) });
  }

  /** Start listening; returns the URL (port 0 picks a free port). */
  async listen(port: number, host: string): Promise<string> {
    await this.playground;
    const address = await this.app.listen({ port, host });
    return address.replace('[::1]', 'localhost');
  }

  /** Stop taking requests, let those in flight finish for up to `deadlineMs`, then cut the rest. */
  async drain(deadlineMs: number): Promise<void> {
    this.draining = true;
    const cut = setTimeout(() => {
      for (const m of this.models.values()) m.scheduler.abortAll('the server is shutting down');
      this.app.server.closeAllConnections();
    }, deadlineMs);
    try {
      await this.app.close();
    } finally {
      clearTimeout(cut);
    }
  }

  private routes(): Route[] {
    return [
      { method: 'GET', url: '/health', public: true, handler: () => ({ status: this.draining ? 'draining' : 'ok', models: [...this.models.keys()] }) },
      { method: 'GET', url: '/v1/models', handler: () => ({ object: 'list', data: [...[...this.models.values()].map(modelCard), ...(this.o.routing?.modelIds() ?? []).map(routerCard)] }) },
      { method: 'GET', url: '/v1/models/:model', handler: (req) => modelCard(this.pick((req.params as { model: string }).model)) },
      { method: 'POST', url: '/v1/completions', handler: (req, signal) => {
        const body = parseBody(completionRequest, req.body);
        if (this.o.routing?.handles(body.model)) return this.o.routing.completion(body, (m) => this.context(m, signal));
        return completion(body, this.context(this.pick(body.model), signal));
      } },
      { method: 'POST', url: '/v1/chat/completions', handler: (req, signal) => {
        const body = parseBody(chatRequest, req.body);
        if (this.o.routing?.handles(body.model)) return this.o.routing.chat(body, (m) => this.context(m, signal));
        return chatCompletion(body, this.context(this.pick(body.model), signal));
      } },
      { method: 'GET', url: '/metrics', handler: async () => new TextBody(this.metrics.registry.contentType, await this.metrics.registry.metrics()) },
    ];
  }

  private register(r: Route): void {
    this.app.route({
      method: r.method, url: r.url, config: { public: r.public === true },
      handler: async (req, reply) => {
        const ac = new AbortController(); // the client went away: its jobs leave the batch at once
        reply.raw.on('close', () => { if (!reply.raw.writableFinished) ac.abort(); });
        let out = await r.handler(req, ac.signal);
        if (out instanceof RoutedReply) {
          reply.header('x-wren-route', out.header);
          out = await out.body;
        }
        if (out instanceof TextBody) return reply.type(out.contentType).send(out.text);
        if (Symbol.asyncIterator in out) {
          reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
          return reply.send(Readable.from(serverSentEvents(out as AsyncIterable<object>)));
        }
        return out;
      },
    });
  }

  private admit(req: FastifyRequest): void {
    if (this.draining && req.url !== '/health') throw new ApiError(503, 'the server is shutting down', 'server_error', null, 'shutting_down');
    const config = req.routeOptions.config as { public?: boolean } | undefined;
    if (!this.o.apiKey || config?.public) return;
    const header = req.headers.authorization ?? '';
    if (!header) throw new ApiError(401, 'no API key: send the header Authorization: Bearer KEY', 'invalid_request_error', null, 'invalid_api_key');
    const given = Buffer.from(header), wanted = Buffer.from(`Bearer ${this.o.apiKey}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new ApiError(401, 'incorrect API key', 'invalid_request_error', null, 'invalid_api_key');
  }

  /** A request's `model`: a name in the loaded set (never a path); may be left out when there is one. */
  private pick(name: string | undefined): ServedModel {
    const names = [...this.models.keys()].join(', ');
    if (name === undefined) {
      if (this.models.size === 1) return [...this.models.values()][0];
      throw badRequest(`model is required: this server has ${names}`, 'model');
    }
    const m = this.models.get(name);
    if (!m) throw new ApiError(404, `the model '${name}' does not exist; this server has ${names}`, 'invalid_request_error', 'model', 'model_not_found');
    return m;
  }

  private context(model: ServedModel, signal: AbortSignal): RequestContext {
    return {
      model, signal,
      maxTokensCap: Math.min(this.o.maxTokens ?? Infinity, model.contextLength),
      onFirstToken: (s) => this.metrics.firstToken(model.name, s),
      onDone: (usage) => this.metrics.done(model.name, usage),
      moderation: this.o.moderation,
      groundedNumbers: this.o.groundedNumbers,
    };
  }
}

function routerCard(id: string): object {
  return { id, object: 'model', created: 0, owned_by: 'wren-router' };
}

function modelCard(m: ServedModel): object {
  return { id: m.name, object: 'model', created: m.created, owned_by: 'wren', context_length: m.contextLength, chat_template: m.hasChatTemplate };
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object (sent as Content-Type: application/json)');
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const param = issue.path.map(String).join('.') || null;
  throw badRequest(param ? `${param}: ${issue.message}` : issue.message, param);
}

/** SSE framing; a failure after the headers went out is told in the stream, as OpenAI does. */
async function* serverSentEvents(chunks: AsyncIterable<object>): AsyncGenerator<string> {
  try {
    for await (const c of chunks) yield `data: ${JSON.stringify(c)}\n\n`;
  } catch (err) {
    yield `data: ${JSON.stringify(toApiError(err).body)}\n\n`;
  }
  yield 'data: [DONE]\n\n';
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof QueueFullError) return new ApiError(429, err.message, 'rate_limit_error', null, 'queue_full');
  if (err instanceof WrenError) return badRequest(err.message);
  const f = err as FastifyError;
  if (f.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(413, `the request body is over the server's limit (${f.message})`, 'invalid_request_error', null, 'body_too_large');
  if (f.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiError(415, 'send the body as Content-Type: application/json', 'invalid_request_error', null, 'unsupported_media_type');
  if (f.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return badRequest('the request body is empty; send a JSON object');
  if (f.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) return badRequest(`the request body is not valid JSON: ${f.message}`, null, 'invalid_json');
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) return new ApiError(f.statusCode, f.message);
  return new ApiError(500, `internal error: ${(err as Error)?.message ?? err}`, 'server_error');
}
