// The LLM-judge rubric: reading scores out of judges' replies (hand-made replies, hand-computed
// values), and the judge stage against a 127.0.0.1 TEST DOUBLE of a judge model (judge-server.ts;
// a paid API cannot run here): means over the scored rows, an unreadable reply asked again and then
// reported (never averaged), identical prompts asked once, and resume: a stage stopped part-way
// (an HTTP error) or cut mid-line does not ask again for the rows it already has — the double
// counts every request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTeacher } from '../../src/llm/create.ts';
import { parseJudgeReply } from '../../src/tasks/judge/parse.ts';
import { STORY_RUBRIC, storyPrompt, taskPrompt, taskRubric } from '../../src/tasks/judge/rubrics.ts';
import { readJudgeLog, runJudge, summarizeJudge, type JudgeItem } from '../../src/tasks/judge/run.ts';
import { metricBarsSvg } from '../../src/tasks/report-svg.ts';
import { runStoryEval } from '../../src/tasks/stories.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';
import { defaultReply, startJudgeDouble } from './judge-server.ts';
import { KILL_ITEMS } from './_judge-child.ts';

const support = taskRubric('support');

test('judge replies: the asked-for line, markdown, JSON, other scales, the last score wins; gaps and out-of-range values are errors', () => {
  const ok = (text: string) => { const p = parseJudgeReply(text, STORY_RUBRIC); assert.ok(p.ok, text + ' → ' + (!p.ok ? p.error : '')); return p.value; };
  assert.deepEqual(ok('Good story.\nGrammar: 8/10, Creativity: 7/10, Consistency: 6/10, Plot: 5/10, Age group: C (6-7)'),
    { scores: { grammar: 8, creativity: 7, consistency: 6, plot: 5 }, ageGroup: 'C' });
  // markdown, a criterion with words after its name, a score out of 100 (85/100 = 8.5) and 5 (4/5 = 8), an age range instead of a letter
  assert.deepEqual(ok('**Grammar**: 9\n**Creativity:** 85/100\nConsistency with the beginning: 4/5\nPlot - 3 out of 10\nAge group: 10-12'),
    { scores: { grammar: 9, creativity: 8.5, consistency: 8, plot: 3 }, ageGroup: 'E' });
  assert.deepEqual(ok('{"grammar": 6, "creativity": 5.5, "consistency": 7, "plot": 2, "age group": "A"}'),
    { scores: { grammar: 6, creativity: 5.5, consistency: 7, plot: 2 }, ageGroup: 'A' });
  // reasoning first, grades last: the last score of a criterion counts
  assert.deepEqual(ok('The grammar: 2 errors in the first line. Plot: weak.\nGrammar: 7/10, Creativity: 4/10, Consistency: 5/10, Plot: 6/10, Age group: 3 or under').scores,
    { grammar: 7, creativity: 4, consistency: 5, plot: 6 });
  const bad = (text: string) => { const p = parseJudgeReply(text, STORY_RUBRIC); assert.ok(!p.ok, text); return p.error; };
  assert.equal(bad('Grammar: 8/10, Creativity: 7/10, Consistency: 6/10, Age group: B'), "no score for 'plot'");
  assert.equal(bad('Grammar: 11, Creativity: 7, Consistency: 6, Plot: 5, Age group: B'), "'grammar' scored outside 0–10 ('Grammar: 11')");
  assert.equal(bad('Grammar: 8, Creativity: 7, Consistency: 6, Plot: 5'), 'no age group (A–F)');
  assert.equal(bad('The story is lovely.'), "no score for 'grammar'");
  assert.equal(bad('Grammar: 8, Creativity: 7, Consistency: 6, Plot: 5, Age group: a young child'), 'no age group (A–F)');
  // a task rubric has no age group; its criteria are its own
  const t = parseJudgeReply('Accuracy: 7/10, Helpfulness: 6/10, Placeholder: 8/10, Fluency: 9/10', support); // singular too
  assert.ok(t.ok);
  assert.deepEqual(t.value, { scores: { accuracy: 7, helpfulness: 6, placeholders: 8, fluency: 9 } });
});

test('the prompts: GPT-Eval joins beginning and completion with ***; the task rubric holds input, reference and answer; both ask for the line the parser reads', () => {
  const s = storyPrompt('Once upon a time there was a cat. The cat ', 'liked milk.')[0].content;
  assert.ok(s.includes('Once upon a time there was a cat. The cat***liked milk.'));
  assert.ok(s.includes('A: 3 or under. B: 4-5. C: 6-7. D: 8-9. E: 10-12. F: 13-16.'));
  assert.ok(s.endsWith('Grammar: X/10, Creativity: X/10, Consistency: X/10, Plot: X/10, Age group: L'));
  const p = taskPrompt('support', 'Be kind.', 'where is my order', 'Check {{Order Number}}.', '')[0].content;
  for (const part of ['Be kind.', '[INPUT]\nwhere is my order', 'Check {{Order Number}}.', '[ANSWER TO GRADE]\n(empty)']) assert.ok(p.includes(part), part);
  assert.ok(p.endsWith('Accuracy: X/10, Helpfulness: X/10, Placeholders: X/10, Fluency: X/10'));
  // the double's default answers are readable by the parser (so the stage tests below exercise the real path)
  assert.ok(parseJudgeReply(defaultReply([{ role: 'user', content: p }]), support).ok);
  assert.ok(parseJudgeReply(defaultReply([{ role: 'user', content: s }]), STORY_RUBRIC).ok);
});

