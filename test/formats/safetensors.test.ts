import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSafetensors, parseSafetensors } from '../../src/formats/safetensors.ts';
import { floatToHalf, halfToFloat } from '../../src/formats/f16.ts';

test('round trip keeps names, shapes, values and metadata', () => {
  const a = Float32Array.from([1, -2.5, 3e-8, 4]);
  const b = Float32Array.from([7]);
  const bytes = encodeSafetensors([['a', { shape: [2, 2], data: a }], ['b', { shape: [1], data: b }]], { format: 'pt' });
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLen % 8, 0, 'header padded to 8 bytes');
  const f = parseSafetensors(bytes);
  assert.deepEqual(f.tensors.get('a')!.shape, [2, 2]);
  assert.deepEqual(Array.from(f.tensors.get('a')!.data), Array.from(a));
  assert.deepEqual(Array.from(f.tensors.get('b')!.data), [7]);
  assert.equal(f.metadata.format, 'pt');
});

function rawFile(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('reads F16 and BF16 as float32', () => {
  const data = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f, 0x40, 0xc0]); // f16 1, -2; bf16 1, -3
  const f = parseSafetensors(rawFile({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] } }, data));
  assert.deepEqual(Array.from(f.tensors.get('h')!.data), [1, -2]);
  assert.deepEqual(Array.from(f.tensors.get('b')!.data), [1, -3]);
});

test('malformed files give clear errors', () => {
  assert.throws(() => parseSafetensors(new Uint8Array(4), 'x.st'), /x\.st: too short/);
  const bad = rawFile({}, new Uint8Array(0));
  new DataView(bad.buffer).setBigUint64(0, 1000n, true);
  assert.throws(() => parseSafetensors(bad, 'x.st'), /header length 1000 does not fit/);
  assert.throws(() => parseSafetensors(rawFile({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }, new Uint8Array(8)), 'x.st'), /'t'.*do not match/);
  assert.throws(() => parseSafetensors(rawFile({ t: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), 'x.st'), /dtype I64/);
  const notJson = rawFile({}, new Uint8Array(0));
  notJson[9] = 0x7b; notJson[8] = 0x7b;
  assert.throws(() => parseSafetensors(notJson, 'x.st'), /not valid JSON/);
});

test('F16: written as half floats (half the bytes), read back as their float32 values', () => {
  const data = new Float32Array([0, 1, -2.5, 0.1, 65504, 1e-8, 3.14159]);
  const f32 = encodeSafetensors([['w', { shape: [7], data }]]), f16 = encodeSafetensors([['w', { shape: [7], data }]], {}, 'F16');
  const back = parseSafetensors(f16).tensors.get('w')!;
  assert.equal(back.dtype, 'F16');
  assert.ok(f16.length < f32.length);
  assert.deepEqual([...back.data], [...data].map((x) => halfToFloat(floatToHalf(x))));
  assert.equal(back.data[2], -2.5);
  assert.ok(Math.abs(back.data[3] - 0.1) < 1e-4);
});
