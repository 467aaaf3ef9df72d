// The routing stack both router end-to-end tests run against: a router folder made by
// `wren router train` (a tiny Wren text classifier on two MMLU subjects), eight held-out prompts
// with the scores `wren router score` gives them and a threshold between two middle scores; the
// small model (stories260K in the routing server), a second real `wren serve` stack on another
// port standing in as the large model (stories260K named large-260K), and a routing server whose
// large model is a port nobody listens on.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createBackend } from '../../src/engine/backend.ts';
import type { Router } from '../../src/router/router.ts';
import { loadRouter } from '../../src/router/load.ts';
import { readRoutingData } from '../../src/router/routing-data.ts';
import { Routing } from '../../src/serve/route-chat.ts';
import { openLargeModel } from '../../src/serve/route-large.ts';
import { ServedModel } from '../../src/serve/served-model.ts';
import { WrenServer } from '../../src/serve/server.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { skip as noStories, stories, storiesTok } from './_server.ts';

const mmlu = sharedFile('router/routellm/mmlu_responses');
export const skip = noStories || mmlu.skip;

/** A port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export type RoutingStack = {
  expected: { prompt: string; score: number }[]; // `wren router score` on the held-out prompts
  threshold: number;
  url: string;       // the routing server
  largeUrl: string;  // the large model's own server
  deadUrl: string;   // a routing server whose large model refuses connections (threshold 0)
  router: Router;
  close(): Promise<void>;
};

export async function startRoutingStack(): Promise<RoutingStack> {
  const dir = scratchDir('wren-route-'), routerDir = join(dir, 'router');
  const tables = ['mmlu_astronomy.csv', 'mmlu_formal_logic.csv'].map((f) => join(mmlu.path, f));
  const trained = runCli(['router', 'train', '--data', ...tables, '--out', routerDir, '--epochs', '1', '--max-len', '32', '--hidden', '16', '--layers', '1', '--heads', '2', '--vocab', '300', '--threads', '1']);
  assert.equal(trained.status, 0, trained.stderr);

  const prompts = readRoutingData([join(mmlu.path, 'mmlu_virology.csv')]).slice(0, 8).map((r) => r.prompt);
  writeFileSync(join(dir, 'prompts.jsonl'), prompts.map((prompt) => JSON.stringify({ prompt })).join('\n') + '\n');
  const scored = runCli(['router', 'score', '--router', routerDir, '--in', join(dir, 'prompts.jsonl'), '--out', join(dir, 'scores.jsonl')]);
  assert.equal(scored.status, 0, scored.stderr);
  const expected = readFileSync(join(dir, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { prompt: string; score: number });
  assert.deepEqual(expected.map((e) => e.prompt), prompts);
  // a threshold half-way between two middle scores, so both models get requests and no score sits on it
  const sorted = expected.map((e) => e.score).sort((a, b) => a - b);
  const threshold = (sorted[3] + sorted[4]) / 2;
  assert.ok(sorted[4] - sorted[3] > 1e-6, `scores too close to split: ${sorted}`);

  const backend = await createBackend({ threads: 1 });
  const largeModel = ServedModel.load(stories.path, backend, { name: 'large-260K', tokenizer: storiesTok.path, parallel: 2, queueLimit: 16 });
  const largeServer = new WrenServer({ models: [largeModel] });
  const largeUrl = await largeServer.listen(0, '127.0.0.1');
  const small = ServedModel.load(stories.path, backend, { tokenizer: storiesTok.path, parallel: 2, queueLimit: 16 });
  const { router } = await loadRouter(routerDir);
  const routing = new Routing({ router, threshold, small, large: await openLargeModel(`${largeUrl}/v1`, { model: 'large-260K' }), costs: { small: 0.1, large: 10 } });
  const server = new WrenServer({ models: [small], routing });
  const url = await server.listen(0, '127.0.0.1');
  const dead = new Routing({ router, threshold: 0, small, large: await openLargeModel(`http://127.0.0.1:${await deadPort()}/v1`, { timeoutMs: 5000 }) });
  const deadServer = new WrenServer({ models: [small], routing: dead });
  const deadUrl = await deadServer.listen(0, '127.0.0.1');
  return {
    expected, threshold, url, largeUrl, deadUrl, router,
    close: async () => {
      await deadServer.drain(1000);
      await server.drain(1000);
      await largeServer.drain(1000);
      await router.close();
      backend.dispose();
    },
  };
}
