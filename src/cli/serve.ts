// `wren serve`: an OpenAI-compatible HTTP server over one or more models, with continuous
// batching (src/serve/scheduler.ts). Binds loopback unless told otherwise; SIGTERM drains.
import { createBackend, type BackendName } from '../engine/backend.ts';
import { ServedModel } from '../serve/served-model.ts';
import { WrenServer } from '../serve/server.ts';
import { loadModeration } from '../serve/guard-load.ts';
import { loadRouting } from '../serve/route-load.ts';
import { CliError, intFlag, parseFlags } from './args.ts';

const HELP = `usage: wren serve --model [NAME=]PATH [options]

  --model [NAME=]PATH     a model folder, llama2.c .bin or .gguf (repeat for several; requests
                          choose by NAME, which defaults to the file or folder name)
  --tokenizer [NAME=]PATH tokenizer for models without one in their folder (a llama2.c .bin);
                          NAME= gives it to one model only
  --port N                TCP port (default 8080; 0 picks a free one)
  --host H                address to bind (default 127.0.0.1: this machine only)
  --parallel N            requests decoded together per model, one KV cache each (default 4, at most 32)
  --queue N               requests that may wait for a slot before the server answers 429 (default 64)
  --max-tokens N          most new tokens one request may ask for (default: the model's context)
  --api-key KEY           require Authorization: Bearer KEY (default: $WREN_API_KEY; none if unset)
  --body-limit BYTES      largest request body (default 1048576)
  --drain-timeout S       on SIGTERM, seconds to let requests in flight finish (default 30)
  --threads N             compute threads (default: all cores)
  --backend NAME          native | wasm | reference (default: fastest available)
  --guard DIR             a guard folder (wren guard train): prompts are checked before generation
                          and answers as they stream (blocked: error code / finish_reason content_filter)
  --guard-policy FILE     per-category severities and actions, windows (YAML/JSON; docs/safety.md)
  --grounded-numbers      a number of 3+ digits or an amount only as the user's text has it
                          (support replies that copy no order number or refund from elsewhere)
routing (docs/routing.md): requests with model "router" (or router-<policy>-<threshold>) go to one of
  --small PATH            the small model (served like --model, under its folder name)
  --large SPEC            the large model: openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, or the
                          http(s)://HOST:PORT/v1 URL of an OpenAI-compatible server
  --router DIR            a router folder (wren router train), its stored threshold unless
  --threshold T           route to the large model when the router's score ≥ T (in [0, 1])
  --strong-share S        or the threshold that sends share S of --calibrate-on FILE's prompts
                          (default: the router's calibration prompts) to the large model
  --cost small=P,large=P  US dollars per million tokens, counted in /metrics
  --large-model NAME      the model name sent to a --large URL (default: none)
  --large-timeout S       seconds to wait for the large model's answer to start (default 60)
  --no-fallback           answer 502 instead of falling back to the small model when the large fails

Routes: GET /v1/models, POST /v1/completions, POST /v1/chat/completions (stream: true for SSE),
GET /health, GET /metrics (Prometheus).`;

