// Bad input to the router commands and to routing in the server: a folder of another kind, a
// threshold outside [0, 1], broken routing tables, a large model that refuses connections or
// never answers. Each gets a clear error naming what is wrong, or a fallback the answer reports;
// nothing hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createBackend } from '../../src/engine/backend.ts';
import { loadRouter } from '../../src/router/load.ts';
import { RandomRouter } from '../../src/router/policies/random.ts';
import { readRoutingData } from '../../src/router/routing-data.ts';
import { Routing } from '../../src/serve/route-chat.ts';
import { openLargeModel } from '../../src/serve/route-large.ts';
import { loadRouting, parseCosts } from '../../src/serve/route-load.ts';
import { ServedModel } from '../../src/serve/served-model.ts';
import { WrenServer } from '../../src/serve/server.ts';
import { runCli, scratchDir } from '../_helpers.ts';
import { skip as noStories, stories, storiesTok } from '../serve/_server.ts';

function routerFolder(manifest: object): string {
  const dir = scratchDir('wren-bad-router-');
  writeFileSync(join(dir, 'router.json'), JSON.stringify(manifest));
  return dir;
}

test('a folder of another kind, or a broken router.json, is named as such', async () => {
  const clf = scratchDir('wren-not-router-');
  writeFileSync(join(clf, 'text-classifier.json'), '{}');
  await assert.rejects(loadRouter(clf), /no router\.json; not a Wren router folder \(it is a Wren text classifier folder\)/);
  const model = scratchDir('wren-not-router-');
  writeFileSync(join(model, 'config.json'), '{}');
  await assert.rejects(loadRouter(model), /\(it looks like a model folder\)/);
  await assert.rejects(loadRouter(join(model, 'nowhere')), /no such folder/);
  await assert.rejects(loadRouter(routerFolder({ format: 'wren-router', version: 1, policy: 'random', threshold: 1.5 })), /'threshold': the threshold must be a number in \[0, 1\], got 1\.5/);
  await assert.rejects(loadRouter(routerFolder({ format: 'wren-router', version: 1, policy: 'magic', threshold: 0.5 })), /'policy' must be one of classifier, linear, heuristic, random, llm/);
  await assert.rejects(loadRouter(routerFolder({ format: 'wren-edu-classifier', version: 1 })), /'format' is "wren-edu-classifier", expected 'wren-router'/);
  await assert.rejects(loadRouter(routerFolder({ format: 'wren-router', version: 1, policy: 'classifier', threshold: 0.5 })), /no text-classifier\.json/);
  const r = runCli(['router', 'score', '--router', clf, '--in', join(clf, 'text-classifier.json'), '--out', join(clf, 'out.jsonl')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a Wren router folder/);
});

test('thresholds and shares outside [0, 1], and routing flags without their partners, are refused', async () => {
  const dir = routerFolder({ format: 'wren-router', version: 1, policy: 'heuristic', threshold: 0.5 });
  writeFileSync(join(dir, 'p.txt'), 'one\ntwo\n');
  const c = runCli(['router', 'calibrate', '--router', dir, '--prompts', join(dir, 'p.txt'), '--strong-share', '1.5']);
  assert.equal(c.status, 2);
  assert.match(c.stderr, /--strong-share must be a number in \[0, 1\], got '1\.5'/);
  await assert.rejects(loadRouting({ router: dir }, undefined), /routing needs --small DIR, --large openai:MODEL\|URL and --router DIR together \(got only --router\)/);
  await assert.rejects(loadRouting({ threshold: '0.3' }, undefined), /routing flags: add --small, --large and --router/);
  assert.throws(() => parseCosts('small=1,big=2'), /--cost: expected small=PRICE,large=PRICE/);
  assert.deepEqual(parseCosts('small=0.1, large=10'), { small: 0.1, large: 10 });
  const s = runCli(['serve', '--small', stories.path, '--tokenizer', storiesTok.path, '--large', 'http://127.0.0.1:9/v1', '--router', dir, '--threshold', '2', '--port', '0'], { timeoutMs: 60_000 });
  if (!noStories) {
    assert.equal(s.status, 2, s.stdout + s.stderr);
    assert.match(s.stderr, /--threshold: the threshold must be a number in \[0, 1\], got 2/);
  }
  const l = runCli(['serve', '--small', stories.path, '--tokenizer', storiesTok.path, '--large', 'gpt-4o', '--router', dir, '--port', '0'], { timeoutMs: 60_000 });
  if (!noStories) assert.match(l.stderr, /--large must be openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or an http\(s\) URL/);
});

test('routing tables: missing columns and bad rows name the file and line', () => {
  const dir = scratchDir('wren-bad-table-');
  writeFileSync(join(dir, 'a.csv'), 'prompt,weak,strong\n"q",True,False\n');
  assert.throws(() => readRoutingData([join(dir, 'a.csv')]), /a\.csv:1: the header has no column 'mistralai\/Mixtral-8x7B-Instruct-v0\.1', 'gpt-4-1106-preview'.*--weak-model/);
  assert.equal(readRoutingData([join(dir, 'a.csv')], { weak: 'weak', strong: 'strong' })[0].weak, true);
  writeFileSync(join(dir, 'b.csv'), 'prompt,weak,strong\n"q\nstill q",True,maybe\n');
  assert.throws(() => readRoutingData([join(dir, 'b.csv')], { weak: 'weak', strong: 'strong' }), /b\.csv:2: column 'strong' must be True or False, got "maybe"/);
  writeFileSync(join(dir, 'c.jsonl'), '{"prompt":"x","weak":true,"strong":false}\n{"prompt":"y","weak":"yes"}\n');
  assert.throws(() => readRoutingData([join(dir, 'c.jsonl')]), /c\.jsonl:2: expected \{"prompt": string, "weak": boolean, "strong": boolean\}/);
  mkdirSync(join(dir, 'empty'));
  assert.throws(() => readRoutingData([join(dir, 'empty')]), /no \.csv or \.jsonl routing tables/);
  const out = join(dir, 'r');
  assert.equal(runCli(['router', 'train', '--policy', 'random', '--out', out]).status, 0);
  const again = runCli(['router', 'train', '--policy', 'random', '--out', out]);
  assert.match(again.stderr, /already holds a router; pass --force to replace it/);
});

test('a large model that refuses connections or never answers: fallback reported, or 502 without fallback; never a hang', { skip: noStories, timeout: 60_000 }, async () => {
  const silent = createTcpServer((sock) => { held.push(sock); }); // accepts, never answers
  const held: Socket[] = [];
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/v1`;
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closedPort = (probe.address() as { port: number }).port; // bound, then closed: refuses connections
  await new Promise<void>((r) => probe.close(() => r()));
  const backend = await createBackend({ threads: 1 });
  const small = ServedModel.load(stories.path, backend, { tokenizer: storiesTok.path, parallel: 2, queueLimit: 8 });
  const always = new RandomRouter(0); // threshold 0: every request goes to the large model
  const strict = new WrenServer({ models: [small], routing: new Routing({ router: always, threshold: 0, small, large: await openLargeModel(`http://127.0.0.1:${closedPort}/v1`), fallback: false }) });
  const slow = new WrenServer({ models: [small], routing: new Routing({ router: always, threshold: 0, small, large: await openLargeModel(silentUrl, { timeoutMs: 400 }) }) });
  try {
    const strictClient = new OpenAI({ baseURL: `${await strict.listen(0, '127.0.0.1')}/v1`, apiKey: 'none', maxRetries: 0 });
    await assert.rejects(strictClient.chat.completions.create({ model: 'router', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
      (err: { status?: number; message: string }) => err.status === 502 && /the large model failed and fallback is off: .*ECONNREFUSED/.test(err.message));
    const slowClient = new OpenAI({ baseURL: `${await slow.listen(0, '127.0.0.1')}/v1`, apiKey: 'none', maxRetries: 0 });
    const t0 = performance.now();
    const { data, response } = await slowClient.chat.completions.create({ model: 'router', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }).withResponse();
    assert.ok(performance.now() - t0 < 10_000);
    assert.match((data as unknown as { wren_route: { fallback: string } }).wren_route.fallback, /no answer within 400 ms/);
    assert.match(response.headers.get('x-wren-route') ?? '', /fallback=small/);
  } finally {
    await strict.drain(500);
    await slow.drain(500);
    for (const s of held) s.destroy();
    silent.close();
    backend.dispose();
  }
});