function items(): JudgeItem[] {
  const rows = [{ line: 2, input: 'cancel my order', ref: 'Go to {{Order Details}}.' }, { line: 5, input: 'track refund', ref: 'See {{Refund Page}}.' }];
  const answers: Record<string, string[]> = { small: ['Press cancel.', 'BADANSWER'], retrieval: ['Go to {{Order Details}}.', 'ONCE'], copycat: ['Press cancel.', 'Refunds take days.'] };
  return Object.entries(answers).flatMap(([system, outs]) => rows.map((r, i) => ({ system, line: r.line, messages: taskPrompt('support', '', r.input, r.ref, outs[i]) })));
}

test('judge stage: means over scored rows, an unreadable reply retried then reported, identical prompts asked once', async () => {
  const dbl = await startJudgeDouble();
  let once = true;
  dbl.reply = (m) => {
    const first = m[0].content;
    if (first.includes('BADANSWER')) return 'It is fine, I suppose.';                    // never readable
    if (first.includes('ONCE') && once) { once = false; return 'Accuracy: high. Fluency: good.'; } // readable on the second try
    return defaultReply(m);
  };
  const dir = scratchDir('wren-judge-'), file = join(dir, 'judge.jsonl');
  const teacher = await createTeacher('openai:judge-double', { baseUrl: dbl.url, env: {}, maxRetries: 0 });
  try {
    const its = items();
    const run = await runJudge(its, teacher, file, { rubric: support, maxTokens: 100, attempts: 3, concurrency: 2 });
    // 6 items, 'Press cancel.' on row 2 twice (small, copycat): 5 distinct prompts; BADANSWER asked 3 times, ONCE twice
    assert.equal(run.asked, 5);
    assert.equal(run.cached, 1);
    assert.equal(dbl.requests, 5 + 2 + 1);
    const small = summarizeJudge(its, run, 'small', support);
    assert.equal(small.scored, 1);
    assert.equal(small.failed, 1);
    assert.deepEqual(small.failures, [{ line: 5, error: "no score for 'accuracy'" }]);
    assert.deepEqual(small.means, { accuracy: 7, helpfulness: 6, placeholders: 8, fluency: 9, overall: 7.5 });
    const retrieval = summarizeJudge(its, run, 'retrieval', support);
    assert.equal(retrieval.scored, 2);
    assert.equal(retrieval.failed, 0);
    const bad = [...readJudgeLog(file).values()].find((r) => r.scores === null)!;
    assert.equal(bad.tries, 3);
    assert.equal(bad.reply, 'It is fine, I suppose.');
    // the retry showed the judge its own reply and asked for the line alone
    const retry = dbl.seen.find((m) => m.length === 3 && m[0].content.includes('BADANSWER'))!;
    assert.equal(retry[1].role, 'assistant');
    assert.ok(retry[2].content.startsWith("I could not read your grades (no score for 'accuracy')"));

    // A rerun asks only the failed row again (3 tries); every scored row comes from the cache.
    const before = dbl.requests;
    const again = await runJudge(its, teacher, file, { rubric: support, maxTokens: 100, attempts: 3, concurrency: 2 });
    assert.equal(again.asked, 1);
    assert.equal(dbl.requests - before, 3);
  } finally {
    await dbl.close();
  }
});

test('judge stage resumes: rows written before a stop or a torn last line are not asked again', async () => {
  const dbl = await startJudgeDouble();
  const dir = scratchDir('wren-judge-resume-'), file = join(dir, 'judge.jsonl');
  const teacher = await createTeacher('openai:judge-double', { baseUrl: dbl.url, env: {}, maxRetries: 0 });
  const its = items().filter((it) => !it.messages[0].content.includes('BADANSWER'));
  const o = { rubric: support, maxTokens: 100, attempts: 2, concurrency: 1 };
  try {
    // the "kill": after 2 answers the judge answers 400 (not retried), the stage stops with what it has
    dbl.reply = (m, n) => (n < 2 ? defaultReply(m) : { status: 400 });
    await assert.rejects(runJudge(its, teacher, file, o), /HTTP 400/);
    assert.equal(readJudgeLog(file).size, 2);
    // a kill mid-write leaves half a line: cut on open, that row asked again
    appendFileSync(file, '{"key":"half a rec');
    dbl.reply = (m) => defaultReply(m);
    const before = dbl.requests;
    const run = await runJudge(its, teacher, file, o);
    assert.equal(run.cached, its.length - run.asked);
    assert.equal(run.asked, 4 - 2);                       // 4 distinct prompts (two items share one), 2 in the log
    assert.equal(dbl.requests - before, 2);
    assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 4);
    const third = dbl.requests;
    await runJudge(its, teacher, file, o);
    assert.equal(dbl.requests, third, 'a finished stage asks nothing');
  } finally {
    await dbl.close();
  }
});

