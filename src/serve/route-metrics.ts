// The router's part of GET /metrics: how requests were routed and who answered them, fallbacks,
// tokens and cost per model (--cost, US dollars per million tokens, prompt and completion alike),
// and how long scoring a prompt takes.
import { Counter, Histogram, type Registry } from 'prom-client';

export type RouteCosts = { small: number; large: number };
export type RouteTarget = 'small' | 'large';

export class RouteMetrics {
  private readonly routed: Counter<'routed_to' | 'answered_by'>;
  private readonly fallbacks: Counter<'reason'>;
  private readonly tokens: Counter<'model'>;
  private readonly cost: Counter<'model'>;
  private readonly latency: Histogram;

  constructor(registry: Registry, private readonly costs: RouteCosts) {
    const registers = [registry];
    this.routed = new Counter({ name: 'wren_route_requests_total', help: 'Routed requests, by the router\'s choice and the model that answered', labelNames: ['routed_to', 'answered_by'], registers });
    this.fallbacks = new Counter({ name: 'wren_route_fallbacks_total', help: 'Requests the large model failed and the small one answered', labelNames: ['reason'], registers });
    this.tokens = new Counter({ name: 'wren_route_tokens_total', help: 'Prompt + completion tokens of routed requests, by the model that answered', labelNames: ['model'], registers });
    this.cost = new Counter({ name: 'wren_route_cost_usd_total', help: 'Cost of routed requests in US dollars at the --cost prices', labelNames: ['model'], registers });
    this.latency = new Histogram({ name: 'wren_router_seconds', help: 'Time to score one prompt', registers, buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
    for (const m of ['small', 'large'] as const) { this.tokens.inc({ model: m }, 0); this.cost.inc({ model: m }, 0); }
  }

  scored(seconds: number): void {
    this.latency.observe(seconds);
  }

  answered(routedTo: RouteTarget, answeredBy: RouteTarget, tokens: number): void {
    this.routed.inc({ routed_to: routedTo, answered_by: answeredBy });
    this.tokens.inc({ model: answeredBy }, tokens);
    this.cost.inc({ model: answeredBy }, (tokens * this.costs[answeredBy]) / 1e6);
  }

  fellBack(reason: string): void {
    this.fallbacks.inc({ reason });
  }
}
