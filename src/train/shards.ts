// Token shards: the tokenized corpus, written once by `wren tokenize`, read by the trainer.
//
// A shard file (`train-00000.bin`, `val-00000.bin`), little-endian:
//   bytes 0..7    magic "WRENTOK1" (ASCII; the trailing digit is not the version)
//   u32 @ 8       format version, currently 1
//   u32 @ 12      bytes per token: 2 (uint16, vocab ≤ 65536) or 4 (uint32)
//   u64 @ 16      token count N
//   u64 @ 24      reserved, 0
//   bytes 32..    N tokens. Documents follow one another; each is [BOS] tokens [EOS] with the ids the
//                 tokenizer has (see `index.json`).
// `index.json` beside the shards names the tokenizer (file name, sha256, vocab size), the dtype,
// and each shard's file, token count and document count, for the train and val splits:
//   { "format": "wren-token-shards", "version": 1, "tokenizer": { "file", "sha256", "vocab_size" },
//     "bytes_per_token": 2, "bos_id": 1|null, "eos_id": 2|null, "source_bytes": { "train": n, "val": n },
//     "train": [{ "file", "tokens", "documents" }], "val": [ … ] }
// Readers never load a whole shard: windows are read with positioned reads, so shards may be
// larger than memory.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileError, WrenError } from '../errors.ts';

export const SHARD_MAGIC = 'WRENTOK1';
export const SHARD_VERSION = 1;
export const SHARD_HEADER_BYTES = 32;
export const INDEX_FORMAT = 'wren-token-shards';

export type ShardEntry = { file: string; tokens: number; documents: number };
export type ShardIndex = {
  format: string;
  version: number;
  tokenizer: { file: string; sha256: string; vocab_size: number };
  bytes_per_token: 2 | 4;
  bos_id: number | null;
  eos_id: number | null;
  source_bytes: { train: number; val: number };
  train: ShardEntry[];
  val: ShardEntry[];
};

export function encodeShardHeader(bytesPerToken: 2 | 4, count: number): Uint8Array {
  const h = new Uint8Array(SHARD_HEADER_BYTES), dv = new DataView(h.buffer);
  h.set(new TextEncoder().encode(SHARD_MAGIC));
  dv.setUint32(8, SHARD_VERSION, true);
  dv.setUint32(12, bytesPerToken, true);
  dv.setBigUint64(16, BigInt(count), true);
  return h;
}

/** Random access to the tokens of one shard file, without reading it all. */
export class TokenShardReader {
  readonly count: number;
  readonly bytesPerToken: 2 | 4;
  private fd: number;
  private buf = new Uint8Array(0);

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (err) {
      throw new WrenError(`${path}: cannot open token shard (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const h = new Uint8Array(SHARD_HEADER_BYTES);
    const got = readSync(this.fd, h, 0, SHARD_HEADER_BYTES, 0);
    const dv = new DataView(h.buffer);
    if (got < SHARD_HEADER_BYTES || new TextDecoder().decode(h.subarray(0, 8)) !== SHARD_MAGIC) {
      this.close();
      throw new WrenError(`${path}: not a Wren token shard (expected magic ${SHARD_MAGIC}); make shards with 'wren tokenize'`);
    }
    const version = dv.getUint32(8, true), bpt = dv.getUint32(12, true);
    if (version !== SHARD_VERSION) { this.close(); throw new WrenError(`${path}: token shard version ${version}, this Wren reads version ${SHARD_VERSION}; re-run 'wren tokenize'`); }
    if (bpt !== 2 && bpt !== 4) { this.close(); throw new WrenError(`${path}: bytes per token must be 2 or 4, got ${bpt}`); }
    this.bytesPerToken = bpt;
    this.count = Number(dv.getBigUint64(16, true));
    const size = fstatSync(this.fd).size;
    if (size !== SHARD_HEADER_BYTES + this.count * bpt) {
      this.close();
      throw new WrenError(`${path}: header says ${this.count} tokens (${SHARD_HEADER_BYTES + this.count * bpt} bytes) but the file has ${size} bytes (truncated?)`);
    }
  }

  /** Tokens [start, start + n) into `out` at `at`. */
  read(start: number, n: number, out: Int32Array, at = 0): void {
    if (start < 0 || start + n > this.count) throw new RangeError(`${this.path}: read [${start}, ${start + n}) outside ${this.count} tokens`);
    const bytes = n * this.bytesPerToken;
    if (this.buf.length < bytes) this.buf = new Uint8Array(bytes);
    readSync(this.fd, this.buf, 0, bytes, SHARD_HEADER_BYTES + start * this.bytesPerToken);
    const dv = new DataView(this.buf.buffer, 0, bytes);
    if (this.bytesPerToken === 2) for (let i = 0; i < n; i++) out[at + i] = dv.getUint16(2 * i, true);
    else for (let i = 0; i < n; i++) out[at + i] = dv.getUint32(4 * i, true);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Read and check `DIR/index.json`. */
export function readShardIndex(dir: string): ShardIndex {
  const path = join(dir, 'index.json');
  if (!existsSync(path)) throw new WrenError(`${dir}: no index.json; make token shards with 'wren tokenize --out ${dir}'`);
  let raw: ShardIndex;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new WrenError(`${path}: not valid JSON`);
  }
  if (raw.format !== INDEX_FORMAT) throw new WrenError(`${path}: 'format' must be '${INDEX_FORMAT}'`);
  if (raw.version !== SHARD_VERSION) throw new WrenError(`${path}: version ${raw.version}, this Wren reads ${SHARD_VERSION}; re-run 'wren tokenize'`);
  if (!raw.tokenizer || typeof raw.tokenizer.sha256 !== 'string' || !Number.isInteger(raw.tokenizer.vocab_size)) {
    throw new WrenError(`${path}: 'tokenizer' must name the file, sha256 and vocab_size`);
  }
  if (!Array.isArray(raw.train) || !Array.isArray(raw.val)) throw new WrenError(`${path}: 'train' and 'val' must be lists of shards`);
  return raw;
}

/** Appends tokens to a shard file; `finish` writes the header's count. File errors name the shard. */
export class TokenShardWriter {
  private fd: number;
  count = 0;
  constructor(readonly path: string, readonly bytesPerToken: 2 | 4) {
    try {
      this.fd = openSync(path, 'w');
      writeSync(this.fd, encodeShardHeader(bytesPerToken, 0));
    } catch (err) {
      throw fileError(path, err, 'write');
    }
  }
  append(ids: ArrayLike<number>): void {
    const b = new Uint8Array(ids.length * this.bytesPerToken), dv = new DataView(b.buffer);
    if (this.bytesPerToken === 2) for (let i = 0; i < ids.length; i++) dv.setUint16(2 * i, ids[i], true);
    else for (let i = 0; i < ids.length; i++) dv.setUint32(4 * i, ids[i], true);
    try {
      for (let at = 0; at < b.length;) at += writeSync(this.fd, b, at, b.length - at);
    } catch (err) {
      throw fileError(this.path, err, 'write');
    }
    this.count += ids.length;
  }
  finish(): void {
    try {
      writeSync(this.fd, encodeShardHeader(this.bytesPerToken, this.count), 0, SHARD_HEADER_BYTES, 0);
      fsyncSync(this.fd);
    } catch (err) {
      throw fileError(this.path, err, 'write');
    } finally {
      this.abort();
    }
  }
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
