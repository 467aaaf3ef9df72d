// GGUF, ggml's model container (the file llama.cpp loads), version 3, little-endian:
//
//   u32     magic 0x46554747 (the bytes "GGUF")
//   u32     version: 3 (version 2 has the same layout; 1 had u32 counts and is refused)
//   u64     tensor_count
//   u64     kv_count
//   kv_count times:      string key; u32 value_type; value
//   tensor_count times:  string name; u32 n_dims (1..4); u64 ne[n_dims]; u32 ggml_type; u64 offset
//   zero padding to the alignment: u32 key "general.alignment" (a power of two), default 32
//   data:   tensor i at data_start + offset_i; offsets are multiples of the alignment, and each
//           tensor is zero-padded to the next one
//
//   string      u64 byte length, then UTF-8 bytes (no NUL)
//   value_type  0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (one byte, 0 or 1),
//               8 string, 9 array (u32 item type, u64 count, items; arrays may nest),
//               10 u64, 11 i64, 12 f64
//   ne          ggml order, innermost (contiguous) axis first: a PyTorch (out, in) matrix is
//               ne = [in, out]. This API speaks row-major `shape` (outermost first) = ne reversed.
//   ggml_type   the ones Wren reads and writes (quantized blocks run along ne[0]):
//     0 F32   float32
//     1 F16   IEEE half
//     8 Q8_0  blocks of 32 values, 34 bytes: f16 d, int8 qs[32]     x[j] = qs[j] * d
//     2 Q4_0  blocks of 32 values, 18 bytes: f16 d, u8 qs[16]       x[j]      = ((qs[j] & 15) - 8) * d
//                                                                   x[j + 16] = ((qs[j] >> 4) - 8) * d
//   Quantizers follow ggml's quantize_row_q8_0_ref / quantize_row_q4_0_ref in float32 steps, so
//   Wren's Q8_0 / Q4_0 bytes equal llama.cpp's for the same float32 input.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { WrenError, fileError } from '../errors.ts';
import { floatToHalf, halfToFloat } from './f16.ts';

export { floatToHalf, halfToFloat };

export type GgufScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'bool' | 'string' | 'u64' | 'i64' | 'f64';
export type GgufValueType = GgufScalarType | 'array';
export type GgufItem = number | bigint | boolean | string | GgufArray;
export type GgufArray = { itemType: GgufValueType; items: GgufItem[] };
export type GgufValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'; value: number }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; value: GgufArray };
export type GgufMetadata = Map<string, GgufValue>;
export type GgufValueOf<T extends GgufValue['type']> = T extends GgufValue['type'] ? Extract<GgufValue, { type: T }>['value'] : never;

export type GgmlType = 'F32' | 'F16' | 'Q8_0' | 'Q4_0';
/** A tensor as stored: row-major `shape` (outermost first) and its encoded bytes. */
export type GgufTensor = { name: string; shape: number[]; type: GgmlType; data: Uint8Array };
export type GgufFile = { version: number; alignment: number; metadata: GgufMetadata; tensors: Map<string, GgufTensor> };

const MAGIC = 0x46554747;
const VALUE_TYPES: GgufValueType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'string', 'array', 'u64', 'i64', 'f64'];
const WIDTH: Record<GgufValueType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, bool: 1, string: 8, array: 12, u64: 8, i64: 8, f64: 8 };

/** ggml types Wren handles: id, values per block, bytes per block. */
export const GGML_TYPES: Record<GgmlType, { id: number; block: number; bytes: number }> = {
  F32: { id: 0, block: 1, bytes: 4 }, F16: { id: 1, block: 1, bytes: 2 }, Q4_0: { id: 2, block: 32, bytes: 18 }, Q8_0: { id: 8, block: 32, bytes: 34 },
};
// Names of the other ggml types, so an error can say which one a file uses.
const OTHER_TYPES: Record<number, string> = {
  3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K',
  16: 'IQ2_XXS', 17: 'IQ2_XS', 18: 'IQ3_XXS', 19: 'IQ1_S', 20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S', 23: 'IQ4_XS',
  24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64', 29: 'IQ1_M', 30: 'BF16', 34: 'TQ1_0', 35: 'TQ2_0', 39: 'MXFP4',
};
const TYPE_BY_ID = new Map(Object.entries(GGML_TYPES).map(([name, t]) => [t.id, name as GgmlType]));

