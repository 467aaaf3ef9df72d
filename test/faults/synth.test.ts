// `wren synth` killed at seeded random moments and resumed: the output is byte for byte the
// uninterrupted run's. Ctrl-C stops the built-in teacher too; a smaller --count never rewrites a
// finished file's bookkeeping; usage adds up across runs and is never invented.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli, scratchDir } from '../_helpers.ts';
import { campaigns, killCampaign, runAsync } from './_kill.ts';
import { startChatServer, type ChatServer } from '../data/chat-server.ts';

const servers: ChatServer[] = [];
after(async () => { for (const s of servers) await s.close(); });
const records = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('synth (builtin): killed and resumed, the output is the straight run\'s byte for byte', { timeout: 3_600_000 }, async () => {
  const dir = scratchDir();
  const args = (out: string) => ['synth', 'instruct', '--count', '15000', '--out', out, '--seed', '4'];
  assert.equal(runCli(args(join(dir, 'straight.jsonl'))).status, 0);
  const expected = readFileSync(join(dir, 'straight.jsonl'));
  for (let c = 0; c < campaigns(2); c++) {
    const out = join(dir, `run${c}.jsonl`);
    const { final, killed, log } = await killCampaign(args(out), { seed: 500 + c, kills: 3, watch: out, finalBytes: expected.length });
    assert.ok(killed >= 1 && final.status === 0, `campaign ${c}:\n${log.join('\n')}`);
    assert.ok(readFileSync(out).equals(expected), `campaign ${c}: the output differs from the straight run\n${log.join('\n')}`);
    assert.equal(JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')).records, 15000);
  }
});

test('Ctrl-C stops a run with the built-in teacher (which never waits on I/O)', async () => {
  const out = join(scratchDir(), 'big.jsonl');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/wren.js'), 'synth', 'stories', '--teacher', 'builtin', '--count', '1000000', '--out', out], { cwd: repoRoot });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  while (!existsSync(out) || statSync(out).size < 50_000) await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  child.kill('SIGINT');
  const status = await new Promise((r) => child.on('close', r));
  assert.equal(status, 0);
  assert.ok(performance.now() - t0 < 5000, `stopped ${Math.round(performance.now() - t0)} ms after Ctrl-C`);
  assert.match(stdout, /^stopped: \d+\/1000000 records/m);
  const n = records(out).length;
  assert.ok(n > 0 && n < 1_000_000);
});

test('a smaller --count on a finished file is refused and changes nothing; the built-in teacher counts no tokens', () => {
  const out = join(scratchDir(), 's.jsonl');
  assert.equal(runCli(['synth', 'stories', '--teacher', 'builtin', '--count', '30', '--out', out]).status, 0);
  const [data, manifest] = [readFileSync(out), readFileSync(`${out}.manifest.json`, 'utf8')];
  const r = runCli(['synth', 'stories', '--teacher', 'builtin', '--count', '10', '--out', out]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /already holds 30 records, more than --count 10; nothing was changed/);
  assert.ok(readFileSync(out).equals(data));
  assert.equal(readFileSync(`${out}.manifest.json`, 'utf8'), manifest);
  const m = JSON.parse(manifest);
  assert.deepEqual(m.usage, { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 }, 'a grammar uses no tokens');
  assert.ok(records(out).every((x) => x.usage.prompt_tokens === 0 && x.usage.completion_tokens === 0));
});

test('usage and cost add up across resumed runs', async () => {
  const s = await startChatServer('openai', { key: 'k' });
  servers.push(s);
  const out = join(scratchDir(), 'u.jsonl');
  const args = (n: number) => ['synth', 'stories', '--teacher', 'openai:gpt-test', '--base-url', `${s.url}/v1`, '--count', String(n), '--out', out, '--price-in', '1', '--price-out', '2'];
  for (const n of [4, 9]) {
    const r = await runAsync(args(n), { OPENAI_API_KEY: 'k' });
    assert.equal(r.status, 0, r.stderr);
  }
  const m = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
  const recs = records(out);
  assert.equal(recs.length, 9);
  const sum = (k: string) => recs.reduce((a, x) => a + x.usage[k], 0);
  assert.equal(m.usage.prompt_tokens, sum('prompt_tokens'), 'both runs\' prompt tokens');
  assert.equal(m.usage.completion_tokens, sum('completion_tokens'));
  assert.ok(Math.abs(m.usage.cost_usd - (sum('prompt_tokens') + 2 * sum('completion_tokens')) / 1e6) < 1e-12);
});
