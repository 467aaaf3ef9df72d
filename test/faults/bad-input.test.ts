// Every command that reads or writes files, tried with a folder, a missing file, an empty input,
// a byte-order mark, an unwritable output and a full disk: one line on stderr naming the path and
// the problem, exit 2, and earlier outputs intact. Full and read-only disks are real (small tmpfs
// mounts, see _disk.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, scratchDir, sharedFile, type CliResult } from '../_helpers.ts';
import { mountTmpfs, type Mount } from './_disk.ts';

const tok = sharedFile('llama2c-stories260K/tok512.bin');
const text = sharedFile('tinystories/TinyStories-train_head2MiB.txt');
const skip = tok.skip || text.skip;

function oneLineError(r: CliResult, ...needles: (string | RegExp)[]): void {
  assert.equal(r.status, 2, `exit ${r.status}\nstderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('wren: native kernels unavailable')); // the no-addon install's notice
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
  for (const n of needles) assert.ok(typeof n === 'string' ? lines[0].includes(n) : n.test(lines[0]), `${JSON.stringify(lines[0])} should name ${n}`);
}

/** A snapshot of a folder's files, to show they survived a failed run. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

function inputs() {
  const dir = scratchDir();
  const empty = join(dir, 'empty.jsonl'), bom = join(dir, 'bom.jsonl'), missing = join(dir, 'missing.jsonl');
  writeFileSync(empty, '');
  writeFileSync(bom, '\ufeff' + ['Once upon a time there was a cat.', 'The dog ran to the park and played.'].map((t) => JSON.stringify({ text: t })).join('\n') + '\n');
  return { dir, empty, bom, missing };
}

test('a folder, a missing file and an empty file as input; a BOM is accepted', { skip }, () => {
  const { dir, empty, bom, missing } = inputs();
  const tokenize = (input: string, out = join(dir, 'shards')) => runCli(['tokenize', '--tokenizer', tok.path, '--in', input, '--out', out]);
  oneLineError(tokenize(dir), dir, 'is a folder');
  oneLineError(tokenize(missing), missing, 'no such input file');
  oneLineError(tokenize(empty), empty, 'empty');
  assert.ok(!existsSync(join(dir, 'shards')), 'the refused runs leave no --out folder behind');
  assert.equal(tokenize(bom, join(dir, 'bom-shards')).status, 0, 'tokenize reads a JSONL file that starts with a BOM');
  const shards = snapshot(join(dir, 'bom-shards'));
  oneLineError(tokenize(bom, join(dir, 'bom-shards')), join(dir, 'bom-shards'), 'already holds token shards (index.json); pass --force');
  assert.deepEqual(snapshot(join(dir, 'bom-shards')), shards, 'the shards there are untouched');

  oneLineError(runCli(['data', 'stats', dir]), dir, 'folder');
  oneLineError(runCli(['data', 'stats', missing]), missing, 'no such file');
  oneLineError(runCli(['data', 'stats', empty]), empty, 'no records');
  const stats = runCli(['data', 'stats', bom]);
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, /2 records/);

  const filter = (input: string) => runCli(['filter', '--in', input, '--out', join(dir, 'f.jsonl'), '--recipe', 'web', '--force', '--quiet']);
  oneLineError(filter(missing), missing, 'no such file');
  oneLineError(filter(empty), empty, 'empty');
  assert.equal(filter(bom).status, 0, 'filter reads a JSONL file that starts with a BOM');
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('f.jsonl.')), ['f.jsonl.passes.json'], 'no .partial or .state debris from the failed runs');

  oneLineError(runCli(['synth', 'stories', '--teacher', 'builtin', '--count', '3', '--out', dir]), dir, 'not a file');
  const config = join(dir, 'train.json');
  oneLineError(runCli(['train', '--config', dir]), dir, 'folder');
  oneLineError(runCli(['train', '--config', missing]), missing, 'no such file');
  writeFileSync(config, '');
  oneLineError(runCli(['train', '--config', config]), config, 'empty');
  writeFileSync(config, '\ufeff' + JSON.stringify({
    model: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 512, max_position_embeddings: 32 },
    tokenizer: tok.path, data: join(dir, 'bom-shards'), out: join(dir, 'run'), batch_size: 1, seq_len: 8, steps: 2, eval_interval: 0,
  }));
  const steps = runCli(['train', '--config', config, '--steps', '-3']);
  assert.equal(steps.status, 2);
  assert.match(steps.stderr, /^wren train: --steps must be a positive integer, got -3\n$/); // the flag's fault, not the file's
  const train = runCli(['train', '--config', config, '--threads', '1']);
  assert.equal(train.status, 0, `train reads a config that starts with a BOM: ${train.stderr}`);
});

function withMount(t: { skip(m: string): void; after(fn: () => void): void }, kb: number, readOnly: boolean): Mount | undefined {
  const m = mountTmpfs(kb, { readOnly });
  if ('skip' in m) {
    assert.ok(!process.env.CI, `CI runs as root and must mount a tmpfs: ${m.skip}`);
    t.skip(m.skip);
    return undefined;
  }
  t.after(() => m.unmount());
  return m;
}

test('an unwritable output (a read-only disk) is refused before any work', { skip }, (t) => {
  const ro = withMount(t, 64, true);
  if (!ro) return;
  const { bom } = inputs();
  oneLineError(runCli(['tokenize', '--tokenizer', tok.path, '--in', bom, '--out', join(ro.dir, 'shards')]), join(ro.dir, 'shards'), 'read-only');
  oneLineError(runCli(['filter', '--in', text.path, '--out', join(ro.dir, 'f.jsonl'), '--recipe', 'web', '--quiet']), ro.dir, 'read-only');
  const report = runCli(['filter', '--in', text.path, '--out', join(scratchDir(), 'f.jsonl'), '--recipe', 'web', '--quiet', '--report', join(ro.dir, 'rep')]);
  oneLineError(report, join(ro.dir, 'rep'), 'read-only');
  assert.doesNotMatch(report.stdout, /kept/, 'refused before the pass ran');
  oneLineError(runCli(['synth', 'stories', '--teacher', 'builtin', '--count', '3', '--out', join(ro.dir, 's.jsonl')]), join(ro.dir, 's.jsonl'), 'read-only');
});

test('a full disk: one line naming the file, and what was there before survives', { skip }, (t) => {
  const full = withMount(t, 96, false);
  if (!full) return;
  const { bom } = inputs();
  // tokenize: small shards fit; replacing them with the big corpus fills the disk, the old ones stay.
  const shards = join(full.dir, 'shards');
  assert.equal(runCli(['tokenize', '--tokenizer', tok.path, '--in', bom, '--out', shards]).status, 0);
  const before = snapshot(shards);
  oneLineError(runCli(['tokenize', '--tokenizer', tok.path, '--in', text.path, '--out', shards, '--force']), shards, 'the disk is full');
  assert.deepEqual(snapshot(shards), before, 'the earlier shards and index are intact');

  // filter: the output appears only when complete; an earlier one is never replaced by a part.
  const out = join(full.dir, 'f.jsonl');
  assert.equal(runCli(['filter', '--in', bom, '--out', out, '--recipe', 'web', '--quiet']).status, 0);
  const kept = readFileSync(out);
  oneLineError(runCli(['filter', '--in', text.path, '--out', out, '--recipe', 'stories', '--quiet', '--force']), full.dir, 'the disk is full');
  assert.ok(readFileSync(out).equals(kept), 'the earlier output is intact');
  assert.deepEqual(readdirSync(full.dir).filter((f) => /\.(partial|state)$/.test(f)), [], 'no debris left on the full disk');

  // synth: records already written stay whole; the file ends on a complete line.
  const s = join(full.dir, 's.jsonl');
  assert.equal(runCli(['synth', 'stories', '--teacher', 'builtin', '--count', '10', '--out', s]).status, 0);
  const first = readFileSync(s, 'utf8');
  oneLineError(runCli(['synth', 'stories', '--teacher', 'builtin', '--count', '5000', '--out', s]), full.dir, 'the disk is full');
  const after = readFileSync(s, 'utf8');
  assert.ok(after.startsWith(first) && after.endsWith('\n'), 'the earlier records are intact and the file ends on a whole record');
  for (const line of after.trim().split('\n')) JSON.parse(line);
});
