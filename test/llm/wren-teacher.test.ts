// A Wren model as a teacher: concurrent requests are decoded together through the server's
// scheduler and each gets exactly what it gets alone; usage is the model's own token counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTeacher } from '../../src/llm/create.ts';
import { runCli, scratchDir, sharedFile } from '../_helpers.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const model = sharedFile('llama2c-stories260K/stories260K.bin');
const tok = sharedFile('llama2c-stories260K/tok512.bin');
const skip = model.skip || tok.skip;

test('wren:PATH teaches in batches: concurrent replies equal lone ones', { skip }, async () => {
  const teacher = await createTeacher(`wren:${model.path}`, { tokenizer: tok.path, limits: { concurrency: 8 } });
  try {
    assert.equal(teacher.id, `wren:${model.path}`);
    const ask = (seed: number) => teacher.complete({ messages: [{ role: 'user', content: 'Once upon a time' }], maxTokens: 40, temperature: 1, seed });
    const alone = [];
    for (let s = 0; s < 8; s++) alone.push(await ask(s));
    const together = await Promise.all(Array.from({ length: 8 }, (_, s) => ask(s)));
    assert.deepEqual(together.map((r) => r.text), alone.map((r) => r.text));
    assert.ok(new Set(alone.map((r) => r.text)).size > 4, 'different seeds, different stories');
    for (const r of together) {
      assert.ok(r.usage.promptTokens > 1 && r.usage.completionTokens > 0 && r.usage.completionTokens <= 40);
      assert.ok(r.finishReason === 'stop' || (r.finishReason === 'length' && r.usage.completionTokens === 40));
    }
    assert.equal(teacher.stats().requests, 16);
  } finally {
    await teacher.close();
  }
});

test('wren: teacher errors name what is wrong', async () => {
  await assert.rejects(createTeacher('wren:'), /needs a path/);
  await assert.rejects(createTeacher('wren:/no/such/model'), /no such model/);
});

test('wren synth --teacher wren:PATH: a base model that never learned seed words gets them in through the seed-word boost', { skip }, () => {
  // stories260K continues text and was never taught to use seed words; the teacher's boost pushes
  // each word in until it is written, so the validator takes its stories (checked by the run: a
  // record is written only when it passes).
  const out = join(scratchDir(), 'stories.jsonl');
  const r = runCli(['synth', 'stories', '--teacher', `wren:${model.path}`, '--teacher-tokenizer', tok.path, '--count', '4', '--out', out, '--concurrency', '8']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 4);
  assert.doesNotMatch(r.stderr, /MaxListenersExceeded/);
});
