// The one append-only log writer: records land whole at the end it knows (even after the file was
// reopened, cut or padded), and a reader keeps exactly the complete records of a torn file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppendLog, crc32, parseLog, readLog } from '../../src/formats/append-log.ts';
import { scratchDir } from '../_helpers.ts';

test('CRC-32 is the IEEE one (zlib, gzip)', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('line logs: a torn tail is cut on open; appends go after the last whole record', () => {
  const path = join(scratchDir(), 'log.jsonl');
  const log = AppendLog.open(path, 'line', { fresh: true });
  log.append('{"a":1}', '{"b":2}');
  log.close();
  appendFileSync(path, '{"c":'); // what a kill or a full disk leaves
  assert.deepEqual(readLog(path, 'line').tornBytes, 5);
  const again = AppendLog.open(path, 'line');
  assert.equal(again.bytes, 16);
  again.append('{"d":4}');
  again.close();
  assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n{"b":2}\n{"d":4}\n');
  assert.throws(() => AppendLog.open(path, 'line').append('two\nlines'), /may not contain a newline/);
});

test('frame logs: CRC-checked records; opening at a checkpoint length cuts what followed', () => {
  const path = join(scratchDir(), 'keys.state');
  const log = AppendLog.open(path, 'frame', { fresh: true });
  const first = log.append(Buffer.from([1, 2, 3]));
  log.append(Buffer.from('second'), Buffer.from(''));
  log.close();
  const whole = readLog(path, 'frame');
  assert.deepEqual(whole.records.map((r) => r.toString('latin1')), ['\x01\x02\x03', 'second', '']);
  assert.equal(whole.tornBytes, 0);
  // Zeros padded after the end (the old key log's failure) and a flipped byte are both torn tails.
  appendFileSync(path, Buffer.alloc(24));
  assert.deepEqual([readLog(path, 'frame').records.length, readLog(path, 'frame').tornBytes], [3, 24]);
  const bytes = readFileSync(path);
  bytes[first + 9] ^= 0xff;
  assert.deepEqual(parseLog(bytes, 'frame').records.length, 1, 'a corrupt record ends the log');
  // Reopen at the first record's end, as a checkpoint would; the next append lands exactly there.
  const resumed = AppendLog.open(path, 'frame', { at: first });
  resumed.append(Buffer.from('after'));
  resumed.close();
  assert.deepEqual(readLog(path, 'frame').records.map((r) => r.toString('latin1')), ['\x01\x02\x03', 'after']);
  truncateSync(path, 3);
  assert.throws(() => AppendLog.open(path, 'frame', { at: first }), /keys\.state: 3 bytes, fewer than the 11 a checkpoint recorded/);
  writeFileSync(path, '');
});
