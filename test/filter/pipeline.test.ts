// End-to-end filter runs through the CLI: resume after SIGKILL, malformed JSONL, binary files in a
// folder, unknown recipe keys, a second stricter pass over the first pass's output, sharding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../src/util/rng.ts';
import { WrenError } from '../../src/errors.ts';
import { loadRecipe } from '../../src/data/filter/recipe.ts';
import { repoRoot, runCli } from '../_helpers.ts';
import { word } from './helpers.ts';

const wren = (args: string[]) => runCli(['filter', ...args]);

/** A JSONL corpus of short stories with planted exact and near duplicates. */
function corpus(path: string, n: number, seed = 1): void {
  const rand = mulberry32(seed);
  const lines: string[] = [];
  const stories: string[] = [];
  for (let i = 0; i < n; i++) {
    let text: string;
    if (i > 10 && rand() < 0.1) text = stories[Math.floor(rand() * stories.length)]; // exact duplicate
    else {
      const w = Array.from({ length: 60 }, () => word(Math.floor(rand() * 3000), 4 + Math.floor(rand() * 3)));
      text = `Once upon a time the ${w.slice(0, 20).join(' ')}. She was happy and the ${w.slice(20, 40).join(' ')}. "We can play," said the ${w.slice(40).join(' ')}.`;
      stories.push(text);
    }
    lines.push(JSON.stringify({ id: `s${i}`, text, source: 'test' }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

test('a run killed midway and resumed writes the same output as an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-resume-'));
  const input = join(dir, 'in.jsonl');
  corpus(input, 12000);
  const args = (out: string) => ['--in', input, '--out', out, '--recipe', 'stories', '--checkpoint-every', '500', '--quiet', '--report', `${out}.report`];
  const full = wren(args(join(dir, 'full.jsonl')));
  assert.equal(full.status, 0, full.stderr);

  const out = join(dir, 'resumed.jsonl');
  const child = spawn(process.execPath, ['bin/wren.js', 'filter', ...args(out)], { cwd: repoRoot, stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const started = Date.now();
  let killedAt = -1;
  while (Date.now() - started < 60_000) {
    if (existsSync(`${out}.ckpt.json`)) {
      const c = JSON.parse(readFileSync(`${out}.ckpt.json`, 'utf8'));
      if (c.nextUnit >= 1000) { child.kill('SIGKILL'); killedAt = c.nextUnit; break; }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await exited;
  assert.ok(killedAt > 0, 'the child wrote a checkpoint before it was killed');
  assert.ok(!existsSync(out), 'a killed run leaves no file under the final name');
  assert.ok(existsSync(`${out}.partial`));
  const ckpt = JSON.parse(readFileSync(`${out}.ckpt.json`, 'utf8'));
  assert.ok(ckpt.nextUnit < 12000, `killed midway (checkpoint at unit ${ckpt.nextUnit})`);

  const resumed = wren(args(out));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(dir, 'full.jsonl'), 'utf8'));
  const a = JSON.parse(readFileSync(`${out}.report/report.json`, 'utf8')).passes[0];
  const b = JSON.parse(readFileSync(join(dir, 'full.jsonl.report/report.json'), 'utf8')).passes[0];
  assert.deepEqual(a.stages.map((s: { docsOut: number }) => s.docsOut), b.stages.map((s: { docsOut: number }) => s.docsOut));
  assert.ok(b.stages.find((s: { name: string }) => s.name === 'exact-dedup').dropped.exact_duplicate.count > 500);
  assert.ok(!existsSync(`${out}.ckpt.json`) && !existsSync(`${out}.state`), 'checkpoint files are removed at the end');
});

test('a malformed JSONL line is reported with file and line; --skip-bad continues and reports it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-bad-'));
  const input = join(dir, 'bad.jsonl');
  const good = (i: number) => JSON.stringify({ text: `Story ${i}: the dog and the cat played in the park with a ball all day long.` });
  writeFileSync(input, [good(1), good(2), '{"text": "cut off', good(4), '{"title": "no text"}', good(6)].join('\n') + '\n');
  const r = wren(['--in', input, '--out', join(dir, 'o.jsonl'), '--recipe', 'stories', '--quiet']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.jsonl:3: not valid JSON .*--skip-bad/);
  assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  const s = wren(['--in', input, '--out', join(dir, 'o.jsonl'), '--recipe', 'stories', '--quiet', '--skip-bad', '--report', join(dir, 'rep')]);
  assert.equal(s.status, 0, s.stderr);
  const pass = JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8')).passes[0];
  assert.equal(pass.input.docs, 4);
  assert.equal(pass.input.skipped.bad_json.count, 1);
  assert.match(pass.input.skipped.bad_json.examples[0].origin, /bad\.jsonl:3$/);
  assert.match(pass.input.skipped.bad_record.examples[0].origin, /bad\.jsonl:5$/);
  assert.match(readFileSync(join(dir, 'rep', 'report.md'), 'utf8'), /bad_json \| 1 /);
});

