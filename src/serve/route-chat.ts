// Routing in the server (`wren serve --small … --large … --router DIR`): a chat or text completion
// request whose model is "router" (the router's stored threshold) or "router-<policy>-<threshold>"
// (RouteLLM's naming: that threshold for this request) is scored on its prompt (a chat's last
// message, as RouteLLM's controller does; route-requests.ts says what each route sends where) and
// answered by one model: the small Wren model through the scheduler, or the large one through the
// shared OpenAI-compatible client, streamed either way. Every answer says
// which model answered and why: the `x-wren-route` header and a `wren_route` field (in the body,
// or in the first chunk of a stream). When the large model fails before its first token (refused
// connection, timeout, 5xx, a 4xx) the small model answers instead, unless fallback is off, and
// the route says so; a failure after the stream started ends the stream with an error.
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Router, RouterPolicy } from '../router/router.ts';
import { HeuristicRouter } from '../router/policies/heuristic.ts';
import { RandomRouter } from '../router/policies/random.ts';
import type { TeacherReply, TeacherRequest } from '../llm/teacher.ts';
import { ApiError, badRequest } from './api-error.ts';
import type { RequestContext, Usage } from './completions.ts';
import type { ChatRequest, CompletionRequest } from './openai-schemas.ts';
import type { LargeModel } from './route-large.ts';
import { routedChat, routedCompletion, type RoutedRequest } from './route-requests.ts';
import { RouteMetrics, type RouteCosts, type RouteTarget } from './route-metrics.ts';
import type { ServedModel } from './served-model.ts';

export type RoutingOptions = {
  router: Router;
  threshold: number;      // the router folder's (calibrated) threshold, or --threshold
  small: ServedModel;
  large: LargeModel;
  costs?: RouteCosts;     // US dollars per million tokens
  fallback?: boolean;     // answer with the small model when the large one fails (default true)
};

export type RouteInfo = {
  routed_to: RouteTarget;
  answered_by: RouteTarget;
  model: string;          // the name of the model that answered
  policy: RouterPolicy;
  score: number | null;   // null when the router itself failed
  threshold: number;
  reason: string;
  fallback?: string;      // why the large model did not answer
};

/** A routed answer: its route (for the header) and the body or stream. */
export class RoutedReply {
  constructor(readonly route: RouteInfo, readonly body: object | AsyncIterable<object>) {}

  /** `large; score=0.7312; threshold=0.5; policy=classifier` (plus `; fallback=small` when it fell back). */
  get header(): string {
    const r = this.route;
    return [r.answered_by, `score=${r.score === null ? 'none' : +r.score.toFixed(6)}`, `threshold=${+r.threshold.toFixed(6)}`, `policy=${r.policy}`,
      ...(r.fallback ? [`fallback=${r.answered_by}`] : [])].join('; ');
  }
}

export class Routing {
  private metrics?: RouteMetrics;
  private readonly fixed: Partial<Record<RouterPolicy, Router>> = {};

  constructor(readonly o: RoutingOptions) {
    this.fixed[o.router.policy] = o.router;
    this.fixed.heuristic ??= new HeuristicRouter();
    this.fixed.random ??= new RandomRouter(0);
  }

  attachMetrics(registry: Registry): void {
    this.metrics = new RouteMetrics(registry, this.o.costs ?? { small: 0, large: 0 });
  }

  handles(model: string | undefined): boolean {
    return model === 'router' || (model?.startsWith('router-') ?? false);
  }

  /** The names a client can ask for, for /v1/models. */
  modelIds(): string[] {
    return ['router', `router-${this.o.router.policy}-${+this.o.threshold.toFixed(6)}`];
  }

  /** 'router' → the loaded router and its threshold; 'router-<policy>-<threshold>' → as named. */
  resolve(model: string): { router: Router; threshold: number } {
    if (model === 'router') return { router: this.o.router, threshold: this.o.threshold };
    const m = /^router-([a-z]+)-(.+)$/.exec(model);
    const policy = m?.[1] as RouterPolicy | undefined, threshold = Number(m?.[2]);
    if (!m || m[2].trim() === '' || !Number.isFinite(threshold)) throw badRequest(`model '${model}': use router or router-<policy>-<threshold>, e.g. router-${this.o.router.policy}-0.5`, 'model');
    if (!(threshold >= 0 && threshold <= 1)) throw badRequest(`model '${model}': the threshold must be in [0, 1], got ${threshold}`, 'model');
    const router = policy && this.fixed[policy];
    if (!router) throw badRequest(`model '${model}': this server routes with ${Object.keys(this.fixed).join(', ')}; ${policy} needs its own router folder`, 'model');
    return { router, threshold };
  }

  /** POST /v1/chat/completions with a router as the model. */
  async chat(body: ChatRequest, ctxFor: (m: ServedModel) => RequestContext): Promise<RoutedReply> {
    return this.route(body.model!, routedChat(body), ctxFor);
  }

  /** POST /v1/completions with a router as the model. */
  async completion(body: CompletionRequest, ctxFor: (m: ServedModel) => RequestContext): Promise<RoutedReply> {
    return this.route(body.model!, routedCompletion(body), ctxFor);
  }

