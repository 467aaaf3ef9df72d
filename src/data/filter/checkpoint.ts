// Crash-safe progress for a filter run writing OUT:
//   OUT.partial     the output so far (JSONL, an AppendLog of lines); cut to `outBytes` on resume
//   OUT.state       the dedup index keys (an AppendLog of CRC-checked frames), cut to `stateBytes`
//                   on resume. Frame payload: u32 stage index, u32 key-set index, u32 pair count n,
//                   then n × (u32 hi, u32 lo), all little-endian.
//   OUT.ckpt.json   {"format": "wren-filter-checkpoint", "version": 2, "fingerprint", "nextUnit",
//                    "outBytes", "stateBytes", "stats"} written atomically after the other two
//                   are synced, so it never points past data on disk.
// A checkpoint is written every N input units; a resumed run skips units below `nextUnit` unparsed.
import { existsSync, readFileSync } from 'node:fs';
import { readLog, type AppendLog } from '../../formats/append-log.ts';
import { WrenError } from '../../errors.ts';
import type { FilterStage } from './stage.ts';
import type { PassStats } from './stats.ts';

export const CHECKPOINT_FORMAT = 'wren-filter-checkpoint';
export const CHECKPOINT_VERSION = 2; // 1 wrote the key log unframed

export interface Checkpoint {
  format: string;
  version: number;
  fingerprint: string;
  nextUnit: number;
  outBytes: number;
  stateBytes: number;
  stats: PassStats;
}

export function readCheckpoint(path: string, fingerprint: string): Checkpoint | null {
  if (!existsSync(path)) return null;
  let c: Checkpoint;
  try {
    c = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WrenError(`${path}: unreadable checkpoint (${(err as Error).message}); delete it to start over`);
  }
  if (c.format !== CHECKPOINT_FORMAT || c.version !== CHECKPOINT_VERSION) {
    throw new WrenError(`${path}: expected ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION}; delete it to start over`);
  }
  if (c.fingerprint !== fingerprint) {
    throw new WrenError(`${path}: this checkpoint belongs to a run with different inputs, recipe or flags; rerun with those, or delete it (and the .partial/.state files) to start over`);
  }
  return c;
}

/** Appends every key added since the last call to the state log and syncs it; returns its new length. */
export function appendKeyLog(log: AppendLog, stages: FilterStage[]): number {
  const frames: Buffer[] = [];
  stages.forEach((stage, si) => {
    stage.keySets?.forEach((set, ki) => {
      const pairs = set.takeNew();
      if (pairs.length === 0) return;
      const buf = Buffer.alloc(12 + pairs.length * 4);
      buf.writeUInt32LE(si, 0);
      buf.writeUInt32LE(ki, 4);
      buf.writeUInt32LE(pairs.length / 2, 8);
      for (let i = 0; i < pairs.length; i++) buf.writeUInt32LE(pairs[i], 12 + 4 * i);
      frames.push(buf);
    });
  });
  if (frames.length) log.append(...frames);
  log.sync();
  return log.bytes;
}

/** Replays the first `bytes` of a state log (whole frames, as a checkpoint recorded) into the stages' key sets. */
export function replayKeyLog(path: string, bytes: number, stages: FilterStage[]): void {
  if (bytes === 0) return;
  const log = readLog(path, 'frame');
  if (log.validBytes < bytes) throw new WrenError(`${path}: ${log.validBytes} bytes of whole records, the checkpoint needs ${bytes}; delete the checkpoint to start over`);
  let at = 0;
  for (const buf of log.records) {
    if (at >= bytes) break;
    const si = buf.readUInt32LE(0), ki = buf.readUInt32LE(4), n = buf.readUInt32LE(8);
    const set = stages[si]?.keySets?.[ki];
    if (!set || buf.length !== 12 + 8 * n) throw new WrenError(`${path}: record for stage ${si} set ${ki}, which this recipe does not have; delete the checkpoint to start over`);
    const pairs = new Uint32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) pairs[i] = buf.readUInt32LE(12 + 4 * i);
    set.addAll(pairs);
    at += 8 + buf.length;
  }
  if (at !== bytes) throw new WrenError(`${path}: the checkpoint's ${bytes} bytes end inside a record; delete the checkpoint to start over`);
}
