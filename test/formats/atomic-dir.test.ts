// makeDir: creates nested folders one level at a time, and says what is wrong where Node's
// recursive mkdir would hang (/proc) or blame the wrong thing (a file in the path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../../src/formats/atomic.ts';
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