  /** The one routing path: score the request's prompt, answer with one model. */
  private async route(model: string, req: RoutedRequest, ctxFor: (m: ServedModel) => RequestContext): Promise<RoutedReply> {
    const { router, threshold } = this.resolve(model);
    let score: number | null = null, routerError: string | undefined;
    const t0 = performance.now();
    try {
      score = (await router.scoreAll([req.prompt]))[0];
    } catch (err) {
      routerError = (err as Error).message;
    }
    this.metrics?.scored((performance.now() - t0) / 1000);
    const base = { policy: router.policy, score, threshold };
    if (score === null) return this.small(req, ctxFor, { ...base, routed_to: 'small', reason: `the router failed (${routerError}): the small model answered` });
    if (score < threshold) return this.small(req, ctxFor, { ...base, routed_to: 'small', reason: `score ${score.toFixed(4)} < threshold ${threshold}: the small model` });
    const why = `score ${score.toFixed(4)} ≥ threshold ${threshold}`;
    return this.large(req, ctxFor, { ...base, reason: `${why}: the large model` }, why);
  }

  private small(req: RoutedRequest, ctxFor: (m: ServedModel) => RequestContext, r: Omit<RouteInfo, 'answered_by' | 'model'>): RoutedReply {
    const route: RouteInfo = { ...r, answered_by: 'small', model: this.o.small.name };
    const ctx = ctxFor(this.o.small);
    const out = req.small(this.o.small.name, {
      ...ctx, onDone: (u: Usage) => { ctx.onDone(u); this.metrics?.answered(route.routed_to, 'small', u.total_tokens); },
    });
    if (out instanceof Promise) return new RoutedReply(route, out.then((b) => ({ ...b, wren_route: route })));
    return new RoutedReply(route, withRouteFirst(out, route));
  }

  private async large(req: RoutedRequest, ctxFor: (m: ServedModel) => RequestContext, r: Omit<RouteInfo, 'answered_by' | 'model' | 'routed_to'>, why: string): Promise<RoutedReply> {
    const { client, name } = this.o.large;
    const signal = ctxFor(this.o.small).signal;
    const request: TeacherRequest = { ...req.large, signal };
    const route: RouteInfo = { ...r, routed_to: 'large', answered_by: 'large', model: name };
    const fallBack = (err: unknown): RoutedReply => {
      const message = (err as Error).message;
      if (this.o.fallback === false) throw new ApiError(502, `the large model failed and fallback is off: ${message}`, 'server_error', null, 'large_model_failed');
      this.metrics?.fellBack(/timeout|within/.test(message) ? 'timeout' : /HTTP 5\d\d/.test(message) ? '5xx' : /HTTP 4\d\d/.test(message) ? '4xx' : 'connection');
      return this.small(req, ctxFor, { ...r, routed_to: 'large', fallback: message, reason: `${why}, but the large model failed (${message}): the small model answered` });
    };
    const shape = req.shape;
    const head = { id: `${shape.idPrefix}-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: name };
    const usageOf = (reply: TeacherReply): Usage => ({ prompt_tokens: reply.usage.promptTokens, completion_tokens: reply.usage.completionTokens, total_tokens: reply.usage.promptTokens + reply.usage.completionTokens });
    if (!req.stream) {
      let reply;
      try {
        reply = await client.complete(request);
      } catch (err) {
        if (signal.aborted) throw err;
        return fallBack(err);
      }
      const usage = usageOf(reply);
      this.metrics?.answered('large', 'large', usage.total_tokens);
      return new RoutedReply(route, { ...head, object: shape.object, model: reply.model || name, choices: [shape.choice(reply.text, reply.finishReason ?? 'stop')], usage, wren_route: route });
    }
    const stream = client.stream(request);
    let first: IteratorResult<string, TeacherReply>;
    try {
      first = await stream.next(); // the first token, or the failure that sends the request to the small model
    } catch (err) {
      if (signal.aborted) throw err;
      return fallBack(err);
    }
    const includeUsage = req.includeUsage, metrics = this.metrics;
    async function* chunks(): AsyncGenerator<object> {
      const chunk = (choices: object[]) => ({ ...head, object: shape.chunkObject, choices, ...(includeUsage ? { usage: null } : {}) });
      for (const c of shape.opening()) yield chunk([c]);
      let r = first;
      try {
        while (!r.done) {
          yield chunk([shape.delta(r.value)]);
          r = await stream.next();
        }
      } finally {
        if (!r.done) await stream.return({ text: '', usage: { promptTokens: 0, completionTokens: 0 }, model: name }).catch(() => {}); // the client left: free the client's slot now
      }
      const reply = r.value;
      yield chunk([shape.end(reply.finishReason ?? 'stop')]);
      const usage = usageOf(reply);
      metrics?.answered('large', 'large', usage.total_tokens);
      if (includeUsage) yield { ...head, object: shape.chunkObject, choices: [], usage };
    }
    return new RoutedReply(route, withRouteFirst(chunks(), route));
  }

  async close(): Promise<void> {
    await this.o.router.close();
    await this.o.large.client.close();
  }
}

/** The stream with the route in its first chunk. */
async function* withRouteFirst(chunks: AsyncIterable<object>, route: RouteInfo): AsyncGenerator<object> {
  let first = true;
  for await (const c of chunks) {
    yield first ? { ...c, wren_route: route } : c;
    first = false;
  }
}