/** Typed metadata values: `gguf.u32(5)`, `gguf.array('string', names)`. */
export const gguf = {
  u8: (value: number): GgufValue => ({ type: 'u8', value }), i8: (value: number): GgufValue => ({ type: 'i8', value }),
  u16: (value: number): GgufValue => ({ type: 'u16', value }), i16: (value: number): GgufValue => ({ type: 'i16', value }),
  u32: (value: number): GgufValue => ({ type: 'u32', value }), i32: (value: number): GgufValue => ({ type: 'i32', value }),
  u64: (value: bigint): GgufValue => ({ type: 'u64', value }), i64: (value: bigint): GgufValue => ({ type: 'i64', value }),
  f32: (value: number): GgufValue => ({ type: 'f32', value }), f64: (value: number): GgufValue => ({ type: 'f64', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }), string: (value: string): GgufValue => ({ type: 'string', value }),
  array: (itemType: GgufValueType, items: ArrayLike<GgufItem>): GgufValue => ({ type: 'array', value: { itemType, items: Array.from(items) } }),
};

// ---- quantization (ggml reference quantizers) -----------------------------------------------

const fr = Math.fround;
const roundAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x)); // C roundf: halves away from zero

/** Encode float32 values (a multiple of the type's block) as `type`. */
export function ggmlQuantize(x: Float32Array, type: GgmlType): Uint8Array {
  const { block, bytes } = GGML_TYPES[type];
  if (x.length % block !== 0) throw new WrenError(`${type} needs a multiple of ${block} values, got ${x.length}`);
  const out = new Uint8Array((x.length / block) * bytes), dv = new DataView(out.buffer);
  if (type === 'F32') { out.set(new Uint8Array(Float32Array.from(x).buffer)); return out; }
  if (type === 'F16') { for (let i = 0; i < x.length; i++) dv.setUint16(2 * i, floatToHalf(x[i]), true); return out; }
  for (let b = 0, at = 0; b < x.length; b += 32, at += bytes) {
    let amax = 0, max = 0; // Q4_0 scales by the signed value of largest magnitude
    for (let j = 0; j < 32; j++) if (amax < Math.abs(x[b + j])) { amax = Math.abs(x[b + j]); max = x[b + j]; }
    const d = type === 'Q8_0' ? fr(amax / 127) : fr(max / -8), id = d ? fr(1 / d) : 0;
    dv.setUint16(at, floatToHalf(d), true);
    if (type === 'Q8_0') for (let j = 0; j < 32; j++) dv.setInt8(at + 2 + j, roundAway(fr(x[b + j] * id)));
    else {
      for (let j = 0; j < 16; j++) {
        const lo = Math.min(15, Math.trunc(fr(fr(x[b + j] * id) + 8.5)));
        const hi = Math.min(15, Math.trunc(fr(fr(x[b + 16 + j] * id) + 8.5)));
        out[at + 2 + j] = lo | (hi << 4);
      }
    }
  }
  return out;
}

/** Decode `count` values of `type` from `data` to float32 (ggml's dequantize_row_*). */
export function ggmlDequantize(data: Uint8Array, type: GgmlType, count: number): Float32Array {
  const out = new Float32Array(count), dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (type === 'F32') { new Uint8Array(out.buffer).set(data.subarray(0, count * 4)); return out; }
  if (type === 'F16') { for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true)); return out; }
  const bytes = GGML_TYPES[type].bytes;
  for (let b = 0, at = 0; b < count; b += 32, at += bytes) {
    const d = halfToFloat(dv.getUint16(at, true));
    if (type === 'Q8_0') for (let j = 0; j < 32; j++) out[b + j] = dv.getInt8(at + 2 + j) * d;
    else for (let j = 0; j < 16; j++) {
      out[b + j] = ((data[at + 2 + j] & 15) - 8) * d;
      out[b + 16 + j] = ((data[at + 2 + j] >> 4) - 8) * d;
    }
  }
  return out;
}

/** A tensor from float32 values; `shape` is row-major, its last axis the one quantized blocks run along. */
export function ggufTensor(name: string, shape: number[], values: Float32Array, type: GgmlType): GgufTensor {
  return { name, shape, type, data: ggmlQuantize(values, type) };
}

