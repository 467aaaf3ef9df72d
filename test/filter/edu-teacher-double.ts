// TEST DOUBLE: a tiny stand-in for an LLM annotator on 127.0.0.1, speaking the chat-completions
// API. It "scores" an extract by counting the word "learn" in it (capped at 5) and answers in
// FineWeb-Edu's format; a document containing NOSCORE gets a reply without a score. It counts
// requests, so tests can check that resumed runs do not ask again, and how many overlap.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type EduDouble = { baseUrl: string; requests: number; inFlight: number; maxInFlight: number; close(): void };

export async function startEduDouble(latencyMs = 10): Promise<EduDouble> {
  const d: EduDouble = { baseUrl: '', requests: 0, inFlight: 0, maxInFlight: 0, close: () => {} };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    d.inFlight++;
    d.maxInFlight = Math.max(d.maxInFlight, d.inFlight);
    req.on('end', async () => {
      await new Promise((r) => setTimeout(r, latencyMs)); // a little latency, so overlapping requests show
      d.inFlight--;
      d.requests++;
      const prompt: string = JSON.parse(body).messages[0].content;
      const extract = prompt.slice(prompt.indexOf('The extract:'), prompt.indexOf('After examining'));
      const n = Math.min(5, (extract.match(/\blearn\b/g) ?? []).length);
      const content = extract.includes('NOSCORE') ? 'I cannot judge this extract.' : `The extract mentions learning ${n} times.\nEducational score: ${n}`;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 12 }, model: 'double' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  d.baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1`;
  d.close = () => {
    server.closeAllConnections();
    server.close();
  };
  return d;
}

/** `n` JSONL documents about the water cycle; document i says "learn" i % 6 times, d3 asks for no score. */
export function eduCorpus(dir: string, n: number): string {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
    id: `d${i}`,
    text: `Document ${i} about the water cycle and how rain forms over the sea and the land. ${'We learn this. '.repeat(i % 6)}${i === 3 ? 'NOSCORE' : ''}`,
  }));
  const p = join(dir, 'docs.jsonl');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}
