// TEST DOUBLE: a small HTTP server on 127.0.0.1 that answers chat-completions requests the way an
// LLM judge (and a large model) behind an OpenAI-compatible API would, because a paid API cannot
// run in the tests. It is not a model: by default it grades every GPT-Eval prompt
// "Grammar: 8/10, Creativity: 6/10, Consistency: 7/10, Plot: 5/10, Age group: B (4-5)", fills a task
// rubric's answer line with 7, 6, 8, 9 (in the order the prompt names the criteria), answers a
// correction request with the line alone, and answers anything else (a large-model request) with
// a fixed support-style reply. `reply` overrides it per request; it counts every request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type DoubleMessage = { role: string; content: string };
/** A reply text, or an HTTP error status to answer with. */
export type DoubleReply = string | { status: number };

export type JudgeDouble = {
  url: string;                 // base URL: POST {url}/chat/completions
  requests: number;
  seen: DoubleMessage[][];
  reply: (messages: DoubleMessage[], n: number) => DoubleReply;
  close(): Promise<void>;
};

export const TASK_SCORES = [7, 6, 8, 9];
export const STORY_LINE = 'Grammar: 8/10, Creativity: 6/10, Consistency: 7/10, Plot: 5/10, Age group: B (4-5)';
export const LARGE_ANSWER = 'I understand you need help with {{Order Number}}. Please visit {{Website URL}} and our team will assist you.';

const ASKED_LINE = /([A-Z][a-z]+: X\/10(?:, [A-Z][a-z]+: X\/10)*(?:, Age group: L)?)\s*$/;
const fill = (line: string) => { let i = 0; return line.replace(/X\/10/g, () => `${TASK_SCORES[i++ % TASK_SCORES.length]}/10`); };

export function defaultReply(messages: DoubleMessage[]): string {
  const last = messages[messages.length - 1]?.content ?? '';
  const asked = ASKED_LINE.exec(last)?.[1];
  const story = asked?.startsWith('Grammar') ?? false;
  if (last.startsWith('I could not read your grades') && asked) return story ? STORY_LINE : fill(asked);
  if (asked && story) return `The completion is simple and mostly grammatical.\n${STORY_LINE}`;
  if (asked) return `The answer addresses the request.\n${fill(asked)}`;
  return LARGE_ANSWER;
}

export async function startJudgeDouble(): Promise<JudgeDouble> {
  const state: JudgeDouble = { url: '', requests: 0, seen: [], reply: (m) => defaultReply(m), close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const n = state.requests++;
    let body: { model?: string; messages?: DoubleMessage[] } = {};
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* answered below as a 400 */ }
    const messages = body.messages ?? [];
    state.seen.push(messages);
    const r = req.url === '/v1/chat/completions' && messages.length ? state.reply(messages, n) : { status: 400 };
    if (typeof r !== 'string') {
      res.writeHead(r.status, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: `test double: HTTP ${r.status}`, type: 'test_double' } }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: 'chatcmpl-judge-double', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model ?? 'judge-double',
      choices: [{ index: 0, message: { role: 'assistant', content: r }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return state;
}
