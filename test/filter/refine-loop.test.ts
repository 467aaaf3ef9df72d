// Repetitive filtering end to end, offline: the annotator is the 127.0.0.1 chat-completions TEST
// DOUBLE in edu-teacher-double.ts (it scores a page by how often it says "learn"), reached through
// the project's real OpenAI-compatible teacher. Checks what the loop promises: each round asks the
// teacher only about documents nobody labelled yet, a rerun asks nothing (the labels are cached),
// the classifier retrained on the growing labels agrees with held-out labels, and rounds.md
// reports how the kept set moved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refineLoop } from '../../src/data/filter/edu/refine-loop.ts';
import { createTeacher } from '../../src/llm/create.ts';
import { scratchDir } from '../_helpers.ts';
import { startEduDouble, type EduDouble } from './edu-teacher-double.ts';

let double: EduDouble;
before(async () => { double = await startEduDouble(1); });
after(() => double.close());

const TOPICS = ['the water cycle', 'volcanoes', 'fractions', 'the solar system', 'plant cells', 'the roman empire'];
/** Pool document i: a topic sentence plus "we learn" k times; the double scores it k (capped at 5). */
function page(i: number, k: number): string {
  return `A page about ${TOPICS[i % TOPICS.length]} and what people did there on day ${i}. ${'We learn this. '.repeat(k)}Thanks for reading.`;
}

test('refine: rounds annotate new documents only, retrain, rescore and report; a rerun asks the teacher nothing', async () => {
  const dir = scratchDir();
  const pool = join(dir, 'pool.jsonl');
  writeFileSync(pool, Array.from({ length: 90 }, (_, i) => JSON.stringify({ id: `p${i}`, text: page(i, Math.floor(i / 6) % 6) })).join('\n') + '\n');
  const heldOut = Array.from({ length: 30 }, (_, i) => ({ text: page(1000 + i, i % 6), score: i % 6 }));
  const teacher = await createTeacher('openai:double', { baseUrl: double.baseUrl, env: {} });
  const opts = { inputs: [pool], dir: join(dir, 'loop'), teacher, rounds: 3, perRound: 20, heldOut, trainOptions: { epochs: 20, bits: 14 }, seed: 5 };
  const before = double.requests;
  const rounds = await refineLoop(opts);
  assert.equal(rounds.length, 3);
  assert.equal(double.requests - before, 60, 'three rounds of 20 new documents');
  assert.deepEqual(rounds.map((r) => r.labelled), [20, 40, 60]);
  assert.equal(rounds[0].newLabelAgreement, null, 'no earlier model in round 1');
  assert.ok(rounds[1].newLabelAgreement!.n === 20);
  for (const r of rounds) assert.equal(r.kept, readFileSync(join(opts.dir, `round-${r.round}`, 'kept.jsonl'), 'utf8').split('\n').filter(Boolean).length);
  const last = rounds.at(-1)!;
  assert.ok(last.heldOut!.spearman > 0.8, `held-out Spearman ${last.heldOut!.spearman}`);
  assert.ok(last.heldOut!.f1 > last.heldOut!.keepAllF1, `held-out F1 ${last.heldOut!.f1} vs keep-all ${last.heldOut!.keepAllF1}`);
  for (let r = 1; r < rounds.length; r++) {
    assert.equal(rounds[r].kept, rounds[r - 1].kept + rounds[r].entered - rounds[r].left, `round ${r + 1}: kept = previous + entered − left`);
    assert.ok(rounds[r].jaccard! >= 0 && rounds[r].jaccard! <= 1);
  }
  const md = readFileSync(join(opts.dir, 'rounds.md'), 'utf8');
  assert.match(md, /\| 3 \| 60 \| 20 \| 20 \|/);

  // Rerun with the same seed: the same documents are picked, every answer comes from labels.jsonl.
  const again = await refineLoop(opts);
  assert.equal(double.requests - before, 60, 'a rerun sends no requests');
  assert.deepEqual(again.map((r) => r.teacherRequests), [0, 0, 0]);
  assert.deepEqual(again.map((r) => r.kept), rounds.map((r) => r.kept));
  await teacher.close();
});
