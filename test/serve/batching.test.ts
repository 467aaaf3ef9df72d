// Continuous batching must not change what a request gets: 16 concurrent streams with different
// seeds each receive exactly the tokens (text and per-token logprobs, to the last bit of the
// float) that the same request gets alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skip, sse, startServer } from './_server.ts';

type Got = { text: string; logprobs: number[]; finish: string };

async function streamed(url: string, seed: number, prompt: string): Promise<Got> {
  const res = await fetch(`${url}/v1/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'stories260K', prompt, max_tokens: 60, temperature: 1, top_p: 0.9, seed, stream: true, logprobs: 1 }),
  });
  assert.equal(res.status, 200);
  const events = await sse(res);
  assert.equal(events.at(-1), '[DONE]');
  const got: Got = { text: '', logprobs: [], finish: '' };
  for (const e of events.slice(0, -1)) {
    const choice = JSON.parse(e).choices[0];
    got.text += choice.text;
    got.logprobs.push(...(choice.logprobs?.token_logprobs ?? []));
    if (choice.finish_reason) got.finish = choice.finish_reason;
  }
  return got;
}

test('16 concurrent streams get exactly what each gets alone', { skip }, async () => {
  const s = await startServer({ parallel: 16 });
  try {
    // Prompts of different lengths, so prefill chunks run beside other requests' decoding.
    const prompts = ['', 'Once upon a time', 'The little dog ran to the park because he wanted to play with his friends and see the big tree'];
    const cases = Array.from({ length: 16 }, (_, i) => ({ seed: 1000 + i, prompt: prompts[i % 3] }));
    const alone: Got[] = [];
    for (const c of cases) alone.push(await streamed(s.url, c.seed, c.prompt));
    let peak = 0;
    const watch = setInterval(() => { peak = Math.max(peak, s.model.scheduler.activeCount); }, 2);
    const together = await Promise.all(cases.map((c) => streamed(s.url, c.seed, c.prompt)));
    clearInterval(watch);
    assert.ok(peak >= 8, `the requests should have run together (at most ${peak} were active at once)`);
    for (const [i, g] of together.entries()) {
      assert.equal(g.text, alone[i].text, `seed ${cases[i].seed}: text differs when batched`);
      assert.deepEqual(g.logprobs, alone[i].logprobs, `seed ${cases[i].seed}: logprobs differ when batched`);
      assert.equal(g.finish, alone[i].finish);
    }
    assert.ok(new Set(alone.map((g) => g.text)).size > 8, 'different seeds should give different stories');
  } finally {
    await s.close();
  }
});