test('binary files and symlinks in a source folder are skipped and reported; code is filtered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-bin-'));
  const src = join(dir, 'pkg');
  mkdirSync(join(src, 'lib'), { recursive: true });
  const code = ['/**', ' * Adds two numbers.', ' * @param a first', ' * @returns the sum', ' */', 'export function add(a, b) {', '  // plain addition', '  return a + b;', '}', ''].join('\n');
  writeFileSync(join(src, 'lib', 'add.js'), code);
  writeFileSync(join(src, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  writeFileSync(join(src, 'blob.dat'), Buffer.from([0xff, 0xfe, 0xfd, 0x41, 0x42]));
  writeFileSync(join(src, 'package.json'), '{"name": "pkg"}\n');
  symlinkSync(join(src, 'lib', 'add.js'), join(src, 'link.js'));
  const r = wren(['--in', src, '--out', join(dir, 'o.jsonl'), '--recipe', 'code', '--quiet', '--report', join(dir, 'rep')]);
  assert.equal(r.status, 0, r.stderr);
  const pass = JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8')).passes[0];
  assert.equal(pass.input.skipped.binary.count, 2);
  assert.equal(pass.input.skipped.symlink.count, 1);
  assert.deepEqual(pass.input.skipped.binary.examples.map((e: { origin: string }) => e.origin).sort(), ['pkg/blob.dat', 'pkg/logo.png']);
  const kept = readFileSync(join(dir, 'o.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(kept.map((d) => d.path), ['pkg/lib/add.js']);
  assert.equal(kept[0].text, code.trimEnd());
  const cq = pass.stages.find((s: { name: string }) => s.name === 'code-quality');
  assert.equal(cq.dropped.not_source.examples[0].id, 'pkg/package.json');
  assert.ok(existsSync(join(dir, 'rep', 'funnel.svg')) && existsSync(join(dir, 'rep', 'edu-value-histogram.svg')));
});

test('recipe errors: unknown key, unknown stage, unknown top-level key, bad value — exit 2 with a clear message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-recipe-'));
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, JSON.stringify({ text: 'hello there' }) + '\n');
  const cases: [string, RegExp][] = [
    ['stages:\n  - stage: gopher-quality\n    minWord: 50\n', /stages\[0\] \(gopher-quality 'gopher-quality'\): unknown key 'minWord' \(did you mean 'minWords'\?\)/],
    ['stages:\n  - stage: gopher-qualty\n', /unknown stage 'gopher-qualty'; known stages: normalize, /],
    ['stage:\n  - stage: normalize\n', /unknown key 'stage'; known keys: name, description, extends, stages, set/],
    ['stages:\n  - stage: minhash-dedup\n    bands: many\n', /'bands' must be a number/],
    ['extends: web\nset:\n  edu: { threshold: 3 }\n', /set\.edu: no stage named 'edu'/],
    ['stages: [\n', /not valid YAML/],
  ];
  for (const [body, re] of cases) {
    writeFileSync(join(dir, 'r.yaml'), body);
    assert.throws(() => loadRecipe(join(dir, 'r.yaml')), (err: Error) => err instanceof WrenError && re.test(err.message), body);
  }
  writeFileSync(join(dir, 'r.json'), JSON.stringify({ stages: [{ stage: 'normalize', unicod: 'NFC' }] }));
  const bad = wren(['--in', input, '--out', join(dir, 'o.jsonl'), '--recipe', join(dir, 'r.json'), '--quiet']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /r\.json: stages\[0\] \(normalize 'normalize'\): unknown key 'unicod' \(did you mean 'unicode'\?\)/);
  assert.ok(!existsSync(join(dir, 'o.jsonl')));
  const r = wren(['--in', input, '--out', join(dir, 'o.jsonl'), '--recipe', 'webb']);
  assert.match(r.stderr, /recipe 'webb': no such file, and not a built-in recipe \(built-ins: web, code, stories\)/);
});

