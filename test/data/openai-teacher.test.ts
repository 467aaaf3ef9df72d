// The OpenAI-compatible teacher over real HTTP on 127.0.0.1, against chat-server.ts (a test
// double speaking the chat-completions API as OpenAI, Azure OpenAI and Ollama do).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChatServer, type ChatServer } from './chat-server.ts';
import { createTeacher } from '../../src/llm/create.ts';
import { OpenAITeacher, TeacherError, retryAfterMs } from '../../src/llm/openai.ts';
import { loadRecipe } from '../../src/data/recipes/recipe.ts';
import { synthesize } from '../../src/data/synth/run.ts';
import { WrenError } from '../../src/errors.ts';

const servers: ChatServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function server(flavor: 'openai' | 'azure' | 'ollama', opts?: { key?: string; apiVersion?: string; completionTokensOnly?: boolean }): Promise<ChatServer> {
  const s = await startChatServer(flavor, opts);
  servers.push(s);
  return s;
}
const ask = { messages: [{ role: 'user' as const, content: 'The story should use the verb "jump", the noun "ball" and the adjective "red".' }], maxTokens: 50, temperature: 0.5, seed: 7 };
const fast = { backoffBaseMs: 20, timeoutMs: 2000 };

test('OpenAI form: bearer key, body fields, usage and cost accounting', async () => {
  const s = await server('openai', { key: 'sk-test' });
  const t = await createTeacher('openai:gpt-test', { ...fast, baseUrl: `${s.url}/v1`, env: { OPENAI_API_KEY: 'sk-test' }, pricePerMillionInput: 1, pricePerMillionOutput: 2 });
  const r = await t.complete(ask);
  assert.match(r.text, /jump/);
  assert.match(r.text, /red ball/);
  const body = s.seen[0].body;
  assert.equal(body.model, 'gpt-test');
  assert.equal(body.max_tokens, 50);
  assert.equal(body.temperature, 0.5);
  assert.equal(body.seed, 7);
  const st = t.stats();
  assert.equal(st.requests, 1);
  assert.equal(st.promptTokens, r.usage.promptTokens);
  assert.ok(st.completionTokens > 10);
  assert.ok(Math.abs(st.costUsd - (st.promptTokens * 1 + st.completionTokens * 2) / 1e6) < 1e-12);
});

test('Azure form: deployment URL, api-version query and api-key header', async () => {
  const s = await server('azure', { key: 'az-key', apiVersion: '2024-10-21' });
  const t = await createTeacher('azure:my-dep', { ...fast, env: { AZURE_OPENAI_ENDPOINT: s.url, AZURE_OPENAI_API_KEY: 'az-key' } });
  const r = await t.complete(ask);
  assert.match(r.text, /ball/);
  assert.equal(s.seen[0].url, '/openai/deployments/my-dep/chat/completions?api-version=2024-10-21');
  assert.equal(s.seen[0].headers['api-key'], 'az-key');
  assert.equal(s.seen[0].headers.authorization, undefined);
  // a wrong api-version is a 400 that retrying cannot fix: one request, a clear error
  const bad = await createTeacher('azure:my-dep', { ...fast, apiVersion: '1999-01-01', env: { AZURE_OPENAI_ENDPOINT: s.url, AZURE_OPENAI_API_KEY: 'az-key' } });
  const before = s.seen.length;
  await assert.rejects(bad.complete(ask), (e: Error) => e instanceof TeacherError && /HTTP 400.*Unsupported api-version/.test(e.message));
  assert.equal(s.seen.length, before + 1);
});

test('Ollama form: no key, no usage in the answer (tokens estimated), string errors', async () => {
  const s = await server('ollama');
  const host = s.url.replace('http://', '');
  const t = await createTeacher('ollama:llama3.2', { ...fast, env: { OLLAMA_HOST: host } });
  const r = await t.complete(ask);
  assert.match(r.text, /jump/);
  assert.equal(s.seen[0].headers.authorization, undefined);
  assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
  const wrong = await createTeacher('ollama:llama3.2', { ...fast, baseUrl: `${s.url}/nope`, env: {} });
  await assert.rejects(wrong.complete(ask), /HTTP 404.*404 page not found.*check the base URL/);
});

test('429 with Retry-After: waits as told, then succeeds', async () => {
  const s = await server('openai');
  s.script.push({ kind: '429', retryAfter: '1' });
  const t = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, backoffBaseMs: 1, timeoutMs: 2000 });
  const t0 = Date.now();
  const r = await t.complete(ask);
  const waited = s.seen[1].at - s.seen[0].at;
  assert.ok(waited >= 990, `second request came ${waited} ms after the 429; Retry-After said 1 s`);
  assert.ok(Date.now() - t0 < 5000);
  assert.match(r.text, /ball/);
  assert.equal(t.stats().retries, 1);
});

