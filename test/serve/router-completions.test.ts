// Routing of text completions (POST /v1/completions) end to end over loopback, through the
// official `openai` client, on the stack of _router-fixture.ts (a trained router folder, the small
// model, a second real `wren serve` as the large model). Each prompt's route matches what
// `wren router score` says at the same threshold; the answer is the chosen model's own (the small
// model's text completion; the large model's chat answer to the prompt as one user message, as
// docs/routing.md says); streams join to the same text and carry the route in their first chunk;
// a large model that refuses connections falls back to the small one; requests a router cannot
// route are 400s naming the field; /metrics counts routes, fallbacks and tokens exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { skip, startRoutingStack } from './_router-fixture.ts';

type Route = { routed_to: string; answered_by: string; model: string; score: number; threshold: number; reason: string; fallback?: string };
const routeOf = (x: unknown) => (x as { wren_route?: Route }).wren_route;

async function joined(stream: AsyncIterable<OpenAI.Completions.Completion>) {
  let text = '', route: Route | undefined, usage: OpenAI.Completions.CompletionUsage | undefined, finish: string | undefined, chunks = 0;
  for await (const chunk of stream) {
    if (chunks++ === 0) route = routeOf(chunk);
    else assert.equal(routeOf(chunk), undefined, 'the route is in the first chunk only');
    assert.equal(chunk.object, 'text_completion');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) { text += c.text; finish = c.finish_reason ?? finish; }
  }
  return { text, route, usage, finish };
}

