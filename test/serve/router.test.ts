// Routing of chat completions end to end over loopback, through the official `openai` client, on
// the stack of _router-fixture.ts: a router folder made by `wren router train`, the small model
// (stories260K in this server) and a second real `wren serve` stack on another port standing in
// as the large model (stories260K under another name). Each request's route matches what
// `wren router score` says for the same prompt at the same threshold; the answer names the model
// that gave it (header, body, stream); streams from the large model are its own text; a large
// model that refuses connections falls back to the small one and says so; /metrics counts routes,
// fallbacks, tokens and costs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { skip, startRoutingStack } from './_router-fixture.ts';

test('model "router" sends each request to the model `router score` picks, streams it, says so, and falls back', { skip, timeout: 300_000 }, async () => {
  const { expected, threshold, url, largeUrl, deadUrl, close } = await startRoutingStack();
  try {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0 });
    const largeClient = new OpenAI({ baseURL: `${largeUrl}/v1`, apiKey: 'none', maxRetries: 0 });
    assert.ok((await client.models.list()).data.some((m) => m.id === 'router'));
    const counts = { small: 0, large: 0 };
    for (const e of expected) {
      const messages = [{ role: 'user' as const, content: e.prompt }];
      const { data, response } = await client.chat.completions.create({ model: 'router', messages, max_tokens: 8, temperature: 0 }).withResponse();
      const route = (data as unknown as { wren_route: { answered_by: string; routed_to: string; score: number; threshold: number; reason: string } }).wren_route;
      const want = e.score >= threshold ? 'large' : 'small';
      counts[want]++;
      assert.ok(Math.abs(route.score - e.score) < 1e-5, `${route.score} vs router score ${e.score}`);
      assert.equal(route.routed_to, want);
      assert.equal(route.answered_by, want);
      assert.equal(data.model, want === 'large' ? 'large-260K' : 'stories260K');
      assert.match(response.headers.get('x-wren-route') ?? '', new RegExp(`^${want}; score=[0-9.e-]+; threshold=[0-9.e-]+; policy=classifier$`));
      // the routed answer is the chosen model's own answer
      const direct = await (want === 'large' ? largeClient : client).chat.completions.create({ model: want === 'large' ? 'large-260K' : 'stories260K', messages, max_tokens: 8, temperature: 0 });
      assert.equal(data.choices[0].message.content, direct.choices[0].message.content);
    }
    assert.ok(counts.small > 0 && counts.large > 0, JSON.stringify(counts));

    // A stream to the large model (threshold 0 by name: everything goes large), joined, equals its unstreamed text.
    const hard = expected[0].prompt, messages = [{ role: 'user' as const, content: hard }];
    const { data: stream, response } = await client.chat.completions.create({ model: 'router-classifier-0', messages, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } }).withResponse();
    assert.match(response.headers.get('x-wren-route') ?? '', /^large; /);
    let text = '', routeInStream: unknown, usage;
    for await (const chunk of stream) {
      routeInStream ??= (chunk as unknown as { wren_route?: unknown }).wren_route;
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) text += ch.delta.content ?? '';
    }
    const direct = await largeClient.chat.completions.create({ model: 'large-260K', messages, max_tokens: 12, temperature: 0 });
    assert.equal(text, direct.choices[0].message.content);
    assert.deepEqual(usage, direct.usage);
    assert.equal((routeInStream as { answered_by: string }).answered_by, 'large');
    // threshold 1 by name: the small model (no score here reaches 1)
    const low = await client.chat.completions.create({ model: 'router-classifier-1', messages, max_tokens: 4 }).withResponse();
    assert.match(low.response.headers.get('x-wren-route') ?? '', /^small; /);

    // The large model refuses connections: the small one answers, and says why.
    const deadClient = new OpenAI({ baseURL: `${deadUrl}/v1`, apiKey: 'none', maxRetries: 0 });
    const t0 = performance.now();
    const fb = await deadClient.chat.completions.create({ model: 'router', messages, max_tokens: 6, temperature: 0 }).withResponse();
    const fbRoute = (fb.data as unknown as { wren_route: { routed_to: string; answered_by: string; fallback: string; reason: string } }).wren_route;
    assert.equal(fbRoute.routed_to, 'large');
    assert.equal(fbRoute.answered_by, 'small');
    assert.match(fbRoute.fallback, /request failed|ECONNREFUSED/);
    assert.match(fb.response.headers.get('x-wren-route') ?? '', /^small; .*fallback=small$/);
    assert.ok(performance.now() - t0 < 5000, 'the fallback came at once, not after a timeout');
    const fbStream = await deadClient.chat.completions.create({ model: 'router', messages, max_tokens: 6, temperature: 0, stream: true });
    let fbText = '';
    for await (const chunk of fbStream) for (const ch of chunk.choices) fbText += ch.delta.content ?? '';
    assert.equal(fbText, fb.data.choices[0].message.content);

    // Bad router model names are 400s naming the field.
    await assert.rejects(client.chat.completions.create({ model: 'router-classifier-1.5', messages }), (err: { status?: number; message: string }) => err.status === 400 && /threshold must be in \[0, 1\]/.test(err.message));
    await assert.rejects(client.chat.completions.create({ model: 'router-llm-0.5', messages }), (err: { status?: number; message: string }) => err.status === 400 && /llm needs its own router folder/.test(err.message));

    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /wren_route_requests_total\{routed_to="large",answered_by="large"\} [1-9]/);
    assert.match(metrics, /wren_route_cost_usd_total\{model="large"\} [0-9.e-]*[1-9]/);
    assert.match(metrics, /wren_router_seconds_count [1-9]/);
    const deadMetrics = await (await fetch(`${deadUrl}/metrics`)).text();
    assert.match(deadMetrics, /wren_route_fallbacks_total\{reason="connection"\} 2/);
  } finally {
    await close();
  }
});