test('retry-after-ms, 500, malformed JSON and a timeout are all retried', async () => {
  const s = await server('openai');
  s.script.push({ kind: '429', retryAfterMs: '150' }, { kind: '500' }, { kind: 'malformed' }, { kind: 'slow', ms: 800 });
  const t = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, backoffBaseMs: 10, timeoutMs: 300, maxRetries: 5 });
  const r = await t.complete(ask);
  assert.match(r.text, /ball/);
  assert.equal(s.seen.length, 5);
  assert.ok(s.seen[1].at - s.seen[0].at >= 145, 'retry-after-ms honoured');
  assert.equal(t.stats().retries, 4);
  assert.equal(t.stats().requests, 1);
});

test('gives up after maxRetries with the last error; 401 is not retried', async () => {
  const s = await server('openai');
  s.script.push({ kind: '500' }, { kind: '500' }, { kind: '500' });
  const t = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, backoffBaseMs: 5, maxRetries: 2 });
  await assert.rejects(t.complete(ask), (e: Error) => e instanceof TeacherError && /gave up after 3 tries.*HTTP 500/.test(e.message));
  assert.equal(s.seen.length, 3);
  s.script.push({ kind: '401' });
  await assert.rejects(t.complete(ask), /HTTP 401.*check the API key/);
  assert.equal(s.seen.length, 4);
});

test('exponential backoff with jitter grows between retries', async () => {
  const s = await server('openai');
  s.script.push({ kind: '500' }, { kind: '500' }, { kind: '500' });
  const t = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, backoffBaseMs: 100, maxRetries: 3 });
  await t.complete(ask);
  const gaps = [1, 2, 3].map((i) => s.seen[i].at - s.seen[i - 1].at);
  // base·2^k with equal jitter: [50,100), [100,200), [200,400) plus request time. The upper bounds
  // only catch a runaway wait: a loaded machine (the fault campaigns run beside this file) adds
  // latency, never removes it.
  assert.ok(gaps[0] >= 48 && gaps[0] < 5000, `gap 0 = ${gaps[0]}`);
  assert.ok(gaps[1] >= 98 && gaps[1] < 5000, `gap 1 = ${gaps[1]}`);
  assert.ok(gaps[2] >= 198 && gaps[2] < 5000, `gap 2 = ${gaps[2]}`);
  assert.ok(gaps[2] > gaps[0], 'the wait grows');
});

test('concurrency bound and requests-per-minute limit', async () => {
  const s = await server('openai');
  s.latencyMs = 60;
  const t = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, limits: { concurrency: 3 } });
  await Promise.all(Array.from({ length: 12 }, () => t.complete(ask)));
  assert.equal(s.maxConcurrent, 3);
  s.latencyMs = 0;
  const limited = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, limits: { concurrency: 8, rpm: 2, windowMs: 400 } });
  const n0 = s.seen.length;
  await Promise.all(Array.from({ length: 5 }, () => limited.complete(ask)));
  const times = s.seen.slice(n0).map((r) => r.at);
  // 2 per 400 ms window: requests 3 and 5 wait for a window to pass. The limiter spaces the moments
  // it lets requests go; the server sees them later by each one's latency, so the first request's
  // (tens of ms on a loaded machine) may eat into the gap it measures.
  assert.ok(times[2] - times[0] >= 340, `third request after ${times[2] - times[0]} ms`);
  assert.ok(times[4] - times[0] >= 740, `fifth request after ${times[4] - times[0]} ms`);
  assert.ok(times[4] - times[2] >= 340, `fifth request ${times[4] - times[2]} ms after the third`);
});

test('tokens-per-minute limit holds a request until the window has room', async () => {
  const s = await server('openai');
  const t = new OpenAITeacher({ id: 'openai:x', url: `${s.url}/v1/chat/completions`, model: 'x', headers: {}, limits: { concurrency: 4, tpm: 150, windowMs: 400 } });
  // each request reserves ~30 prompt + 100 max tokens: only one fits the 150-token window at a time
  await Promise.all([t.complete({ ...ask, maxTokens: 100 }), t.complete({ ...ask, maxTokens: 100 })]);
  // The limiter lets the second go a window (400 ms) after the first; the server sees each later by
  // its own latency, and the first one's (tens of ms on a loaded machine) eats into the gap (CI's
  // AVX2 stage saw under 390). Without the limit the gap would be a few ms.
  const gap = s.seen[1].at - s.seen[0].at;
  assert.ok(gap >= 300, `second request ${gap} ms after the first`);
});

