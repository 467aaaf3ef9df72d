// An output folder of one kind is never written by a command of another kind, --force or not
// (a router trained into a guard's folder used to overwrite its classifier/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutFolder } from '../../src/formats/out-folder.ts';
import { runCli, scratchDir } from '../_helpers.ts';

test('checkOutFolder: new and empty folders pass, its own kind needs --force, other files never pass', () => {
  const dir = scratchDir(), o = { marker: 'router.json', what: 'a router' };
  checkOutFolder(join(dir, 'new'), { ...o, force: false });
  mkdirSync(join(dir, 'empty'));
  checkOutFolder(join(dir, 'empty'), { ...o, force: false });
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'router.json'), '{}');
  assert.throws(() => checkOutFolder(join(dir, 'mine'), { ...o, force: false }), /already holds a router; pass --force to replace it/);
  checkOutFolder(join(dir, 'mine'), { ...o, force: true });
  mkdirSync(join(dir, 'guard'));
  writeFileSync(join(dir, 'guard', 'guard.json'), '{}');
  assert.throws(() => checkOutFolder(join(dir, 'guard'), { ...o, force: true }), /holds files that are not a router \(no router\.json\); choose an empty or new folder/);
  writeFileSync(join(dir, 'file'), 'x');
  assert.throws(() => checkOutFolder(join(dir, 'file'), { ...o, force: true }), /is a file, not a folder/);
});

test('router train and filter train-classifier refuse a guard folder; the guard is untouched', () => {
  const dir = scratchDir(), guard = join(dir, 'guard');
  mkdirSync(join(guard, 'classifier'), { recursive: true });
  writeFileSync(join(guard, 'guard.json'), '{"format":"wren-guard"}');
  writeFileSync(join(guard, 'weights.f32'), 'weights');
  let r = runCli(['router', 'train', '--policy', 'heuristic', '--out', guard, '--force']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /holds files that are not a router \(no router\.json\)/);
  writeFileSync(join(dir, 'labels.jsonl'), '{"text":"a b c","score":1}\n');
  r = runCli(['filter', 'train-classifier', '--labels', join(dir, 'labels.jsonl'), '--out', guard, '--force']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /holds files that are not an edu-value classifier \(no classifier\.json\)/);
  assert.equal(readFileSync(join(guard, 'weights.f32'), 'utf8'), 'weights');
});
