// `wren synth` as a user runs it: a child process killed with SIGKILL at a random moment and run
// again ends with exactly N unique records (the same ones an uninterrupted run writes), and bad
// input gets a clear error with nothing overwritten.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/data/seeds/rng.ts';
import { startChatServer, type ChatServer } from './chat-server.ts';
import { repoRoot } from '../_helpers.ts';

const wren = join(repoRoot, 'bin/wren.js');
const dir = mkdtempSync(join(tmpdir(), 'wren-synth-'));
const servers: ChatServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT']) if (!(k in extra)) delete e[k];
  return e;
}

/** The grammar teacher unless a test names one (stories default to the bundled model teacher). */
function builtinUnlessNamed(args: string[]): string[] {
  return args.includes('--teacher') ? args : [...args, '--teacher', 'builtin'];
}

function synth(args: string[], extraEnv?: Record<string, string>) {
  return spawnSync(process.execPath, [wren, 'synth', ...builtinUnlessNamed(args)], { cwd: repoRoot, env: env(extraEnv), encoding: 'utf8', timeout: 120_000 });
}

/** Like synth, without blocking this process (the test's HTTP server must keep answering). */
function synthAsync(args: string[], extraEnv?: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [wren, 'synth', ...builtinUnlessNamed(args)], { cwd: repoRoot, env: env(extraEnv) });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the CLI, waits until it has written `minRecords`, waits a random extra moment, SIGKILLs it. */
async function killMidRun(args: string[], out: string, minRecords: number, extraMs: number, extraEnv?: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [wren, 'synth', ...builtinUnlessNamed(args)], { cwd: repoRoot, env: env(extraEnv), stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  const t0 = Date.now();
  while (!exited && Date.now() - t0 < 60_000) {
    if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length - 1 >= minRecords) break;
    await sleep(5);
  }
  await sleep(extraMs);
  assert.equal(exited, false, 'the run finished before it could be killed; make it longer');
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  return readFileSync(out, 'utf8').split('\n').length - 1;
}

test('builtin: killed at a random moment and resumed, ends with exactly N unique records, the same as an unbroken run', async () => {
  const N = 20_000;
  const rng = new Rng(Number(process.env.WREN_TEST_SEED ?? Date.now() % 100000));
  const extra = rng.below(500);
  const killed = join(dir, 'killed.jsonl');
  const atKill = await killMidRun(['stories', '--count', String(N), '--out', killed, '--seed', '11'], killed, 1, extra);
  assert.ok(atKill > 0 && atKill < N, `killed with ${atKill} records (extra wait ${extra} ms)`);
  const r = synth(['stories', '--count', String(N), '--out', killed]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`done: ${N}/${N} records`));
  assert.match(r.stdout, /were already there/);

  const whole = join(dir, 'whole.jsonl');
  assert.equal(synth(['stories', '--count', String(N), '--out', whole, '--seed', '11']).status, 0);
  const a = lines(killed);
  const b = lines(whole);
  assert.equal(a.length, N);
  assert.equal(new Set(a.map((x) => x.index)).size, N, 'no job twice');
  assert.equal(new Set(a.map((x) => x.text)).size, N, 'no story twice');
  const byIndex = new Map(b.map((x) => [x.index, x.text]));
  for (const x of a) assert.equal(x.text, byIndex.get(x.index), `job ${x.index} differs from the unbroken run`);
  const manifest = JSON.parse(readFileSync(`${killed}.manifest.json`, 'utf8'));
  assert.equal(manifest.records, N);
  assert.equal(manifest.seed, 11);
  // running again when the file is complete does nothing
  const size = statSync(killed).size;
  const again = synth(['stories', '--count', String(N), '--out', killed]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(statSync(killed).size, size);
});

