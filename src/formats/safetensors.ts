// safetensors (huggingface/safetensors):
//   uint64 LE  N = header length
//   N bytes    JSON header: { "<name>": { "dtype": "F32"|"F16"|"BF16"|…, "shape": [..],
//              "data_offsets": [begin, end] }, …, "__metadata__"?: { string: string } }
//              (padded with spaces to a multiple of 8)
//   data       the tensors' bytes, little-endian, offsets relative to the end of the header
// Wren writes F32 or F16 and reads F32, F16 and BF16 (converted to float32).
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { writeFileAtomic } from './atomic.ts';
import { floatToHalf, halfToFloat } from './f16.ts';

export type SafeTensor = { dtype: string; shape: number[]; data: Float32Array };
export type SafeTensorsFile = { tensors: Map<string, SafeTensor>; metadata: Record<string, string> };

const MAX_HEADER = 100 << 20;

export function readSafetensors(path: string): SafeTensorsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new WrenError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseSafetensors(bytes, path);
}

export function parseSafetensors(bytes: Uint8Array, path = 'safetensors'): SafeTensorsFile {
  if (bytes.length < 8) throw new WrenError(`${path}: too short for a safetensors file`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > bytes.length) throw new WrenError(`${path}: header length ${n} does not fit in a ${bytes.length}-byte file (truncated or not safetensors)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new WrenError(`${path}: the safetensors header is not valid JSON`);
  }
  const dataStart = 8 + n;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = info as Record<string, string>; continue; }
    const { dtype, shape, data_offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const count = shape.reduce((a, b) => a * b, 1);
    const width = dtype === 'F32' ? 4 : dtype === 'F16' || dtype === 'BF16' ? 2 : 0;
    if (!width) throw new WrenError(`${path}: tensor '${name}' has dtype ${dtype}; Wren reads F32, F16 and BF16`);
    const [begin, end] = data_offsets;
    if (end - begin !== count * width || dataStart + end > bytes.length) {
      throw new WrenError(`${path}: tensor '${name}' (${dtype} ${JSON.stringify(shape)}) has offsets [${begin}, ${end}] that do not match its size or the file (truncated?)`);
    }
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    tensors.set(name, { dtype, shape, data: toFloat32(raw, dtype, count) });
  }
  return { tensors, metadata };
}

function toFloat32(raw: Uint8Array, dtype: string, count: number): Float32Array {
  const out = new Float32Array(count);
  if (dtype === 'F32') {
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const u32 = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    const h = dv.getUint16(2 * i, true);
    if (dtype === 'BF16') u32[i] = h << 16;
    else out[i] = halfToFloat(h);
  }
  return out;
}

/** Serialise float32 tensors (in the given order) to safetensors bytes, stored as F32 or as F16
 *  (rounded to nearest even: half the bytes, for a model shipped small). */
export function encodeSafetensors(tensors: [string, { shape: number[]; data: Float32Array }][], metadata: Record<string, string> = {}, dtype: 'F32' | 'F16' = 'F32'): Uint8Array {
  const width = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor '${name}': shape ${JSON.stringify(t.shape)} does not match ${t.data.length} values`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + count * width] };
    offset += count * width;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const [, t] of tensors) {
    if (dtype === 'F32') out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else {
      const view = new DataView(out.buffer, at, t.data.length * 2);
      for (let i = 0; i < t.data.length; i++) view.setUint16(i * 2, floatToHalf(t.data[i]), true);
    }
    at += t.data.length * width;
  }
  return out;
}

export function writeSafetensors(path: string, tensors: [string, { shape: number[]; data: Float32Array }][], metadata: Record<string, string> = {}, dtype: 'F32' | 'F16' = 'F32'): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, dtype));
}
