// TEST DOUBLE: a small local HTTP server that speaks the chat-completions API the way OpenAI,
// Azure OpenAI and Ollama do, for testing the OpenAI-compatible teacher over real HTTP on
// 127.0.0.1. It is not a model: it answers from a script of behaviours, and by default writes a
// short story that uses the verb, noun and adjective quoted in the TinyStories prompt.
//   OpenAI:  POST /v1/chat/completions, "Authorization: Bearer KEY", errors {"error": {"message"}}
//   Azure:   POST /openai/deployments/DEP/chat/completions?api-version=V, "api-key: KEY"
//   Ollama:  POST /v1/chat/completions without a key; errors {"error": "text"}; no usage on request
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Flavor = 'openai' | 'azure' | 'ollama';
/** What the server does with one request (taken from the script in order; then `ok`). */
export type Behaviour =
  | { kind: 'ok' }
  | { kind: '429'; retryAfter?: string; retryAfterMs?: string }
  | { kind: '500' }
  | { kind: '401' }
  | { kind: 'slow'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'missing-word' };

export type SeenRequest = { url: string; headers: IncomingMessage['headers']; body: Record<string, unknown>; at: number };

export type ChatServer = {
  url: string;
  seen: SeenRequest[];
  script: Behaviour[];
  maxConcurrent: number;
  /** delay added to every ok answer (ms) */
  latencyMs: number;
  close(): Promise<void>;
};

function storyFor(prompt: string, omitAdjective: boolean): string {
  const verb = /the verb "([^"]+)"/.exec(prompt)?.[1] ?? 'play';
  const noun = /the noun "([^"]+)"/.exec(prompt)?.[1] ?? 'ball';
  const adj = /the adjective "([^"]+)"/.exec(prompt)?.[1] ?? 'happy';
  if (/Summarize/.test(prompt)) return 'A child finds something and shares it with a friend.';
  if (/textbook/.test(prompt)) return `# ${/about "([^"]+)"/.exec(prompt)?.[1] ?? 'A section'} for ${/" for ([^,]+),/.exec(prompt)?.[1] ?? 'you'}\n\nStep 1: start from what you know.\n\n## Exercises\n\n1. Try it.\n\nSolution: like this.\n${'More explanation. '.repeat(30)}`;
  return `Once upon a time, a girl wanted to ${verb}. She found a ${omitAdjective ? '' : adj + ' '}${noun} in the park.\n"Look!" she said. She was happy.`;
}

export async function startChatServer(flavor: Flavor, opts: { key?: string; apiVersion?: string; completionTokensOnly?: boolean } = {}): Promise<ChatServer> {
  let active = 0;
  const state: ChatServer = { url: '', seen: [], script: [], maxConcurrent: 0, latencyMs: 0, close: async () => {} };

  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void => {
    const body = flavor === 'ollama' ? { error: message } : { error: { message, type: 'test_double', code: String(status) } };
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return error(res, 400, 'request body is not JSON');
    }
    state.seen.push({ url: req.url ?? '', headers: req.headers, body, at: Date.now() });
    // routing and auth as each service does it
    if (flavor === 'azure') {
      if (!/^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(url.pathname)) return error(res, 404, 'Resource not found');
      if (url.searchParams.get('api-version') !== (opts.apiVersion ?? '2024-10-21')) return error(res, 400, 'Unsupported api-version');
      if (opts.key && req.headers['api-key'] !== opts.key) return error(res, 401, 'Access denied due to invalid subscription key');
    } else {
      if (url.pathname !== '/v1/chat/completions') return error(res, 404, flavor === 'ollama' ? '404 page not found' : 'Not found');
      if (opts.key && req.headers.authorization !== `Bearer ${opts.key}`) return error(res, 401, 'Incorrect API key provided');
    }
    // like OpenAI's reasoning models: max_tokens is refused, max_completion_tokens is required
    if (opts.completionTokensOnly && 'max_tokens' in body) {
      return error(res, 400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
    }
    const b = state.script.shift() ?? { kind: 'ok' };
    switch (b.kind) {
      case '429': {
        const h: Record<string, string> = {};
        if (b.retryAfter !== undefined) h['retry-after'] = b.retryAfter;
        if (b.retryAfterMs !== undefined) h['retry-after-ms'] = b.retryAfterMs;
        return error(res, 429, 'Rate limit reached', h);
      }
      case '500':
        return error(res, 500, 'The server had an error while processing your request');
      case '401':
        return error(res, 401, 'Incorrect API key provided');
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"choices": [{"message": {"content": "Once upon a ti');
      case 'slow':
        await new Promise((r) => setTimeout(r, b.ms));
        break;
      default:
        break;
    }
    if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
    const messages = (body.messages as { content: string }[]) ?? [];
    const prompt = messages.map((m) => m.content).join('\n');
    const content = storyFor(prompt, b.kind === 'missing-word');
    const answer: Record<string, unknown> = {
      id: 'chatcmpl-test', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model ?? 'deployment-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    };
    if (flavor !== 'ollama') answer.usage = { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 };
    if (flavor === 'azure') answer.prompt_filter_results = [{ prompt_index: 0, content_filter_results: {} }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  };

  const server: Server = createServer((req, res) => {
    active++;
    state.maxConcurrent = Math.max(state.maxConcurrent, active);
    res.on('close', () => active--);
    handle(req, res).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return state;
}