test('a second, stricter pass over the first pass output: the report shows both passes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-pass-'));
  const input = join(dir, 'in.jsonl');
  corpus(input, 400, 7);
  const p1 = wren(['--in', input, '--out', join(dir, 'p1.jsonl'), '--recipe', 'stories', '--quiet']);
  assert.equal(p1.status, 0, p1.stderr);
  writeFileSync(join(dir, 'strict.yaml'), 'name: stories-strict\nextends: stories\nset:\n  edu-value: { threshold: 3.5 }\n  gopher-quality: { minWords: 62 }\n');
  const p2 = wren(['--in', join(dir, 'p1.jsonl'), '--out', join(dir, 'p2.jsonl'), '--recipe', join(dir, 'strict.yaml'), '--quiet', '--report', join(dir, 'rep')]);
  assert.equal(p2.status, 0, p2.stderr);
  const report = JSON.parse(readFileSync(join(dir, 'rep', 'report.json'), 'utf8'));
  assert.deepEqual(report.passes.map((p: { recipe: { name: string } }) => p.recipe.name), ['stories', 'stories-strict']);
  assert.equal(report.passes[1].input.docs, report.passes[0].docsOut);
  const ids1 = new Set(readFileSync(join(dir, 'p1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id));
  const out2 = readFileSync(join(dir, 'p2.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(out2.length < ids1.size && out2.every((d) => ids1.has(d.id) && d.edu_score >= 3.5));
  const md = readFileSync(join(dir, 'rep', 'report.md'), 'utf8');
  assert.match(md, /## Passes/);
  assert.match(md, /\| 2 \| stories-strict/);
  // An existing output is not replaced without --force.
  const again = wren(['--in', input, '--out', join(dir, 'p1.jsonl'), '--recipe', 'stories', '--quiet']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /p1\.jsonl exists; pass --force/);
});

test('shards 0/2 and 1/2 split the input units between them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wren-shard-'));
  const input = join(dir, 'in.jsonl');
  corpus(input, 300, 3);
  const docs = [0, 1].map((i) => {
    const r = wren(['--in', input, '--out', join(dir, `s${i}.jsonl`), '--recipe', 'stories', '--quiet', '--shard', `${i}/2`, '--report', join(dir, `r${i}`)]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(readFileSync(join(dir, `r${i}`, 'report.json'), 'utf8')).passes[0].input.docs;
  });
  assert.deepEqual(docs, [150, 150]);
  assert.match(wren(['--in', input, '--out', join(dir, 'x.jsonl'), '--recipe', 'stories', '--shard', '2/2']).stderr, /--shard must be i\/n with 0 ≤ i < n/);
});

test('the code recipe on this checkout\'s node_modules: binaries skipped, real code kept, a readable report', async () => {
  const { runFilter } = await import('../../src/data/filter/pipeline.ts');
  const { reportMarkdown } = await import('../../src/data/filter/report-writer.ts');
  const dir = mkdtempSync(join(tmpdir(), 'wren-nm-'));
  const { pass, passes } = await runFilter({ inputs: [join(repoRoot, 'node_modules')], output: join(dir, 'code.jsonl'), recipe: loadRecipe('code') });
  const skipped = pass.input.skipped;
  assert.ok((skipped.binary?.count ?? 0) >= 1, 'the esbuild executable is named a binary');
  assert.ok(skipped.binary.examples.some((e: { origin: string }) => /esbuild/.test(e.origin)));
  assert.ok(pass.input.docs > 100 && pass.docsOut > 20 && pass.docsOut < pass.input.docs);
  const cq = pass.stages.find((s) => s.kind === 'code-quality')!;
  assert.ok(cq.dropped.not_source.count > 0, 'package.json and README files are not source');
  const kept = readFileSync(join(dir, 'code.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(kept.every((d) => /\.(js|mjs|cjs|ts|mts|cts|sh)$/.test(d.path) && d.edu_score >= 3)); // playwright-core ships shell scripts
  const md = reportMarkdown(passes);
  assert.match(md, /^# Filter report: code/);
  assert.match(md, /\| 0 \| read inputs \|/);
  assert.match(md, /### Inputs not read/);
  assert.match(md, /few_comments \| \d+ \| [\d.]+% \| `node_modules\//);
});

test('a run stopped by a bad line resumes with --skip-bad from its checkpoint; a changed recipe refuses the checkpoint', async () => {
  const { runFilter } = await import('../../src/data/filter/pipeline.ts');
  const dir = mkdtempSync(join(tmpdir(), 'wren-ckpt-'));
  const input = join(dir, 'in.jsonl');
  corpus(input, 3000, 5);
  const lines = readFileSync(input, 'utf8').split('\n');
  lines[2499] = '{"text": broken';
  writeFileSync(input, lines.join('\n'));
  const out = join(dir, 'out.jsonl');
  const run = (recipe: string, skipBad: boolean, output = out) =>
    runFilter({ inputs: [input], output, recipe: loadRecipe(recipe), checkpointEvery: 1000, read: { skipBad } });
  await assert.rejects(run('stories', false), /in\.jsonl:2500: not valid JSON/);
  const ckpt = JSON.parse(readFileSync(`${out}.ckpt.json`, 'utf8'));
  assert.equal(ckpt.nextUnit, 2000);
  await assert.rejects(run('web', true), /this checkpoint belongs to a run with different inputs, recipe or flags/);
  const resumed = await run('stories', true);
  assert.equal(resumed.pass.input.skipped.bad_json.count, 1);
  const clean = await run('stories', true, join(dir, 'clean.jsonl'));
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(dir, 'clean.jsonl'), 'utf8'));
  assert.equal(resumed.pass.docsOut, clean.pass.docsOut);
  assert.equal(resumed.pass.input.docs, clean.pass.input.docs);
});
