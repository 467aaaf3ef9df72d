// `wren filter annotate` killed at seeded random moments with requests in flight, then resumed:
// every document ends up in the labels file exactly once, with the score the teacher gave it, and
// no document is asked twice once its answer was written. The teacher is a test double on
// 127.0.0.1 (test/filter/edu-teacher-double.ts); the order of lines depends on which answer came
// first, so the runs are compared as record sets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../_helpers.ts';
import { campaigns, killCampaign, runAsync } from './_kill.ts';
import { eduCorpus, startEduDouble, type EduDouble } from '../filter/edu-teacher-double.ts';

let double: EduDouble;
before(async () => { double = await startEduDouble(5); });
after(() => double.close());

const labels = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('annotate: killed and resumed, each document is labelled once, as in a straight run', { timeout: 3_600_000 }, async () => {
  const dir = scratchDir();
  const input = eduCorpus(dir, 400);
  const args = (out: string) => ['filter', 'annotate', '--in', input, '--out', out, '--teacher', 'openai:double', '--base-url', double.baseUrl, '--concurrency', '4'];
  const straight = await runAsync(args(join(dir, 'straight.jsonl')));
  assert.equal(straight.status, 0, straight.stderr);
  const expected = new Map(labels(join(dir, 'straight.jsonl')).map((a) => [a.id, a.score]));
  assert.equal(expected.size, 400);
  for (let c = 0; c < campaigns(2); c++) {
    const out = join(dir, `run${c}.jsonl`);
    const { final, killed, log } = await killCampaign(args(out), { seed: 900 + c, kills: 3, watch: out, finalBytes: statSync(join(dir, 'straight.jsonl')).size });
    assert.ok(killed >= 1 && final.status === 0, `campaign ${c}:\n${log.join('\n')}`);
    const got = labels(out);
    assert.equal(got.length, 400, `campaign ${c}: ${got.length} lines, 400 documents\n${log.join('\n')}`);
    assert.deepEqual(new Map(got.map((a) => [a.id, a.score])), expected, `campaign ${c}: lost, doubled or changed labels`);
  }
});