test('HTTP teacher with requests in flight: killed and resumed ends with exactly N unique records', async () => {
  const s = await startChatServer('openai', { key: 'k' });
  servers.push(s);
  s.latencyMs = 15;
  const N = 150;
  const out = join(dir, 'http.jsonl');
  const args = ['stories', '--teacher', 'openai:gpt-test', '--base-url', `${s.url}/v1`, '--count', String(N), '--out', out, '--concurrency', '4', '--seed', '5'];
  const atKill = await killMidRun(args, out, 20, new Rng(7).below(100), { OPENAI_API_KEY: 'k' });
  assert.ok(atKill >= 20 && atKill < N);
  const r = await synthAsync(args, { OPENAI_API_KEY: 'k' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`done: ${N}/${N} records`));
  const recs = lines(out);
  assert.equal(recs.length, N);
  assert.equal(new Set(recs.map((x) => x.index)).size, N);
  assert.equal(new Set(recs.map((x) => x.text)).size, N);
});

test('a fragment left by a killed write is cut off and the job written again', () => {
  const out = join(dir, 'fragment.jsonl');
  assert.equal(synth(['stories', '--count', '5', '--out', out, '--seed', '2']).status, 0);
  const full = readFileSync(out, 'utf8').split('\n');
  writeFileSync(out, full.slice(0, 3).join('\n') + '\n' + full[3].slice(0, 40));
  const r = synth(['stories', '--count', '5', '--out', out, '--seed', '2']);
  assert.equal(r.status, 0, r.stderr);
  const recs = lines(out);
  assert.equal(recs.length, 5);
  assert.deepEqual(recs.map((x) => x.index).sort(), [0, 1, 2, 3, 4]);
});

test('bad input: clear errors, exit code 2, nothing overwritten', () => {
  const unknown = synth(['stories', '--teacher', 'gpt5', '--count', '3', '--out', join(dir, 'u.jsonl')]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown teacher 'gpt5'; use wren, builtin, openai:MODEL/);

  const nokey = synth(['stories', '--teacher', 'openai:gpt-4o-mini', '--count', '3', '--out', join(dir, 'k.jsonl')]);
  assert.equal(nokey.status, 2);
  assert.match(nokey.stderr, /needs an API key: set OPENAI_API_KEY/);
  assert.equal(existsSync(join(dir, 'k.jsonl')), false);

  const recipe = join(dir, 'no-placeholders.json');
  writeFileSync(recipe, JSON.stringify({ format: 'wren-recipe', version: 1, name: 'mine', kind: 'story', prompt: 'Write a story about a dog.' }));
  const np = synth(['stories', '--recipe', recipe, '--count', '3', '--out', join(dir, 'np.jsonl')]);
  assert.equal(np.status, 2);
  assert.match(np.stderr, /no-placeholders\.json: recipe field "prompt" must contain the seed placeholders \{verb\} \{noun\} \{adjective\}; missing \{verb\} \{noun\} \{adjective\}/);

  const textbook = synth(['textbook', '--count', '3', '--out', join(dir, 'tb.jsonl')]);
  assert.equal(textbook.status, 2);
  assert.match(textbook.stderr, /builtin teacher cannot write textbook records.*openai:MODEL/);

  const other = join(dir, 'instruct.jsonl');
  assert.equal(synth(['instruct', '--count', '4', '--out', other]).status, 0);
  appendFileSync(other, '{"text":"half a reco');
  const before = readFileSync(other);
  const mixed = synth(['stories', '--count', '8', '--out', other]);
  assert.equal(mixed.status, 2);
  assert.match(mixed.stderr, /was started with recipe 'tinystories-instruct', and this run writes recipe 'tinystories'; nothing was changed/);
  rmManifest(other);
  const mixed2 = synth(['stories', '--count', '8', '--out', other]);
  assert.equal(mixed2.status, 2);
  assert.match(mixed2.stderr, /instruct\.jsonl:1: holds records of recipe 'tinystories-instruct', and this run writes recipe 'tinystories'; nothing was changed/);
  assert.deepEqual(readFileSync(other), before, 'the file is byte for byte as it was, fragment included');

  const seeded = join(dir, 'seeded.jsonl');
  assert.equal(synth(['stories', '--count', '2', '--out', seeded, '--seed', '1']).status, 0);
  const wrongSeed = synth(['stories', '--count', '4', '--out', seeded, '--seed', '2']);
  assert.equal(wrongSeed.status, 2);
  assert.match(wrongSeed.stderr, /was started with --seed 1; resume it with the same seed/);

  const badCount = synth(['stories', '--count', '0', '--out', join(dir, 'c.jsonl')]);
  assert.equal(badCount.status, 2);
  assert.match(badCount.stderr, /--count must be an integer in \[1, 100000000\], got '0'/);
  const noKind = synth(['poems', '--count', '1', '--out', join(dir, 'p.jsonl')]);
  assert.equal(noKind.status, 2);
  assert.match(noKind.stderr, /say what to make: stories, instruct or textbook/);
});

