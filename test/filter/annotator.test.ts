// The LLM annotator through the project's real OpenAI-compatible teacher (src/data/teachers),
// against a chat-completions test double on 127.0.0.1 (edu-teacher-double.ts says what it does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateDocuments } from '../../src/data/filter/edu/annotate-run.ts';
import { readLabels } from '../../src/data/filter/edu/labels.ts';
import { trainEduClassifierFromLabels } from '../../src/data/filter/edu/train-classifier.ts';
import { createTeacher } from '../../src/llm/create.ts';
import { repoRoot } from '../_helpers.ts';
import { eduCorpus as corpus, startEduDouble, type EduDouble } from './edu-teacher-double.ts';

let double: EduDouble;
let baseUrl = '';
before(async () => {
  double = await startEduDouble();
  baseUrl = double.baseUrl;
});
after(() => double.close());

/** The CLI as a child process, asynchronously: the test double runs in this process's event loop. */
function wren(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/wren.js', ...args], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (status) => resolve({ status, stderr }));
  });
}


test('annotate: scores land in a labels file; a rerun asks only for what is missing; labels train a classifier', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-annot-'));
  const input = corpus(dir, 14);
  const out = join(dir, 'labels.jsonl');
  const teacher = await createTeacher('openai:double', { baseUrl, env: {} });
  const start = double.requests;
  const first = await annotateDocuments({ inputs: [input], out, teacher, prompt: 'web', limit: 8, concurrency: 3, maxChars: 8000 });
  assert.equal(first.requested, 8);
  assert.equal(double.requests - start, 8);
  // A crash mid-write leaves a cut line; it is ignored and that document is asked again.
  appendFileSync(out, '{"key": "cut');
  const second = await annotateDocuments({ inputs: [input], out, teacher, prompt: 'web', limit: 100, concurrency: 3, maxChars: 8000 });
  assert.equal(second.alreadyDone, 8);
  assert.equal(second.requested, 6);
  assert.equal(double.requests - start, 14);
  assert.equal(second.unscored, 1, 'd3 stays unscored: its reply is cached, not asked again');
  assert.equal(first.unscored, 1);
  const rows = readFileSync(out, 'utf8').split('\n').filter((l) => l.startsWith('{"key":"'));
  const byId = new Map(rows.map((l) => JSON.parse(l)).map((a) => [a.id, a]));
  assert.equal(byId.size, 14);
  assert.equal(byId.get('d5').score, 5);
  assert.equal(byId.get('d13').score, 1);
  assert.equal(byId.get('d3').score, null);
  assert.equal(byId.get('d5').teacher, 'openai:double');
  const labels = readLabels(out.replace(/$/, ''));
  assert.equal(labels.examples.length, 13);
  assert.equal(labels.skipped, 1);
  const trained = await trainEduClassifierFromLabels({ labels: out, out: join(dir, 'clf'), heldOutFraction: 0.3, folds: 3 });
  assert.equal(trained.labels.rows, 13);
  await teacher.close();
});

test('wren filter with an annotator edu stage keeps by teacher score, caches answers, reports unscored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-annot-run-'));
  const input = corpus(dir, 12);
  writeFileSync(join(dir, 'r.yaml'), 'stages:\n  - stage: edu-value\n    scorer: annotator\n    threshold: 3\n');
  const args = ['filter', '--in', input, '--out', join(dir, 'o.jsonl'), '--recipe', join(dir, 'r.yaml'),
    '--teacher', 'openai:double', '--base-url', baseUrl, '--quiet', '--report', join(dir, 'rep'), '--force'];
  const start = double.requests;
  double.maxInFlight = 0;
  const r = await wren([...args, '--concurrency', '4']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(double.requests - start, 12);
  assert.ok(double.maxInFlight >= 2 && double.maxInFlight <= 4, `requests overlap, up to --concurrency: ${double.maxInFlight}`);
  const kept = readFileSync(join(dir, 'o.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(kept.map((d) => d.id), ['d4', 'd5', 'd9', 'd10', 'd11']); // "learn" × (i % 6) ≥ 3; d3 is unscored
  assert.deepEqual(kept.map((d) => d.edu_score), [4, 5, 3, 4, 5]);
  const pass = JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8')).passes[0];
  assert.equal(pass.stages[0].dropped.unscored.count, 1);
  assert.equal(pass.stages[0].dropped.low_edu_score.count, 6);
  // Rerun: every answer comes from the cache beside the output.
  const again = await wren(args);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(double.requests - start, 12, 'no document is asked twice (a reply without a score is cached too)');
  const noTeacher = await wren([...args.slice(0, 7), '--force']);
  assert.equal(noTeacher.status, 2);
  assert.match(noTeacher.stderr, /scorer 'annotator' needs a teacher \(pass --teacher\)/);
});