test('model "router" on /v1/completions routes as `router score` says, streams, says so, falls back, and is counted', { skip, timeout: 300_000 }, async () => {
  const { expected, threshold, url, largeUrl, deadUrl, close } = await startRoutingStack();
  try {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0 });
    const largeClient = new OpenAI({ baseURL: `${largeUrl}/v1`, apiKey: 'none', maxRetries: 0 });
    const counts = { small: 0, large: 0 }, tokens = { small: 0, large: 0 };
    for (const e of expected) {
      const { data, response } = await client.completions.create({ model: 'router', prompt: e.prompt, max_tokens: 8, temperature: 0 }).withResponse();
      const route = routeOf(data)!, want = e.score >= threshold ? 'large' : 'small';
      counts[want]++;
      tokens[want] += data.usage!.total_tokens;
      assert.ok(Math.abs(route.score - e.score) < 1e-5, `${route.score} vs router score ${e.score}`);
      assert.deepEqual([route.routed_to, route.answered_by, route.fallback], [want, want, undefined]);
      assert.equal(data.object, 'text_completion');
      assert.match(data.id, /^cmpl-/);
      assert.equal(data.model, want === 'large' ? 'large-260K' : 'stories260K');
      assert.match(response.headers.get('x-wren-route') ?? '', new RegExp(`^${want}; score=[0-9.e-]+; threshold=[0-9.e-]+; policy=classifier$`));
      // the routed answer is the chosen model's own answer
      const text = data.choices[0].text;
      if (want === 'small') {
        const direct = await client.completions.create({ model: 'stories260K', prompt: e.prompt, max_tokens: 8, temperature: 0 });
        assert.equal(text, direct.choices[0].text);
        assert.deepEqual(data.usage, direct.usage);
      } else {
        const direct = await largeClient.chat.completions.create({ model: 'large-260K', messages: [{ role: 'user', content: e.prompt }], max_tokens: 8, temperature: 0 });
        assert.equal(text, direct.choices[0].message.content);
        assert.deepEqual(data.usage, direct.usage);
      }
    }
    assert.ok(counts.small > 0 && counts.large > 0, JSON.stringify(counts));

    // Streams: threshold 0 by name sends everything to the large model, 1 to the small one.
    const prompt = expected[0].prompt;
    const { data: toLarge, response } = await client.completions.create({ model: 'router-classifier-0', prompt, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } }).withResponse();
    assert.match(response.headers.get('x-wren-route') ?? '', /^large; /);
    const large = await joined(toLarge);
    const direct = await largeClient.chat.completions.create({ model: 'large-260K', messages: [{ role: 'user', content: prompt }], max_tokens: 12, temperature: 0 });
    assert.equal(large.text, direct.choices[0].message.content);
    assert.deepEqual(large.usage, direct.usage);
    assert.equal(large.finish, direct.choices[0].finish_reason);
    assert.equal(large.route?.answered_by, 'large');
    tokens.large += large.usage!.total_tokens;
    const toSmall = await client.completions.create({ model: 'router-classifier-1', prompt, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true } });
    const small = await joined(toSmall);
    const smallDirect = await client.completions.create({ model: 'stories260K', prompt, max_tokens: 12, temperature: 0 });
    assert.equal(small.text, smallDirect.choices[0].text);
    assert.deepEqual(small.usage, smallDirect.usage);
    assert.equal(small.route?.answered_by, 'small');
    tokens.small += small.usage!.total_tokens;

    // The large model refuses connections: the small one answers, streamed or not, and says why.
    const deadClient = new OpenAI({ baseURL: `${deadUrl}/v1`, apiKey: 'none', maxRetries: 0 });
    const t0 = performance.now();
    const fb = await deadClient.completions.create({ model: 'router', prompt, max_tokens: 6, temperature: 0 }).withResponse();
    const fbRoute = routeOf(fb.data)!;
    assert.deepEqual([fbRoute.routed_to, fbRoute.answered_by], ['large', 'small']);
    assert.match(fbRoute.fallback!, /request failed|ECONNREFUSED/);
    assert.match(fb.response.headers.get('x-wren-route') ?? '', /^small; .*fallback=small$/);
    assert.ok(performance.now() - t0 < 5000, 'the fallback came at once, not after a timeout');
    const fbStream = await joined(await deadClient.completions.create({ model: 'router', prompt, max_tokens: 6, temperature: 0, stream: true }));
    assert.equal(fbStream.text, fb.data.choices[0].text);
    assert.equal(fbStream.route?.fallback, fbRoute.fallback);

    // What a router cannot route is a 400 naming the field.
    const bad = async (body: object, param: string, message: RegExp) => assert.rejects(
      client.completions.create({ model: 'router', max_tokens: 4, ...body } as OpenAI.Completions.CompletionCreateParamsNonStreaming),
      (err: { status?: number; message: string; param?: string }) => err.status === 400 && err.param === param && message.test(err.message));
    await bad({ prompt: [1, 2, 3] }, 'prompt', /one string/);
    await bad({ prompt: ['a', 'b'] }, 'prompt', /one string/);
    await bad({ prompt, n: 2 }, 'n', /n must be 1/);
    await bad({ prompt, logprobs: 1 }, 'logprobs', /not available/);
    await bad({ prompt, echo: true }, 'echo', /echo is not supported/);
    await bad({ prompt, model: 'router-classifier-2' }, 'model', /threshold must be in \[0, 1\]/);

    // /metrics: every routed completion counted once, by who answered, with its tokens and cost.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(metrics)?.[1]);
    assert.equal(value(/wren_route_requests_total\{routed_to="large",answered_by="large"\} (\S+)/), counts.large + 1);
    assert.equal(value(/wren_route_requests_total\{routed_to="small",answered_by="small"\} (\S+)/), counts.small + 1);
    assert.equal(value(/wren_route_tokens_total\{model="large"\} (\S+)/), tokens.large);
    assert.equal(value(/wren_route_tokens_total\{model="small"\} (\S+)/), tokens.small);
    assert.ok(Math.abs(value(/wren_route_cost_usd_total\{model="large"\} (\S+)/) - tokens.large * 10 / 1e6) < 1e-12);
    assert.equal(value(/wren_router_seconds_count (\S+)/), expected.length + 2); // the bad requests are refused before scoring
    const deadMetrics = await (await fetch(`${deadUrl}/metrics`)).text();
    assert.match(deadMetrics, /wren_route_fallbacks_total\{reason="connection"\} 2/);
    assert.match(deadMetrics, /wren_route_requests_total\{routed_to="large",answered_by="small"\} 2/);
  } finally {
    await close();
  }
});
