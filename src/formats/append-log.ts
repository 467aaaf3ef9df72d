// Append-only record logs that survive a kill at any byte: every resumable stage (synth output,
// the annotation cache, the filter's dedup-key log, training metrics) writes through this one
// writer. Records are written whole at the end the writer knows (positioned writes: never the
// OS file offset, which a reopened or truncated file gets wrong), `sync()` fsyncs, and a reader
// keeps the records up to the last complete one, so a torn tail is found and cut.
//
// Two framings:
//   line   UTF-8 text, each record ending in '\n' (JSONL that people read). A record holds no
//          '\n'; bytes after the last '\n' are a torn tail.
//   frame  binary: u32 payload length, u32 CRC-32 of the length's 4 bytes and the payload (both
//          little-endian), payload. A tail shorter than its header or length, or failing its CRC,
//          is torn; so are zeros past the end (the CRC of a zero length is not zero).
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { fileError } from '../errors.ts';

export type Framing = 'line' | 'frame';

export type LogContents = {
  records: Buffer[];   // complete records (a line without its '\n'; a frame's payload)
  validBytes: number;  // where the last complete record ends
  tornBytes: number;   // bytes after it (a torn tail, or nothing)
};

/** The complete records of `bytes` and where they end. */
export function parseLog(bytes: Buffer, framing: Framing): LogContents {
  const records: Buffer[] = [];
  let at = 0;
  if (framing === 'line') {
    for (let nl = bytes.indexOf(0x0a); nl >= 0; nl = bytes.indexOf(0x0a, at)) {
      records.push(bytes.subarray(at, nl));
      at = nl + 1;
    }
  } else {
    while (at + 8 <= bytes.length) {
      const n = bytes.readUInt32LE(at), end = at + 8 + n;
      if (end > bytes.length || crc32(bytes.subarray(at, at + 4), bytes.subarray(at + 8, end)) !== bytes.readUInt32LE(at + 4)) break;
      records.push(bytes.subarray(at + 8, end));
      at = end;
    }
  }
  return { records, validBytes: at, tornBytes: bytes.length - at };
}

/** Reads the whole log at `path` (empty when it does not exist). */
export function readLog(path: string, framing: Framing): LogContents {
  if (!existsSync(path)) return { records: [], validBytes: 0, tornBytes: 0 };
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size, buf = Buffer.alloc(size);
    for (let got = 0; got < size;) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return parseLog(buf, framing);
  } catch (err) {
    throw fileError(path, err, 'read');
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

export class AppendLog {
  private constructor(readonly path: string, readonly framing: Framing, private fd: number, private end: number) {}

  /**
   * Opens `path` for appending at `at` bytes: the end of its last complete record by default
   * (a torn tail is cut), or a length a checkpoint recorded (what came after is cut).
   * `fresh` starts an empty log.
   */
  static open(path: string, framing: Framing, o: { at?: number; fresh?: boolean } = {}): AppendLog {
    const at = o.fresh ? 0 : o.at ?? readLog(path, framing).validBytes;
    let fd = -1;
    try {
      fd = openSync(path, existsSync(path) && !o.fresh ? 'r+' : 'w');
      const size = fstatSync(fd).size;
      if (size < at) throw new Error(`${size} bytes, fewer than the ${at} a checkpoint recorded`);
      if (size > at) ftruncateSync(fd, at);
      return new AppendLog(path, framing, fd, at);
    } catch (err) {
      if (fd >= 0) closeSync(fd);
      throw fileError(path, err, 'open');
    }
  }

  /** Bytes in the log: where the next record goes. */
  get bytes(): number {
    return this.end;
  }

  /** Appends records (lines without their '\n', or frame payloads) in one write; returns the new end. */
  append(...records: (string | Uint8Array)[]): number {
    const parts: Buffer[] = [];
    for (const r of records) {
      const payload = typeof r === 'string' ? Buffer.from(r, 'utf8') : Buffer.from(r.buffer, r.byteOffset, r.byteLength);
      if (this.framing === 'line') {
        if (payload.includes(0x0a)) throw new Error(`${this.path}: a line record may not contain a newline`);
        parts.push(payload, NEWLINE);
      } else {
        const head = Buffer.alloc(8);
        head.writeUInt32LE(payload.length, 0);
        head.writeUInt32LE(crc32(head.subarray(0, 4), payload), 4);
        parts.push(head, payload);
      }
    }
    const buf = Buffer.concat(parts);
    try {
      for (let at = 0; at < buf.length;) at += writeSync(this.fd, buf, at, buf.length - at, this.end + at);
    } catch (err) {
      // Cut what part of the batch reached the disk, so the log still ends on a whole record.
      try { ftruncateSync(this.fd, this.end); } catch { /* the reader cuts it instead */ }
      throw fileError(this.path, err, 'write');
    }
    this.end += buf.length;
    return this.end;
  }

  sync(): void {
    try {
      fsyncSync(this.fd);
    } catch (err) {
      throw fileError(this.path, err, 'write');
    }
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

const NEWLINE = Buffer.from('\n');

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib and gzip compute it) of the bytes of `parts` in order. */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