export function tensorToF32(t: GgufTensor): Float32Array {
  return ggmlDequantize(t.data, t.type, t.shape.reduce((a, b) => a * b, 1));
}

function tensorBytes(shape: number[], type: GgmlType): number {
  const { block, bytes } = GGML_TYPES[type];
  return (shape.reduce((a, b) => a * b, 1) / block) * bytes;
}

// ---- writer ---------------------------------------------------------------------------------

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): DataView {
    if (this.length + n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      bigger.set(this.buf);
      this.buf = bigger;
      this.dv = new DataView(bigger.buffer);
    }
    return this.dv;
  }

  u32(v: number) { this.room(4).setUint32(this.length, v, true); this.length += 4; }
  u64(v: number | bigint) { this.room(8).setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  bytes(b: Uint8Array) { this.room(b.length); this.buf.set(b, this.length); this.length += b.length; }
  string(s: string) { const b = new TextEncoder().encode(s); this.u64(b.length); this.bytes(b); }
  done(): Uint8Array { return this.buf.subarray(0, this.length); }

  item(type: GgufValueType, v: GgufItem, key: string) {
    const bad = () => new WrenError(`GGUF key '${key}': value ${String(v).slice(0, 40)} is not a valid ${type}`);
    if (type === 'string') { if (typeof v !== 'string') throw bad(); return this.string(v); }
    if (type === 'array') {
      const a = v as GgufArray;
      if (typeof a !== 'object' || !Array.isArray(a.items)) throw bad();
      this.u32(VALUE_TYPES.indexOf(a.itemType));
      this.u64(a.items.length);
      for (const x of a.items) this.item(a.itemType, x, key);
      return;
    }
    const dv = this.room(8), at = this.length;
    if (type === 'bool') { if (typeof v !== 'boolean') throw bad(); dv.setUint8(at, v ? 1 : 0); }
    else if (type === 'u64' || type === 'i64') {
      if (typeof v !== 'bigint') throw bad();
      if (type === 'u64') dv.setBigUint64(at, v, true); else dv.setBigInt64(at, v, true);
    } else {
      if (typeof v !== 'number') throw bad();
      const int = { u8: [0, 0xff], i8: [-0x80, 0x7f], u16: [0, 0xffff], i16: [-0x8000, 0x7fff], u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff] }[type as 'u8'];
      if (int && !(Number.isInteger(v) && v >= int[0] && v <= int[1])) throw bad();
      const set = { u8: dv.setUint8, i8: dv.setInt8, u16: dv.setUint16, i16: dv.setInt16, u32: dv.setUint32, i32: dv.setInt32, f32: dv.setFloat32, f64: dv.setFloat64 }[type];
      set.call(dv, at, v, true);
    }
    this.length += WIDTH[type];
  }
}

/** The bytes of a GGUF v3 file holding `metadata` and `tensors` (in the order given). */
export function encodeGguf(metadata: GgufMetadata, tensors: GgufTensor[]): Uint8Array {
  const alignValue = metadata.get('general.alignment');
  const align = alignValue?.type === 'u32' ? alignValue.value : 32;
  if (alignValue && (alignValue.type !== 'u32' || align <= 0 || (align & (align - 1)) !== 0)) throw new WrenError(`general.alignment must be a u32 power of two`);
  const w = new ByteWriter();
  w.u32(MAGIC); w.u32(3); w.u64(tensors.length); w.u64(metadata.size);
  for (const [key, v] of metadata) {
    w.string(key);
    w.u32(VALUE_TYPES.indexOf(v.type));
    w.item(v.type, v.value, key);
  }
  const pad = (n: number) => Math.ceil(n / align) * align;
  const names = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (names.has(t.name)) throw new WrenError(`GGUF tensor '${t.name}' is given twice`);
    names.add(t.name);
    if (t.data.length !== tensorBytes(t.shape, t.type)) throw new WrenError(`GGUF tensor '${t.name}': ${t.data.length} bytes do not hold ${t.type} ${JSON.stringify(t.shape)}`);
    w.string(t.name);
    w.u32(t.shape.length);
    for (let i = t.shape.length - 1; i >= 0; i--) w.u64(t.shape[i]);
    w.u32(GGML_TYPES[t.type].id);
    w.u64(offset);
    offset = pad(offset + t.data.length);
  }
  const header = w.done(), dataStart = pad(header.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(header);
  let at = dataStart;
  for (const t of tensors) { out.set(t.data, at); at += pad(t.data.length); }
  return out;
}