const NAMED = /^([A-Za-z0-9][A-Za-z0-9._:-]*)=(.+)$/;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string', multiple: true }, tokenizer: { type: 'string', multiple: true },
    port: { type: 'string' }, host: { type: 'string' }, parallel: { type: 'string' }, queue: { type: 'string' },
    'max-tokens': { type: 'string' }, 'api-key': { type: 'string' }, 'body-limit': { type: 'string' },
    'drain-timeout': { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' },
    guard: { type: 'string' }, 'guard-policy': { type: 'string' }, 'grounded-numbers': { type: 'boolean' },
    small: { type: 'string' }, large: { type: 'string' }, router: { type: 'string' }, threshold: { type: 'string' }, 'strong-share': { type: 'string' },
    'calibrate-on': { type: 'string' }, cost: { type: 'string' }, 'large-model': { type: 'string' }, 'large-timeout': { type: 'string' }, 'no-fallback': { type: 'boolean' },
  }, HELP);
  const models = [...((v.model as string[] | undefined) ?? []), ...(typeof v.small === 'string' ? [v.small] : [])];
  if (models.length === 0) throw new CliError('--model is required');
  const port = intFlag(v.port, 'port', 8080, 0, 65535);
  const host = (v.host as string | undefined) ?? '127.0.0.1';
  const parallel = intFlag(v.parallel, 'parallel', 4, 1, 32);
  const queueLimit = intFlag(v.queue, 'queue', 64, 0, 1 << 20);
  const maxTokens = v['max-tokens'] === undefined ? undefined : intFlag(v['max-tokens'], 'max-tokens', 0, 1, 1 << 20);
  const bodyLimit = intFlag(v['body-limit'], 'body-limit', 1 << 20, 1024, 1 << 30);
  const drainSeconds = intFlag(v['drain-timeout'], 'drain-timeout', 30, 0, 3600);
  const threads = intFlag(v.threads, 'threads', 0, 1, 16) || undefined;
  const backendName = v.backend as BackendName | undefined;
  if (backendName && !['native', 'wasm', 'reference'].includes(backendName)) throw new CliError(`--backend must be native, wasm or reference, got '${backendName}'`);
  const apiKey = (v['api-key'] as string | undefined) ?? (process.env.WREN_API_KEY || undefined);

  const tokenizers = new Map<string | undefined, string>();
  for (const t of (v.tokenizer as string[] | undefined) ?? []) {
    const m = NAMED.exec(t);
    tokenizers.set(m ? m[1] : undefined, m ? m[2] : t);
  }
  const backend = await createBackend({ backend: backendName, threads });
  const served: ServedModel[] = [];
  for (const spec of models) {
    const m = NAMED.exec(spec);
    const name = m?.[1], path = m ? m[2] : spec;
    const model = ServedModel.load(path, backend, { name, tokenizer: tokenizers.get(name) ?? tokenizers.get(undefined), parallel, queueLimit });
    served.push(model);
    console.log(`wren serve: model ${model.name} (${path}): context ${model.contextLength}, ${parallel} slots, ${model.hasChatTemplate ? 'its chat template' : 'no chat template (chats as ChatML text)'}`);
  }
  const moderation = await loadModeration(v.guard as string | undefined, v['guard-policy'] as string | undefined);
  if (moderation) console.log(`wren serve: guard ${v.guard} (${moderation.guard.kind}), policy ${v['guard-policy'] ?? 'default'}`);
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const routing = await loadRouting({
    small: str(v.small), large: str(v.large), router: str(v.router), threshold: str(v.threshold), strongShare: str(v['strong-share']), calibrateOn: str(v['calibrate-on']),
    cost: str(v.cost), largeModel: str(v['large-model']), largeTimeout: str(v['large-timeout']), noFallback: v['no-fallback'] === true,
  }, v.small ? served[served.length - 1] : undefined);
  if (routing) console.log(`wren serve: model "router": ${routing.o.router.policy} router ${v.router} at threshold ${routing.o.threshold}, small ${routing.o.small.name}, large ${routing.o.large.name} (${v.large})`);
  const server = new WrenServer({ models: served, apiKey, bodyLimit, maxTokens, moderation, routing, groundedNumbers: v['grounded-numbers'] === true });
  const url = await server.listen(port, host);
  console.log(`wren serve: ${backend.description}${apiKey ? ', API key required' : ''}`);
  console.log(`listening on ${url}`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`wren serve: ${signal}: finishing requests in flight (up to ${drainSeconds} s), taking no new ones`);
      server.drain(drainSeconds * 1000).then(resolve, (err) => { console.error(`wren serve: ${(err as Error).message}`); resolve(); });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await routing?.close();
  backend.dispose();
  console.log('wren serve: stopped');
}
