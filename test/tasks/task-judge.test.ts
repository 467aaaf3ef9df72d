// `wren task run` with a large model and a judge named in task.yaml, both the 127.0.0.1 TEST DOUBLE
// of judge-server.ts (a paid API cannot run here): the large model's answers are scored beside the
// small model, the base model before SFT and retrieval; every system's answers are graded with the
// support rubric (the double's fixed grades, so the means are known); a rerun asks the double for
// nothing. Nothing here depends on what the tiny model says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wordCount } from '../../src/tasks/metrics/text-checks.ts';
import { runTask } from '../../src/tasks/run.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';
import { LARGE_ANSWER, startJudgeDouble } from './judge-server.ts';

const bitext = sharedFile('tasks/support/bitext_customer_support_train.csv');

test('wren task run: large-model baseline and judge stage through a judge double, cached across reruns', { skip: bitext.skip, timeout: 120_000 }, async () => {
  const dbl = await startJudgeDouble();
  const root = scratchDir('wren-task-judge-'), taskDir = join(root, 'task'), out = join(root, 'run');
  mkdirSync(taskDir, { recursive: true });
  writeFileSync(join(taskDir, 'task.yaml'), [
    'name: support-judged', 'kind: support', 'budget_minutes: 1',
    `data: { file: ${JSON.stringify(bitext.path)}, input: instruction, reference: response, label: intent }`,
    'split: { seed: 11, eval_rows: 3, train_rows: 60 }',
    'system: You are a support agent.',
    'model: { preset: stories260K, vocab: 320, config: { hidden_size: 32, intermediate_size: 96, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, max_position_embeddings: 768 } }',
    'sft: { steps: 2, batch_size: 2, seq_len: 768, lr: 0.002, warmup_steps: 1, checkpoint_interval: 0 }',
    'eval: { max_tokens: 6 }',
    `large: { teacher: 'openai:large-double', base_url: ${JSON.stringify(dbl.url)}, api_key_env: WREN_TEST_NO_KEY, concurrency: 2 }`,
    `judge: { teacher: 'openai:judge-double', base_url: ${JSON.stringify(dbl.url)}, api_key_env: WREN_TEST_NO_KEY, max_tokens: 64 }`, '',
  ].join('\n'));
  try {
    const r = await runTask({ taskDir, out, threads: 2 });
    const large = 'large model (openai:large-double)';
    assert.deepEqual(Object.keys(r.systems), ['wren (support-judged)', 'base model before SFT', large, 'retrieval (TF-IDF nearest training input → its reference)']);
    const largeAsks = dbl.seen.filter((m) => m[0].role === 'system').length;
    assert.equal(largeAsks, 3);
    assert.equal(r.systems[large].words, wordCount(LARGE_ANSWER));
    assert.equal(r.large_model?.asked, 3);
    for (const [name, s] of Object.entries(r.systems)) {
      assert.deepEqual([s.judge_accuracy, s.judge_helpfulness, s.judge_placeholders, s.judge_fluency, s.judge_overall, s.judge_failed], [7, 6, 8, 9, 7.5, 0], name);
    }
    assert.equal(r.judge?.teacher, 'openai:judge-double');
    assert.equal(r.judge!.asked + r.judge!.cached, 4 * 3);
    assert.equal(dbl.requests, 3 + r.judge!.asked);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.ok(md.includes('Judge: `openai:judge-double` with the task-support rubric'));
    assert.ok(md.includes('![each metric per system](report.svg)'));
    const svg = readFileSync(join(out, 'report.svg'), 'utf8');
    assert.ok(svg.includes('judge_overall') && svg.includes(large));

    const seen = dbl.requests;
    const again = await runTask({ taskDir, out, threads: 2 });
    assert.equal(dbl.requests, seen, 'the rerun took the large model and the judge from the run folder');
    assert.equal(again.judge?.asked, 0);
    assert.deepEqual(again.systems, r.systems);
  } finally {
    await dbl.close();
  }
});
