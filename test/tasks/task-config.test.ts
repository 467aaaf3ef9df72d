// Bad task folders are clear errors naming the file and the field: unknown keys, a data file
// without the named columns, a split that leaves no evaluation (or no training) rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTaskConfig, withTeachers } from '../../src/tasks/config.ts';
import { readTaskRows, splitTaskRows } from '../../src/tasks/rows.ts';
import { runCli, scratchDir } from '../_helpers.ts';

const GOOD = {
  name: 'tiny', kind: 'support', budget_minutes: 1,
  data: { file: 'rows.csv', input: 'instruction', reference: 'response', label: 'intent' },
  split: { seed: 3, eval_rows: 2 },
  system: 'Be helpful.',
  model: { preset: 'stories260K', vocab: 300 },
  sft: { steps: 2, batch_size: 1, seq_len: 64, lr: 0.001 },
  eval: { max_tokens: 4 },
};

function folder(task: unknown, csv = 'instruction,intent,response\n"hi, there",greet,"Hello {{Name}}"\nbye,leave,Goodbye\nhelp,ask,"Sure,\nhere"\nstop,leave,Ok\n'): string {
  const dir = scratchDir('wren-taskcfg-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'task.yaml'), JSON.stringify(task)); // JSON is YAML
  writeFileSync(join(dir, 'rows.csv'), csv);
  return dir;
}

test('a good task folder loads; paths resolve against the folder; CSV quoting is honoured', () => {
  const dir = folder(GOOD);
  const t = loadTaskConfig(dir);
  assert.equal(t.data.file, join(dir, 'rows.csv'));
  assert.equal(t.sft.min_lr, 0.0001);
  const rows = readTaskRows(t);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0], { line: 2, input: 'hi, there', references: ['Hello {{Name}}'], label: 'greet' });
  assert.equal(rows[2].references[0], 'Sure,\nhere');
  const a = splitTaskRows(rows, t.split, t.file), b = splitTaskRows(rows, t.split, t.file);
  assert.deepEqual(a.eval.map((r) => r.line), b.eval.map((r) => r.line)); // seeded
  assert.equal(a.eval.length, 2); assert.equal(a.train.length, 2);
  assert.equal(new Set([...a.eval, ...a.train].map((r) => r.line)).size, 4); // disjoint, complete
});

test('unknown keys are errors naming the key and where it is', () => {
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, colour: 'red' })), /task\.yaml: unknown key 'colour'/);
  const good = folder(GOOD);
  assert.deepEqual(loadTaskConfig(join(good, 'task.yaml')), loadTaskConfig(good)); // the file names its folder
  assert.throws(() => loadTaskConfig(join(good, 'nope')), /nope: no such task folder/);
  assert.throws(() => loadTaskConfig(join(good, '..')), /not a task folder \(no task\.yaml in it\)/);
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, sft: { ...GOOD.sft, stepz: 3 } })), /sft: unknown key 'stepz'/);
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, kind: 'poetry' })), /kind: /);
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, model: { preset: 'huge', vocab: 300 } })), /model\.preset: unknown preset 'huge'/);
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, model: { vocab: 300 } })), /model: give exactly one of preset/);
});

test('a data file without the named column is an error naming the column and the header', () => {
  const t = loadTaskConfig(folder({ ...GOOD, data: { ...GOOD.data, reference: 'answer' } }));
  assert.throws(() => readTaskRows(t), /rows\.csv: no column 'answer' .*the header has: instruction, intent, response/);
  const dir = folder({ ...GOOD, data: { ...GOOD.data, file: 'rows.jsonl' } });
  writeFileSync(join(dir, 'rows.jsonl'), '{"instruction": "hi", "response": "hello", "intent": "greet"}\n{"instruction": "yo"}\n');
  assert.throws(() => readTaskRows(loadTaskConfig(dir)), /rows\.jsonl:2: no field 'response'/);
});

test('a split that leaves no evaluation or no training rows is an error naming split.eval_rows; nothing is written', () => {
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, split: { seed: 1, eval_rows: 0 } })), /split\.eval_rows: /);
  const dir = folder({ ...GOOD, split: { seed: 1, eval_rows: 4 } });
  const t = loadTaskConfig(dir);
  assert.throws(() => splitTaskRows(readTaskRows(t), t.split, t.file), /split\.eval_rows 4 leaves no training rows \(4 usable rows\)/);
  assert.match(readFileSync(join(dir, 'rows.csv'), 'utf8'), /^instruction,intent,response/); // the user's file untouched
});

test('wren task run on a bad folder exits 2 with one line naming the key; the run folder is not started', () => {
  const dir = folder({ ...GOOD, eval: { max_tokens: 4, temperature: 1 } }), out = join(dir, 'run');
  const r = runCli(['task', 'run', dir, '--out', out], { timeoutMs: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^wren task: .*task\.yaml: eval: unknown key 'temperature'\n$/);
  assert.equal(runCli(['task', 'fly', dir]).status, 2);
  assert.ok(!existsSync(out));
});

test('judge and large sections: strict, with defaults; --judge/--large name the teacher and keep the other settings', () => {
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, judge: { teacher: 'openai:x', temprature: 0 } })), /judge: unknown key 'temprature'/);
  assert.throws(() => loadTaskConfig(folder({ ...GOOD, large: { base_url: 'http://127.0.0.1:1/v1' } })), /large\.teacher: /);
  const t = loadTaskConfig(folder({ ...GOOD, judge: { teacher: 'openai:a', base_url: 'http://127.0.0.1:9/v1', attempts: 2 } }));
  assert.deepEqual(t.judge, { teacher: 'openai:a', base_url: 'http://127.0.0.1:9/v1', attempts: 2, concurrency: 4, max_tokens: 400 });
  assert.equal(t.eval.base_model, true);
  const o = withTeachers(t, { judge: 'ollama:b', large: 'openai:c' });
  assert.deepEqual(o.judge, { ...t.judge, teacher: 'ollama:b' });
  assert.deepEqual(o.large, { teacher: 'openai:c', concurrency: 4 });
});

test('wren task stories without a judge or prompts exits 2 naming the flag', () => {
  const r = runCli(['task', 'stories', 'some-model', '--prompts', 'p.yaml'], { timeoutMs: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--judge is required/);
  const q = runCli(['task', 'stories', 'some-model', '--judge', 'openai:x', '--base-url', 'http://127.0.0.1:9/v1'], { timeoutMs: 30_000 });
  assert.equal(q.status, 2, q.stderr);
  assert.match(q.stderr, /--prompts is required/);
});
