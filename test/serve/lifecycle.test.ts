// Slots, the queue, disconnects, metrics and shutdown, over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repoRoot } from '../_helpers.ts';
import { createBackend } from '../../src/engine/backend.ts';
import { ServedModel } from '../../src/serve/served-model.ts';
import { WrenServer } from '../../src/serve/server.ts';
import { post, skip, sse, stories, storiesTok, startServer } from './_server.ts';

const long = { model: 'stories260K', prompt: '', max_tokens: 400, temperature: 1, seed: 3, stream: true };

/** Open a stream and wait for its first chunk; returns the response and an abort handle. */
async function openStream(url: string, body: object): Promise<{ res: Response; abort: AbortController; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: abort.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  await reader.read();
  return { res, abort, reader };
}

test('a full queue answers 429 with Retry-After; a client that leaves frees its slot at once', { skip }, async () => {
  const s = await startServer({ parallel: 1, queue: 0 });
  try {
    const first = await openStream(s.url, long);
    const busy = await post(`${s.url}/v1/completions`, { prompt: 'x', max_tokens: 2 });
    assert.equal(busy.status, 429);
    assert.equal(busy.json.error.type, 'rate_limit_error');
    assert.ok(Number(busy.headers.get('retry-after')) >= 1);

    first.abort.abort(); // disconnect mid-stream
    const t0 = Date.now();
    while (s.model.scheduler.activeCount > 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    assert.equal(s.model.scheduler.activeCount, 0, 'the slot was not freed after the client left');
    const next = await post(`${s.url}/v1/completions`, { prompt: 'x', max_tokens: 2 });
    assert.equal(next.status, 200);

    // Metrics: Prometheus text with the named series.
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    for (const name of ['wren_requests_total', 'wren_completion_tokens_total', 'wren_prompt_tokens_total', 'wren_queue_depth', 'wren_time_to_first_token_seconds_bucket', 'wren_decode_tokens_per_second', 'wren_process_resident_memory_bytes']) {
      assert.match(metrics, new RegExp(`^${name}`, 'm'), `${name} missing from /metrics`);
    }
    assert.match(metrics, /^wren_requests_total\{route="\/v1\/completions",status="429"\} 1$/m);
    const health = await (await fetch(`${s.url}/health`)).json();
    assert.deepEqual(health, { status: 'ok', models: ['stories260K'] });
  } finally {
    await s.close();
  }
});

test('SIGTERM: wren serve finishes the request in flight, takes no new one, exits 0', { skip }, async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/wren.js'), 'serve', '--model', `tiny=${stories.path}`, '--tokenizer', storiesTok.path, '--port', '0', '--parallel', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => { const m = /^listening on (\S+)/.exec(l); if (m) resolve(m[1]); });
    child.on('exit', () => reject(new Error(`wren serve exited early: ${stderr}`)));
  });
  const res = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...long, model: 'tiny', max_tokens: 400 }) });
  const body = sse(res);
  await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  const events = await body;
  assert.equal(events.at(-1), '[DONE]');
  const last = JSON.parse(events.at(-2)!);
  assert.ok(['length', 'stop'].includes(last.choices[0].finish_reason), events.at(-2));
  assert.equal(await exited, 0, stderr);
  await assert.rejects(fetch(`${url}/health`)); // nothing listens any more
});

test('several models at once: each request is answered by the model it names', { skip }, async () => {
  const backend = await createBackend({ threads: 2 });
  const load = (name: string) => ServedModel.load(stories.path, backend, { name, tokenizer: storiesTok.path, parallel: 2, queueLimit: 4 });
  const server = new WrenServer({ models: [load('a'), load('b')] });
  const url = await server.listen(0, '127.0.0.1');
  try {
    const list = await (await fetch(`${url}/v1/models`)).json();
    assert.deepEqual(list.data.map((m: { id: string }) => m.id), ['a', 'b']);
    const r = await post(`${url}/v1/completions`, { model: 'b', prompt: '', max_tokens: 4, temperature: 0 });
    assert.equal(r.status, 200);
    assert.equal(r.json.model, 'b');
    const missing = await post(`${url}/v1/completions`, { prompt: '', max_tokens: 4 });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error.message, /model is required: this server has a, b/);
    assert.throws(() => new WrenServer({ models: [load('a'), load('a')] }), /two models have the same name/);
  } finally {
    await server.drain(1000);
    backend.dispose();
  }
});