function rmManifest(out: string): void {
  spawnSync('rm', ['-f', `${out}.manifest.json`]);
}

test('the progress line: bar, count, percent, rate, ETA, drops', async () => {
  const { progressLine } = await import('../../src/cli/synth.ts');
  const line = progressLine({ records: 250, count: 1000, written: 250, dropped: 3, retries: 5, elapsedS: 10, perSecond: 25, etaS: 30 }, 20);
  assert.equal(line, '[#####---------------] 250/1000 25.0% 25.0/s ETA 0:30 dropped 3');
  assert.match(progressLine({ records: 0, count: 10, written: 0, dropped: 0, retries: 0, elapsedS: 0, perSecond: 0, etaS: Infinity }), /ETA --:--/);
});

test('Ctrl-C (SIGINT) stops cleanly: complete records only, a "stopped" report, and the run resumes', async () => {
  const s = await startChatServer('ollama');
  servers.push(s);
  s.latencyMs = 40;
  const out = join(dir, 'sigint.jsonl');
  const args = ['stories', '--teacher', 'ollama:tiny', '--base-url', `${s.url}/v1`, '--count', '60', '--out', out, '--concurrency', '3'];
  const child = spawn(process.execPath, [wren, 'synth', ...args], { cwd: repoRoot, env: env() });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  while (!existsSync(out) || readFileSync(out, 'utf8').split('\n').length - 1 < 10) await sleep(5);
  child.kill('SIGINT');
  const status = await new Promise((r) => child.on('close', r));
  assert.equal(status, 0);
  assert.match(stdout, /^stopped: \d+\/60 records/m);
  assert.match(stdout, /run the same command again to resume/);
  const partial = lines(out);
  assert.ok(partial.length >= 10 && partial.length < 60);
  const r = await synthAsync(args);
  assert.equal(r.status, 0, r.stderr);
  const recs = lines(out);
  assert.equal(recs.length, 60);
  assert.equal(new Set(recs.map((x) => x.index)).size, 60);
});

test('an --out in a folder that does not exist is a clear error', () => {
  const r = synth(['stories', '--count', '2', '--out', join(dir, 'no-such-folder', 'x.jsonl')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no-such-folder does not exist/);
});

test('--shard i/n: shards take disjoint jobs, and together they are the unsharded run', () => {
  const whole = join(dir, 'unsharded.jsonl');
  assert.equal(synth(['stories', '--count', '40', '--out', whole, '--seed', '4']).status, 0);
  const parts = [0, 1, 2, 3].map((i) => {
    const out = join(dir, `shard-${i}.jsonl`);
    const r = synth(['stories', '--count', '10', '--out', out, '--seed', '4', '--shard', `${i}/4`]);
    assert.equal(r.status, 0, r.stderr);
    return lines(out);
  });
  for (const [i, p] of parts.entries()) for (const r of p) assert.equal((r.index as number) % 4, i);
  const union = parts.flat().sort((a, b) => (a.index as number) - (b.index as number)).map((r) => r.text);
  assert.deepEqual(union, lines(whole).sort((a, b) => (a.index as number) - (b.index as number)).map((r) => r.text));
  const wrong = synth(['stories', '--count', '12', '--out', join(dir, 'shard-1.jsonl'), '--seed', '4', '--shard', '2/4']);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /was started as shard 1\/4/);
  assert.match(synth(['stories', '--count', '1', '--out', join(dir, 's.jsonl'), '--shard', '4/4']).stderr, /--shard must be i\/n with 0 <= i < n, got '4\/4'/);
});
