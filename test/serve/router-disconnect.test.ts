// A client that leaves in the middle of a stream from the large model closes the upstream stream
// and frees the large model's client slot: with room for one request at a time to the large model,
// the next routed request is answered by it instead of waiting forever. The large model here is a TEST DOUBLE on
// 127.0.0.1, an OpenAI-style SSE endpoint that sends one token every 50 ms: a real `wren serve`
// on stories260K finishes its whole answer before a client can leave, so it cannot stand in for
// a slow large model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import OpenAI from 'openai';
import { createBackend } from '../../src/engine/backend.ts';
import { RandomRouter } from '../../src/router/policies/random.ts';
import { Routing } from '../../src/serve/route-chat.ts';
import { openLargeModel } from '../../src/serve/route-large.ts';
import { ServedModel } from '../../src/serve/served-model.ts';
import { WrenServer } from '../../src/serve/server.ts';
import { skip, stories, storiesTok } from './_server.ts';

test('leaving a routed stream to the large model frees its slot', { skip, timeout: 60_000 }, async () => {
  let open = 0;
  const slow = createServer((req, res) => {
    req.resume();
    open++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const tick = setInterval(() => {
      if (n++ < 40) res.write(`data: ${JSON.stringify({ model: 'slow', choices: [{ index: 0, delta: { content: ` t${n}` }, finish_reason: null }] })}\n\n`);
      else { clearInterval(tick); res.end(`data: ${JSON.stringify({ model: 'slow', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`); }
    }, 50);
    res.on('close', () => { clearInterval(tick); open--; });
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const backend = await createBackend({ threads: 1 });
  const small = ServedModel.load(stories.path, backend, { tokenizer: storiesTok.path, parallel: 2, queueLimit: 8 });
  const large = await openLargeModel(`http://127.0.0.1:${(slow.address() as { port: number }).port}/v1`, { model: 'slow', concurrency: 1 });
  const server = new WrenServer({ models: [small], routing: new Routing({ router: new RandomRouter(0), threshold: 0, small, large }) });
  const client = new OpenAI({ baseURL: `${await server.listen(0, '127.0.0.1')}/v1`, apiKey: 'none', maxRetries: 0 });
  try {
    const ac = new AbortController();
    const stream = await client.chat.completions.create({ model: 'router', messages: [{ role: 'user', content: 'Once upon a time' }], stream: true }, { signal: ac.signal });
    let chunks = 0;
    try {
      for await (const _ of stream) if (++chunks === 3) ac.abort();
    } catch (err) {
      assert.match(String(err), /abort/i);
    }
    assert.equal(chunks, 3);
    const next = (async () => {
      let text = '', model = '';
      for await (const c of await client.chat.completions.create({ model: 'router', messages: [{ role: 'user', content: 'Hi' }], stream: true })) {
        model ||= c.model;
        for (const ch of c.choices) text += ch.delta.content ?? '';
      }
      return { text, model };
    })();
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the next routed request waited: the slot was not freed')), 15_000).unref());
    const answer = await Promise.race([next, timer]);
    assert.equal(answer.model, 'slow');
    assert.equal(answer.text, Array.from({ length: 40 }, (_, i) => ` t${i + 1}`).join(''));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(open, 0, 'the upstream streams were closed');
  } finally {
    await server.drain(1000);
    slow.close();
    backend.dispose();
  }
});
