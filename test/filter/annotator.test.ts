// The LLM annotator through the project's real OpenAI-compatible teacher (src/data/teachers).
// TEST DOUBLE: the chat-completions server below is a tiny stand-in for an LLM on 127.0.0.1. It
// "scores" an extract by counting the word "learn" in it (capped at 5) and answers in FineWeb-Edu's
// format; a document containing NOSCORE gets a reply without a score. It counts requests, so the
// tests can check that resumed runs do not ask again, and how many requests overlap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotateDocuments } from '../../src/data/filter/edu/annotate-run.ts';
import { readLabels } from '../../src/data/filter/edu/labels.ts';
import { trainEduClassifierFromLabels } from '../../src/data/filter/edu/train-classifier.ts';
import { createTeacher } from '../../src/data/teachers/create.ts';
import { repoRoot } from '../_helpers.ts';

let server: Server;
let baseUrl = '';
let requests = 0;
let inFlight = 0, maxInFlight = 0;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.on('end', async () => {
      await new Promise((r) => setTimeout(r, 10)); // a little latency, so overlapping requests show
      inFlight--;
      requests++;
      const prompt: string = JSON.parse(body).messages[0].content;
      const extract = prompt.slice(prompt.indexOf('The extract:'), prompt.indexOf('After examining'));
      const n = Math.min(5, (extract.match(/\blearn\b/g) ?? []).length);
      const content = extract.includes('NOSCORE') ? 'I cannot judge this extract.' : `The extract mentions learning ${n} times.\nEducational score: ${n}`;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 12 }, model: 'double' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** The CLI as a child process, asynchronously: the test double runs in this process's event loop. */
function wren(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/wren.js', ...args], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (status) => resolve({ status, stderr }));
  });
}

function corpus(dir: string, n: number): string {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
    id: `d${i}`,
    text: `Document ${i} about the water cycle and how rain forms over the sea and the land. ${'We learn this. '.repeat(i % 6)}${i === 3 ? 'NOSCORE' : ''}`,
  }));
  const p = join(dir, 'docs.jsonl');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

test('annotate: scores land in a labels file; a rerun asks only for what is missing; labels train a classifier', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-annot-'));
  const input = corpus(dir, 14);
  const out = join(dir, 'labels.jsonl');
  const teacher = await createTeacher('openai:double', { baseUrl, env: {} });
  const start = requests;
  const first = await annotateDocuments({ inputs: [input], out, teacher, prompt: 'web', limit: 8, concurrency: 3, maxChars: 8000 });
  assert.equal(first.requested, 8);
  assert.equal(requests - start, 8);
  // A crash mid-write leaves a cut line; it is ignored and that document is asked again.
  appendFileSync(out, '{"key": "cut');
  const second = await annotateDocuments({ inputs: [input], out, teacher, prompt: 'web', limit: 100, concurrency: 3, maxChars: 8000 });
  assert.equal(second.alreadyDone, 8);
  assert.equal(second.requested, 6);
  assert.equal(requests - start, 14);
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
    '--teacher', 'openai:double', '--base-url', baseUrl, '--quiet', '--report', join(dir, 'rep'), '--overwrite'];
  const start = requests;
  maxInFlight = 0;
  const r = await wren([...args, '--concurrency', '4']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(requests - start, 12);
  assert.ok(maxInFlight >= 2 && maxInFlight <= 4, `requests overlap, up to --concurrency: ${maxInFlight}`);
  const kept = readFileSync(join(dir, 'o.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(kept.map((d) => d.id), ['d4', 'd5', 'd9', 'd10', 'd11']); // "learn" × (i % 6) ≥ 3; d3 is unscored
  assert.deepEqual(kept.map((d) => d.edu_score), [4, 5, 3, 4, 5]);
  const pass = JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8')).passes[0];
  assert.equal(pass.stages[0].dropped.unscored.count, 1);
  assert.equal(pass.stages[0].dropped.low_edu_score.count, 6);
  // Rerun: every answer comes from the cache beside the output.
  const again = await wren(args);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(requests - start, 12, 'no document is asked twice (a reply without a score is cached too)');
  const noTeacher = await wren([...args.slice(0, 7), '--overwrite']);
  assert.equal(noTeacher.status, 2);
  assert.match(noTeacher.stderr, /scorer 'annotator' needs a teacher \(pass --teacher\)/);
});