test('Retry-After parsing: seconds, HTTP date, milliseconds', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '3' }), now), 3000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
  assert.equal(retryAfterMs(new Headers({}), now), undefined);
});

test('bad teacher specs and missing keys are clear errors', async () => {
  await assert.rejects(createTeacher('claude:opus'), (e: Error) => e instanceof WrenError && /unknown teacher 'claude:opus'.*builtin, openai:MODEL/.test(e.message));
  await assert.rejects(createTeacher('openai:gpt-4o-mini', { env: {} }), /needs an API key: set OPENAI_API_KEY/);
  await assert.rejects(createTeacher('openai:', { env: { OPENAI_API_KEY: 'k' } }), /needs a model name/);
  await assert.rejects(createTeacher('azure:dep', { env: { AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' } }), /needs an API key: set AZURE_OPENAI_API_KEY/);
  await assert.rejects(createTeacher('azure:dep', { env: { AZURE_OPENAI_API_KEY: 'k' } }), /needs the Azure endpoint/);
  await assert.rejects(createTeacher('openai:m', { baseUrl: 'ftp://x', env: {} }), /not an http\(s\) URL/);
  await assert.rejects(createTeacher('gguf:/no/such/model.gguf'), /no model file at \/no\/such\/model.gguf/);
});

test('a synth run through the HTTP teacher: stories, a retried story that missed its adjective, textbook', async () => {
  const s = await server('openai', { key: 'k' });
  s.script.push({ kind: 'missing-word' }, { kind: '500' });
  const dir = mkdtempSync(join(tmpdir(), 'wren-synth-http-'));
  const teacher = await createTeacher('openai:gpt-test', { ...fast, baseUrl: `${s.url}/v1`, env: { OPENAI_API_KEY: 'k' } });
  const out = join(dir, 'stories.jsonl');
  const rep = await synthesize({ recipe: loadRecipe('stories'), teacher, count: 20, out, seed: 3, concurrency: 4 });
  assert.equal(rep.records, 20);
  assert.equal(rep.retries, 1, 'the story without its adjective was asked for again');
  const recs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(new Set(recs.map((r) => r.index)).size, 20);
  for (const r of recs) {
    assert.equal(r.teacher, 'openai:gpt-test');
    assert.ok(r.text.includes(r.seeds.noun) && r.prompt.includes(`"${r.seeds.verb}"`));
    assert.ok(r.usage.prompt_tokens > 0);
  }
  const tb = join(dir, 'textbook.jsonl');
  const rep2 = await synthesize({ recipe: loadRecipe('textbook'), teacher, count: 4, out: tb, seed: 1, concurrency: 2 });
  assert.equal(rep2.records, 4);
  const t0 = JSON.parse(readFileSync(tb, 'utf8').split('\n')[0]);
  assert.ok(['code', 'general'].includes(t0.seeds.domain) && t0.seeds.topic && t0.seeds.audience && t0.seeds.style);
  assert.match(t0.prompt, /## Exercises/);
  // instruct through an LLM: story, then a second request for the summary
  const ins = join(dir, 'instruct.jsonl');
  const n0 = s.seen.length;
  await synthesize({ recipe: loadRecipe('instruct'), teacher, count: 3, out: ins, seed: 1 });
  assert.equal(s.seen.length - n0, 6);
  const i0 = JSON.parse(readFileSync(ins, 'utf8').split('\n')[0]);
  assert.match(i0.text, /^Features: .*\nWords: .*\nSummary: A child finds something and shares it with a friend\.\n(Random sentence: .*\n)?Story:\n\n/);
});

test('a model that refuses max_tokens gets max_completion_tokens from then on', async () => {
  const s = await server('openai', { completionTokensOnly: true });
  const t = new OpenAITeacher({ id: 'openai:o-test', url: `${s.url}/v1/chat/completions`, model: 'o-test', headers: {}, backoffBaseMs: 5 });
  const r = await t.complete(ask);
  assert.match(r.text, /ball/);
  assert.equal(s.seen.length, 2);
  assert.equal(s.seen[1].body.max_completion_tokens, 50);
  await t.complete(ask);
  assert.equal(s.seen.length, 3, 'the second request goes straight to the right field');
  assert.equal(t.stats().failures, 0);
});