test('judge stage killed (SIGKILL) mid-run: the rerun asks only for the rows the killed run did not write', { timeout: 60_000 }, async () => {
  const dbl = await startJudgeDouble();
  const file = join(scratchDir('wren-judge-kill-'), 'judge.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./_judge-child.ts', import.meta.url)), dbl.url, file], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  // one request at a time: when the 9th arrives, the child has appended the first 8 verdicts
  dbl.reply = (m, n) => { if (n === 8) child.kill('SIGKILL'); return defaultReply(m); };
  try {
    assert.equal(await exited, 'SIGKILL');
    assert.equal(dbl.requests, 9);
    assert.equal(readJudgeLog(file).size, 8);
    const teacher = await createTeacher('openai:judge-double', { baseUrl: dbl.url, env: {}, maxRetries: 0 });
    const run = await runJudge(KILL_ITEMS, teacher, file, { rubric: support, maxTokens: 100, attempts: 2, concurrency: 3 });
    assert.equal(run.cached, 8);
    assert.equal(run.asked, 12);
    assert.equal(dbl.requests, 9 + 12);
    assert.equal(summarizeJudge(KILL_ITEMS, run, 'small', support).scored, 20);
  } finally {
    child.kill('SIGKILL');
    await dbl.close();
  }
});

test('the report figure: one panel per metric, one bar per system, heights to scale from 0', () => {
  const svg = metricBarsSvg('t', { a: { rougeL: 0.5, words: 10 }, b: { rougeL: 0.25, words: 20 }, c: { rougeL: 0.125 } }, ['rougeL', 'words']);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  const bars = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="22" height="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => [m[2], Number(m[1])]);
  // panel height 170: bars span 170 - 65 = 105 px at the panel's maximum
  assert.deepEqual(bars, [['a: 0.5', 105], ['b: 0.25', 52.5], ['c: 0.125', 26.3], ['a: 10', 52.5], ['b: 20', 105]]);
});

const stories260K = sharedFile('llama2c-stories260K/stories260K.bin');
const tok512 = sharedFile('llama2c-stories260K/tok512.bin');
const storyPrompts = sharedFile('tinystories/TinyStories_Evaluation_prompts.yaml');

test('GPT-Eval of stories260K on the 44 official prompts through the judge double; a rerun asks nothing', { skip: stories260K.skip || storyPrompts.skip, timeout: 120_000 }, async () => {
  const dbl = await startJudgeDouble();
  const out = scratchDir('wren-stories-');
  const judge = await createTeacher('openai:judge-double', { baseUrl: dbl.url, env: {}, maxRetries: 0 });
  try {
    const o = { models: [{ name: 'stories260K', path: stories260K.path, tokenizer: tok512.path }], prompts: storyPrompts.path, out, judge, maxTokens: 12, threads: 1 };
    const r = await runStoryEval(o);
    assert.equal(dbl.requests, 44);
    assert.ok(dbl.seen.every((m) => m[0].content.includes('***')));
    const s = r.systems.stories260K;
    assert.equal(s.scored, 44);
    assert.equal(s.failed, 0);
    assert.deepEqual(s.means, { grammar: 8, creativity: 6, consistency: 7, plot: 5, overall: 6.5 });
    assert.deepEqual(s.age_groups, { B: 44 });
    for (const f of ['stories.md', 'stories.json', 'stories.svg', 'judge.jsonl', 'stories-stories260K.jsonl']) assert.ok(readFileSync(join(out, f)).length > 0, f);
    const again = await runStoryEval(o);
    assert.equal(dbl.requests, 44, 'every story and verdict came from the run folder');
    assert.equal(again.cached, 44);
  } finally {
    await dbl.close();
  }
});

test('wren task stories (the CLI) through the judge double: exit 0, one line of means per model', { skip: stories260K.skip || storyPrompts.skip, timeout: 120_000 }, async () => {
  const dbl = await startJudgeDouble();
  const out = scratchDir('wren-stories-cli-');
  try {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../bin/wren.js', import.meta.url)), 'task', 'stories', `tiny=${stories260K.path}`, '--tokenizer', tok512.path,
      '--judge', 'openai:judge-double', '--base-url', dbl.url, '--prompts', storyPrompts.path, '--out', out, '--max-tokens', '8', '--threads', '1'], { env: { ...process.env, OPENAI_API_KEY: '' } });
    let stdout = '';
    child.stdout.on('data', (b) => { stdout += b; });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 0);
    assert.equal(stdout, 'tiny: grammar 8.00, creativity 6.00, consistency 7.00, plot 5.00, overall 6.50 (44 scored, 0 failed)\n');
    assert.equal(dbl.requests, 44);
  } finally {
    await dbl.close();
  }
});
