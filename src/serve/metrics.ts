// GET /metrics in Prometheus' text format (prom-client): requests, tokens, queue depth, time to
// first token and decode rate per model, and the process's own (RSS, CPU, event-loop lag).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServedModel } from './served-model.ts';
import type { Usage } from './completions.ts';

export class ServerMetrics {
  readonly registry = new Registry();
  private requests: Counter<'route' | 'status'>;
  private promptTokens: Counter<'model'>;
  private completionTokens: Counter<'model'>;
  private ttft: Histogram<'model'>;
  private guardChecks?: Counter<'role' | 'blocked'>;
  private guardSeconds?: Histogram<'role'>;

  constructor(models: ServedModel[]) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'wren_' });
    this.requests = new Counter({ name: 'wren_requests_total', help: 'HTTP requests answered, by route and status', labelNames: ['route', 'status'], registers });
    this.promptTokens = new Counter({ name: 'wren_prompt_tokens_total', help: 'Prompt tokens processed', labelNames: ['model'], registers });
    this.completionTokens = new Counter({ name: 'wren_completion_tokens_total', help: 'Tokens generated', labelNames: ['model'], registers });
    this.ttft = new Histogram({
      name: 'wren_time_to_first_token_seconds', help: 'From a request reaching the scheduler to its first token', labelNames: ['model'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    const perModel = (name: string, help: string, value: (m: ServedModel) => number) => new Gauge({
      name, help, labelNames: ['model'], registers,
      collect() { for (const m of models) this.set({ model: m.name }, value(m)); },
    });
    perModel('wren_queue_depth', 'Requests waiting for a slot', (m) => m.scheduler.queueDepth);
    perModel('wren_active_requests', 'Requests holding a slot', (m) => m.scheduler.activeCount);
    perModel('wren_slots', 'Slots (--parallel)', (m) => m.scheduler.parallel);
    perModel('wren_decode_tokens_per_second', 'Tokens decoded per second over the last 10 s, all requests together', (m) => m.scheduler.decodeRate());
  }

  request(route: string, status: number): void {
    this.requests.inc({ route, status: String(status) });
  }

  firstToken(model: string, seconds: number): void {
    this.ttft.observe({ model }, seconds);
  }

  /** One guard check (--guard): its role (prompt | response), whether it blocked, its time. */
  guardCheck(role: string, blocked: boolean, seconds: number): void {
    const registers = [this.registry];
    this.guardChecks ??= new Counter({ name: 'wren_guard_checks_total', help: 'Guard checks, by role and whether they blocked', labelNames: ['role', 'blocked'], registers });
    this.guardSeconds ??= new Histogram({ name: 'wren_guard_check_seconds', help: 'Time of one guard check (all its windows)', labelNames: ['role'], registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });
    this.guardChecks.inc({ role, blocked: String(blocked) });
    this.guardSeconds.observe({ role }, seconds);
  }

  done(model: string, usage: Usage): void {
    this.promptTokens.inc({ model }, usage.prompt_tokens);
    this.completionTokens.inc({ model }, usage.completion_tokens);
  }
}
