// The llm policy (RouteLLM's difficulty prompt, asked through the shared OpenAI-compatible
// client) against a TEST DOUBLE on 127.0.0.1: a paid judge model cannot run here, so the double
// answers as a recorded one would. Its records are the Arena-Hard ratings of real Chatbot Arena
// prompts in ../shared/data/router/arena_hard_1k_proto/rated_question.jsonl (`mean_score`,
// 0–10 from the judges claude-2 and gpt-3.5-turbo, lower is harder); the double turns a record
// into RouteLLM's 1–5 answer as "[[1 + round(mean_score · 0.4)]]", and answers prompts it has no
// record of with prose and no rating. What is tested is the real path: the router folder's
// client spec (openai:MODEL at a --base-url) → the OpenAI client's HTTP, RouteLLM's prompt on the
// wire, the parsed rating → score, concurrency bounded by the client, the cache in the router
// folder (a second run asks nothing), and the arena battles as a routing table for eval. The
// APGR figure is reported, not asserted: it measures the recorded judges, not Wren.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { evaluateRouter } from '../../src/router/evaluate.ts';
import { loadRouter } from '../../src/router/load.ts';
import { parseRating, ratingScore, ROUTELLM_CLASSIFIER_PROMPT, ROUTELLM_SYSTEM_PROMPT } from '../../src/router/policies/llm.ts';
import { readRoutingData } from '../../src/router/routing-data.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';

const rated = sharedFile('router/arena_hard_1k_proto/rated_question.jsonl');
const system = sharedFile('router/routellm/causal_llm_prompts/system_ft_v5.txt');
const classifier = sharedFile('router/routellm/causal_llm_prompts/classifier_ft_v5.txt');

test('the embedded prompts are RouteLLM\'s files', { skip: system.skip || classifier.skip }, () => {
  assert.equal(ROUTELLM_SYSTEM_PROMPT, readFileSync(system.path, 'utf8'));
  assert.equal(ROUTELLM_CLASSIFIER_PROMPT, readFileSync(classifier.path, 'utf8'));
});

test('ratings parse as RouteLLM reads them; no rating routes to the strong model', () => {
  assert.equal(parseRating('I predict [[4]].'), 4);
  assert.equal(parseRating('[[7]] then [[2]]'), 2);
  assert.equal(parseRating('about a four'), undefined);
  assert.deepEqual([1, 2, 3, 4, 5].map(ratingScore), [1, 0.75, 0.5, 0.25, 0]);
  assert.equal(ratingScore(undefined), 1);
});

async function body(req: IncomingMessage): Promise<any> {
  let s = '';
  for await (const c of req) s += c;
  return JSON.parse(s);
}

test('llm router through the OpenAI client against a recorded-judge double: prompt, ratings, concurrency, cache, eval', { skip: rated.skip, timeout: 120_000 }, async (t) => {
  const records = new Map<string, number>();
  for (const l of readFileSync(rated.path, 'utf8').split('\n')) if (l.trim()) { const o = JSON.parse(l); records.set(o.turns[0], o.mean_score); }
  let inFlight = 0, maxInFlight = 0, requests = 0;
  const seenModels = new Set<string>();
  const double = createServer(async (req, res) => {
    inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); requests++;
    const b = await body(req);
    seenModels.add(b.model);
    assert.equal(b.messages[0].role, 'system');
    assert.equal(b.messages[0].content, ROUTELLM_SYSTEM_PROMPT);
    const m = /^\[Question\]\n([\s\S]*)\n\nPrediction:\n$/.exec(b.messages[1].content);
    const score = m ? records.get(m[1]) : undefined;
    await new Promise((r) => setTimeout(r, 5));
    const content = score === undefined ? 'I cannot say.' : `The assistant would do this well enough. [[${Math.min(5, Math.max(1, 1 + Math.round(score * 0.4)))}]]`;
    inFlight--;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ model: b.model, choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 200, completion_tokens: 8 } }));
  });
  await new Promise<void>((r) => double.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(double.address() as { port: number }).port}/v1`;
  try {
    const dir = join(scratchDir('wren-llm-router-'), 'router');
    const r = runCli(['router', 'train', '--policy', 'llm', '--client', 'openai:recorded-judge', '--base-url', base, '--concurrency', '3', '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
    const rows = readRoutingData([rated.path]); // battles between the tiers only
    assert.ok(rows.length > 150 && rows.length < 478, String(rows.length));
    const unique = new Set(rows.map((x) => x.prompt)).size;

    const first = await loadRouter(dir);
    const e = await evaluateRouter(first.router, rows, { resamples: 200 });
    await first.router.close();
    assert.equal(requests, unique, 'one request per distinct prompt');
    assert.ok(maxInFlight > 1 && maxInFlight <= 3, `in flight at once: ${maxInFlight} (the router's --concurrency 3)`);
    assert.deepEqual([...seenModels], ['recorded-judge']);
    assert.ok(e.router.apgr > -2 && e.router.apgr < 3 && e.router.points.length === 11);
    t.diagnostic(`llm (recorded judges) on ${e.rows} arena battles between tiers: weak ${e.weakAccuracy.toFixed(1)}%, strong ${e.strongAccuracy.toFixed(1)}%, APGR ${e.router.apgr.toFixed(3)} [${e.bootstrap.low.toFixed(3)}, ${e.bootstrap.high.toFixed(3)}], random ${e.random.apgr.toFixed(3)}`);

    // A second run reads every rating from the router folder's cache.
    const second = await loadRouter(dir);
    const again = await second.router.scoreAll(rows.map((x) => x.prompt));
    await second.router.close();
    assert.equal(requests, unique, 'nothing asked twice');
    const third = await loadRouter(dir);
    const scores = await third.router.scoreAll([rows[0].prompt, 'a prompt with no record']);
    await third.router.close();
    assert.equal(scores[0], again[0]);
    assert.equal(scores[1], 1, 'a reply with no rating routes to the strong model');
  } finally {
    await new Promise<void>((r) => double.close(() => r()));
  }
});