// ---- reader ---------------------------------------------------------------------------------

class NeedMore extends Error {} // the header runs past the prefix read so far (not past the file)

class Cursor {
  at = 0;
  private dv: DataView;
  constructor(readonly bytes: Uint8Array, readonly fileSize: number, readonly source: string) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(msg: string): never { throw new WrenError(`${this.source}: ${msg}`); }

  need(n: number, what: string): number {
    if (this.at + n > this.bytes.length) {
      if (this.at + n <= this.fileSize) throw new NeedMore();
      this.fail(`truncated GGUF file: ${what} needs ${n} bytes at offset ${this.at}, the file has ${this.fileSize}`);
    }
    const at = this.at;
    this.at += n;
    return at;
  }

  u32(what: string) { return this.dv.getUint32(this.need(4, what), true); }
  u64(what: string): number {
    const v = this.dv.getBigUint64(this.need(8, what), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} is ${v}, too large`);
    return Number(v);
  }
  string(what: string): string {
    const n = this.u64(`the length of ${what}`);
    const at = this.need(n, what);
    return new TextDecoder().decode(this.bytes.subarray(at, at + n));
  }

  /** A count of items each at least `width` bytes: one that cannot fit in the file is corrupt. */
  count(width: number, what: string): number {
    const n = this.u64(what);
    if (n * width > this.fileSize - this.at) this.fail(`truncated or corrupt GGUF file: ${what} is ${n}, more than the ${this.fileSize}-byte file can hold`);
    return n;
  }

  valueType(where: string): GgufValueType {
    const id = this.u32(`the value type of ${where}`);
    const t = VALUE_TYPES[id];
    if (t === undefined) this.fail(`${where} has unknown value type ${id} (GGUF types are 0..12)`);
    return t;
  }

  item(type: GgufValueType, where: string): GgufItem {
    if (type === 'string') return this.string(where);
    if (type === 'array') {
      const itemType = this.valueType(`the items of ${where}`);
      const n = this.count(WIDTH[itemType], `the item count of ${where}`);
      const items: GgufItem[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = this.item(itemType, where);
      return { itemType, items };
    }
    const at = this.need(WIDTH[type], where), dv = this.dv;
    switch (type) {
      case 'u8': return dv.getUint8(at);
      case 'i8': return dv.getInt8(at);
      case 'u16': return dv.getUint16(at, true);
      case 'i16': return dv.getInt16(at, true);
      case 'u32': return dv.getUint32(at, true);
      case 'i32': return dv.getInt32(at, true);
      case 'f32': return dv.getFloat32(at, true);
      case 'f64': return dv.getFloat64(at, true);
      case 'u64': return dv.getBigUint64(at, true);
      case 'i64': return dv.getBigInt64(at, true);
      case 'bool': return dv.getUint8(at) !== 0;
    }
  }
}

/** Parse a GGUF file; `metadataOnly` stops before the tensor infos (a tokenizer needs no weights). */
export function parseGguf(bytes: Uint8Array, source = 'gguf', opts: { metadataOnly?: boolean; fileSize?: number } = {}): GgufFile {
  const c: Cursor = new Cursor(bytes, opts.fileSize ?? bytes.length, source); // typed: its never-returning fail() narrows
  if (c.u32('the magic') !== MAGIC) {
    const got = new TextDecoder().decode(bytes.subarray(0, 4)).replace(/[^\x20-\x7e]/g, '?');
    c.fail(`not a GGUF file: it starts with '${got}', not 'GGUF'`);
  }
  const version = c.u32('the version');
  if (version !== 3 && version !== 2) c.fail(`GGUF version ${version} is not supported (Wren reads versions 2 and 3; re-convert the model with a current llama.cpp)`);
  const nTensors = c.count(8 + 4 + 8 + 4 + 8, 'the tensor count');
  const nKv = c.count(8 + 4, 'the key/value count');
  const metadata: GgufMetadata = new Map();
  for (let i = 0; i < nKv; i++) {
    const key = c.string(`key ${i}`);
    if (metadata.has(key)) c.fail(`key '${key}' appears twice`);
    const type = c.valueType(`key '${key}'`);
    metadata.set(key, { type, value: c.item(type, `key '${key}'`) } as GgufValue);
  }
  const alignValue = metadata.get('general.alignment');
  const alignment = alignValue === undefined ? 32 : alignValue.type === 'u32' ? alignValue.value : 0;
  if (!(alignment > 0 && (alignment & (alignment - 1)) === 0)) c.fail(`general.alignment must be a u32 power of two, got ${JSON.stringify(alignValue?.value)} (${alignValue?.type})`);
  const tensors = new Map<string, GgufTensor>();
  if (opts.metadataOnly) return { version, alignment, metadata, tensors };
  const infos: { name: string; shape: number[]; type: GgmlType; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = c.string(`the name of tensor ${i}`);
    const nDims = c.u32(`the dimension count of '${name}'`);
    if (nDims < 1 || nDims > 4) c.fail(`tensor '${name}' has ${nDims} dimensions; ggml tensors have 1 to 4`);
    const ne = Array.from({ length: nDims }, (_, d) => c.u64(`dimension ${d} of '${name}'`));
    const typeId = c.u32(`the type of '${name}'`), type = TYPE_BY_ID.get(typeId);
    if (!type) c.fail(`tensor '${name}' has ggml type ${typeId}${OTHER_TYPES[typeId] ? ` (${OTHER_TYPES[typeId]})` : ' (unknown)'}; Wren reads F32, F16, Q8_0 and Q4_0`);
    if (ne[0] % GGML_TYPES[type].block !== 0) c.fail(`tensor '${name}' is ${type} but its rows of ${ne[0]} are not whole ${GGML_TYPES[type].block}-value blocks`);
    const offset = c.u64(`the offset of '${name}'`);
    if (offset % alignment !== 0) c.fail(`tensor '${name}' is at offset ${offset}, not a multiple of the alignment ${alignment}`);
    if (tensors.has(name) || infos.some((t) => t.name === name)) c.fail(`tensor '${name}' appears twice`);
    infos.push({ name, shape: ne.reverse(), type, offset });
  }
  const dataStart = Math.ceil(c.at / alignment) * alignment;
  for (const { name, shape, type, offset } of infos) {
    const size = tensorBytes(shape, type), at = dataStart + offset;
    if (at + size > c.fileSize) c.fail(`truncated GGUF file: tensor '${name}' (${type} ${JSON.stringify(shape)}) needs bytes ${at}..${at + size}, the file has ${c.fileSize}`);
    tensors.set(name, { name, shape, type, data: bytes.subarray(at, at + size) });
  }
  return { version, alignment, metadata, tensors };
}

/** Read a GGUF file (or bytes). With `metadataOnly` a file is read only as far as its header goes. */
export function readGguf(source: string | Uint8Array, opts: { metadataOnly?: boolean } = {}): GgufFile {
  if (typeof source !== 'string') return parseGguf(source, 'gguf', opts);
  let fd = -1;
  try {
    if (!opts.metadataOnly) return parseGguf(readFileSync(source), source);
    fd = openSync(source, 'r');
    const fileSize = fstatSync(fd).size;
    for (let n = Math.min(fileSize, 1 << 20); ; n = Math.min(fileSize, n * 4)) {
      const prefix = new Uint8Array(n);
      let got = 0;
      for (let r = 1; got < n && r > 0; got += r) r = readSync(fd, prefix, got, n - got, got);
      try {
        return parseGguf(prefix.subarray(0, got), source, { metadataOnly: true, fileSize: got < n ? got : fileSize });
      } catch (err) {
        if (!(err instanceof NeedMore)) throw err;
      }
    }
  } catch (err) {
    throw fileError(source, err, 'read');
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A metadata value of the expected type(s), or undefined when absent; a wrong type is an error. */
export function ggufGet<T extends GgufValue['type']>(file: GgufFile, key: string, types: T[], source: string): GgufValueOf<T> | undefined {
  const v = file.metadata.get(key);
  if (v === undefined) return undefined;
  if (!(types as string[]).includes(v.type)) throw new WrenError(`${source}: GGUF key '${key}' is a ${v.type}, expected ${types.join(' or ')}`);
  return v.value as GgufValueOf<T>;
}
