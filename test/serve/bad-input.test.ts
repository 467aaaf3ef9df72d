// Bad requests get the right status and OpenAI's error body, and the server keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { post, skip, startServer } from './_server.ts';

function assertError(r: { status: number; json: any }, status: number, match: RegExp, param?: string | null, code?: string) {
  assert.equal(r.status, status, JSON.stringify(r.json));
  const e = r.json.error;
  assert.ok(e && typeof e.message === 'string' && typeof e.type === 'string' && 'param' in e && 'code' in e, JSON.stringify(r.json));
  assert.match(e.message, match);
  if (param !== undefined) assert.equal(e.param, param);
  if (code !== undefined) assert.equal(e.code, code);
}

test('bad input: each the right status and an OpenAI-style body; the server keeps serving', { skip }, async () => {
  const s = await startServer({ apiKey: 'k1', bodyLimit: 4096, maxTokens: 100 });
  const auth = { authorization: 'Bearer k1' };
  const url = `${s.url}/v1/completions`;
  try {
    assertError(await post(url, '{"prompt": ', auth), 400, /not valid JSON/, null, 'invalid_json');
    assertError(await post(url, { model: 'gpt-4', prompt: 'x' }, auth), 404, /'gpt-4' does not exist; this server has stories260K/, 'model', 'model_not_found');
    assertError(await post(url, { model: '../../etc/passwd' }, auth), 404, /does not exist/, 'model');
    assertError(await post(url, { prompt: 5 }, auth), 400, /prompt: must be a string/, 'prompt');
    assertError(await post(url, { prompt: 'x', temperature: 'hot' }, auth), 400, /temperature/, 'temperature');
    assertError(await post(url, { prompt: 'x', max_tokens: 1.5 }, auth), 400, /max_tokens/, 'max_tokens');
    assertError(await post(url, { prompt: 'x', max_tokens: 0 }, auth), 400, /at least 1/, 'max_tokens');
    assertError(await post(url, { prompt: 'x', max_tokens: 1e9 }, auth), 400, /too large.*at most 100/, 'max_tokens');
    assertError(await post(url, { prompt: 'x', n: 0 }, auth), 400, /n:/, 'n');
    assertError(await post(url, { prompt: Array(600).fill(300) }, auth), 400, /context is 512 tokens and the prompt is 600/, 'prompt', 'context_length_exceeded');
    assertError(await post(url, { prompt: [70000] }, auth), 400, /outside the vocabulary/, 'prompt');
    assertError(await post(url, { prompt: 'x', echo: true }, auth), 400, /echo is not supported/, 'echo');
    assertError(await post(url, [1, 2], auth), 400, /must be a JSON object/);
    assertError(await post(`${s.url}/v1/chat/completions`, { messages: [] }, auth), 400, /messages/, 'messages');
    assertError(await post(`${s.url}/v1/chat/completions`, { messages: [{ role: 'wizard', content: 'x' }] }, auth), 400, /role/, 'messages.0.role');
    assertError(await post(`${s.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], tools: [{}] }, auth), 400, /tools/, 'tools');
    assertError(await post(url, { prompt: 'x'.repeat(5000) }, auth), 413, /over the server's limit/, null, 'body_too_large');
    assertError(await post(url, { prompt: 'x' }), 401, /no API key/, null, 'invalid_api_key');
    assertError(await post(url, { prompt: 'x' }, { authorization: 'Bearer nope' }), 401, /incorrect API key/, null, 'invalid_api_key');
    assertError(await post(`${s.url}/v1/nothing`, {}, auth), 404, /no route POST \/v1\/nothing/);
    const models = await fetch(`${s.url}/v1/models`);
    assert.equal(models.status, 401);
    assert.equal((await fetch(`${s.url}/health`)).status, 200); // health needs no key

    // Unknown fields are ignored (as llama.cpp and vLLM do), and the server still serves.
    const ok = await post(url, { prompt: 'Once', max_tokens: 3, temperature: 0, some_future_field: { a: 1 } }, auth);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.usage.completion_tokens, 3);
  } finally {
    await s.close();
  }
});
