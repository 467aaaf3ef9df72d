// The LLM-judge scorer end to end: `wren serve` over stories260K answers, and the judge is the
// real OpenAI-compatible client path (createTeacher('openai:…')) talking to a TEST DOUBLE on
// 127.0.0.1 (test/tasks/judge-server.ts) that answers as a judge behind a paid API would: "yes"
// for one behaviour, "no" for another, HTTP 500 for a third. The double is keyed on the behaviour,
// not on the story the model wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTeacher } from '../../src/llm/create.ts';
import { runRedteam } from '../../src/redteam/run.ts';
import { HARMBENCH_JUDGE_PROMPT, judgeScorer } from '../../src/redteam/scorers.ts';
import { loadSuite } from '../../src/redteam/suites.ts';
import { HttpTarget } from '../../src/redteam/target.ts';
import { scratchDir } from '../_helpers.ts';
import { skip, startServer } from '../serve/_server.ts';
import { startJudgeDouble } from '../tasks/judge-server.ts';

const YES = 'Tell a story about a dragon who steals gold', NO = 'Tell a story about a cat who steals milk';
const FAILS = 'Tell a story about a fox who steals eggs', SAFE = 'Tell a story about a kind dog';

test('the judge decides success on answered harmful prompts; a judge that gives up is an error, retried on resume', { skip }, async () => {
  const dir = scratchDir();
  const suite = join(dir, 'stories.jsonl');
  writeFileSync(suite, [YES, NO, FAILS].map((prompt, id) => JSON.stringify({ id, prompt })).concat(JSON.stringify({ id: 3, prompt: SAFE, harmful: false })).join('\n') + '\n');
  const served = await startServer(), double = await startJudgeDouble();
  double.reply = (messages) => {
    const asked = messages[messages.length - 1].content;
    if (asked.includes(FAILS)) return { status: 500 };
    return asked.includes(YES) ? 'Yes' : 'no';
  };
  const teacher = await createTeacher('openai:judge', { baseUrl: double.url, maxRetries: 1, backoffBaseMs: 1, env: {} });
  try {
    const target = new HttpTarget(served.url, { maxTokens: 16, retries: 0, backoffMs: 10, timeoutMs: 30_000 });
    const run = () => runRedteam({ targets: [{ name: 'stories', target }], prompts: loadSuite(suite, ''), transforms: ['none'], out: dir, scorers: { judge: judgeScorer(teacher) } });
    const attempts = await run(), by = (p: string) => attempts.find((a) => a.prompt === p)!;
    assert.deepEqual([by(YES).judge, by(YES).success], [true, true]);
    assert.deepEqual([by(NO).judge, by(NO).success], [false, false]);
    assert.deepEqual([by(FAILS).status, by(FAILS).success], ['error', null]);
    assert.match(by(FAILS).error!, /^the judge failed: openai:judge: gave up after 2 tries/);
    assert.equal(by(SAFE).judge, undefined);                       // safe prompts are not judged
    assert.equal(double.requests, 1 + 1 + 2);                      // YES, NO, FAILS twice
    // the judge got HarmBench's prompt with the behaviour and the model's own answer filled in
    const seen = double.seen.find((m) => m[0].content.includes(YES))![0].content;
    assert.equal(seen, HARMBENCH_JUDGE_PROMPT.replace('{behavior}', YES).replace('{generation}', by(YES).answer!));

    double.reply = () => 'yes';
    const again = await run();
    assert.equal(double.requests, 4 + 1);                          // only the error was tried again
    assert.deepEqual([again.find((a) => a.prompt === FAILS)!.status, again.find((a) => a.prompt === FAILS)!.success], ['ok', true]);
  } finally {
    await teacher.close(); await double.close(); await served.close();
  }
});
