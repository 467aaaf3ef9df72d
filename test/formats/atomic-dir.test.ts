// makeDir and writeFileAtomic on odd paths: makeDir creates nested folders one level at a time
// and says what is wrong where Node's recursive mkdir would hang (/proc) or blame the wrong thing
// (a file in the path); writeFileAtomic follows links and leaves devices devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir, writeFileAtomic } from '../../src/formats/atomic.ts';
import { scratchDir } from '../_helpers.ts';

test('makeDir creates nested folders, accepts existing ones, and names a file in the way', () => {
  const dir = scratchDir();
  makeDir(join(dir, 'a', 'b', 'c'));
  makeDir(join(dir, 'a', 'b', 'c'));
  assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
  writeFileSync(join(dir, 'file'), 'x');
  assert.throws(() => makeDir(join(dir, 'file', 'sub')), /cannot create .*file\/sub: a part of the path is not a folder/);
});

test('makeDir under /proc fails at once instead of looping', { skip: existsSync('/proc/self') ? false : 'no /proc here' }, () => {
  assert.throws(() => makeDir('/proc/wren-no-such/dir'), /cannot create \/proc\/wren-no-such\/dir: /);
});

test('writeFileAtomic replaces the file a link names, keeping the link, and writes a device in place', { skip: existsSync('/dev/null') ? false : 'no /dev/null' }, () => {
  const dir = scratchDir();
  writeFileSync(join(dir, 'real.txt'), 'old');
  symlinkSync(join(dir, 'real.txt'), join(dir, 'link.txt'));
  writeFileAtomic(join(dir, 'link.txt'), 'new');
  assert.ok(lstatSync(join(dir, 'link.txt')).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'real.txt'), 'utf8'), 'new');
  writeFileAtomic('/dev/null', 'gone');
  assert.ok(statSync('/dev/null').isCharacterDevice());
});
