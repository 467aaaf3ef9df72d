// `wren task run` on rows a teacher writes from documents (task.yaml data.write): Magento product
// names (shared data) as the documents, the 127.0.0.1 TEST DOUBLE of judge-server.ts as the teacher
// (a paid API cannot run here; it answers from the prompt, so what it wrote is known). The teacher
// writes a shopper's question per product, then the answer; a request that fails stops the stage
// with what was written kept, and the rerun asks only for the rest; a finished run asks nothing.
// Bad sections are errors naming the field. Nothing here depends on what the tiny model says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTaskConfig } from '../../src/tasks/config.ts';
import { runTask } from '../../src/tasks/run.ts';
import { scratchDir, sharedFile } from '../_helpers.ts';
import { startJudgeDouble, type DoubleMessage } from './judge-server.ts';

const magento = sharedFile('tasks/copy/magento_luma_products.csv');

function taskYaml(file: string, write: string, extra: string[] = []): string {
  return [
    'name: products', 'kind: copy', 'budget_minutes: 1',
    `data: { file: ${JSON.stringify(file)}, input: name, write: ${write} }`,
    'split: { seed: 5, eval_rows: 2 }',
    'system: You write product copy.',
    'model: { preset: stories260K, vocab: 300, config: { hidden_size: 32, intermediate_size: 96, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, max_position_embeddings: 256 } }',
    'sft: { steps: 2, batch_size: 2, seq_len: 256, lr: 0.002, warmup_steps: 1, checkpoint_interval: 0 }',
    'eval: { max_tokens: 4, base_model: false }', ...extra, '',
  ].join('\n');
}

/** The double as a writer: a question about the product, then an answer that quotes it. */
function writer(messages: DoubleMessage[]): string {
  const ask = messages.at(-1)!.content;
  const product = /PRODUCT: (.*)$/m.exec(ask)?.[1] ?? '?';
  return ask.startsWith('Write a question') ? `Is the ${product} comfortable?` : `Yes: the ${product} is made for it. (${/Q: (.*)$/m.exec(ask)?.[1]})`;
}

test('task data written by a teacher from documents: messages then answers, resumed after a failed request, cached on rerun', { skip: magento.skip, timeout: 120_000 }, async () => {
  const dbl = await startJudgeDouble();
  const root = scratchDir('wren-task-write-'), taskDir = join(root, 'task'), out = join(root, 'run');
  mkdirSync(taskDir, { recursive: true });
  const write = `{ teacher: 'openai:writer-double', base_url: ${JSON.stringify(dbl.url)}, api_key_env: WREN_TEST_NO_KEY, concurrency: 1, documents: 12, max_tokens: 40, ` +
    `input: "Write a question a shopper might ask.\\nPRODUCT: {document}", reference: "Answer the shopper.\\nPRODUCT: {document}\\nQ: {input}" }`;
  writeFileSync(join(taskDir, 'task.yaml'), taskYaml(magento.path, write));
  try {
    dbl.reply = (m, n) => (n === 15 ? { status: 400 } : writer(m)); // the 16th request fails: 12 questions and 3 answers are in
    await assert.rejects(runTask({ taskDir, out, threads: 1 }), /400/);
    assert.equal(readFileSync(join(out, 'data', 'written-inputs.jsonl'), 'utf8').trim().split('\n').length, 12);
    assert.equal(readFileSync(join(out, 'data', 'written-references.jsonl'), 'utf8').trim().split('\n').length, 3);

    dbl.reply = (m) => writer(m);
    const before = dbl.requests;
    const r = await runTask({ taskDir, out, threads: 1 });
    assert.equal(dbl.requests - before, 9, 'only the 9 missing answers were asked');
    assert.deepEqual([r.split.train, r.split.eval], [10, 2]);
    const chats = readFileSync(join(out, 'data', 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).messages);
    const [user, assistant] = [chats[0][1].content as string, chats[0][2].content as string];
    assert.match(user, /^Is the .+ comfortable\?$/);
    assert.equal(assistant, `Yes: the ${/^Is the (.+) comfortable\?$/.exec(user)![1]} is made for it. (${user})`);
    assert.equal(dbl.seen.at(-1)![0].content, 'You write product copy.', 'the task\'s system prompt frames each request');

    const seen = dbl.requests;
    await runTask({ taskDir, out, threads: 1 });
    assert.equal(dbl.requests, seen, 'a finished run asks the teacher nothing');
  } finally {
    await dbl.close();
  }
});

test('task data written by a teacher: bad sections are errors naming the field', () => {
  const dir = scratchDir('wren-task-write-bad-');
  const check = (write: string, want: RegExp, extra = '') => {
    writeFileSync(join(dir, 'task.yaml'), taskYaml('docs.csv', write).replace('input: name,', `input: name,${extra}`));
    assert.throws(() => loadTaskConfig(dir), want);
  };
  check(`{ teacher: 'openai:x', reference: 'Describe it.' }`, /data\.write\.reference: must contain \{document\} or \{input\}/);
  check(`{ teacher: 'openai:x', input: 'Ask something.', reference: '{input}' }`, /data\.write\.input: must contain \{document\}/);
  check(`{ teacher: 'openai:x', reference: '{document}', prompt: 'x' }`, /data\.write: unknown key 'prompt'/);
  check(`{ teacher: 'openai:x', reference: '{document}' }`, /data\.reference: with write: the teacher writes the reference; drop reference/, ' reference: description,');
  writeFileSync(join(dir, 'task.yaml'), taskYaml('docs.csv', '{}').replace(', write: {}', ''));
  assert.throws(() => loadTaskConfig(dir), /data\.reference: name the reference column, or give write:/);
});
