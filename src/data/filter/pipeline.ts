// One filter pass: stream units from the inputs, run each document through the recipe's stages in
// order (the first drop ends its journey), write kept documents to OUT as JSONL, and record per-
// stage statistics. Memory is bounded by one document plus the dedup indexes (16 bytes per key).
// Progress is checkpointed (checkpoint.ts) so a killed run resumes to the same output; the output
// appears under its final name only when the pass is complete.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { AppendLog } from '../../formats/append-log.ts';
import { dirname, resolve } from 'node:path';
import { WrenError } from '../../errors.ts';
import type { Teacher } from '../../llm/teacher.ts';
import { appendKeyLog, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, readCheckpoint, replayKeyLog } from './checkpoint.ts';
import { ensureWritableDir, writeFileAtomic } from '../../formats/atomic.ts';
import { buildStages, type Recipe } from './recipe.ts';
import { writeReport } from './report-writer.ts';
import { inputBytes, readInputs, type ReadOptions } from './sources.ts';
import type { FilterDoc, StageVerdict } from './document.ts';
import { newStageStats, recordReason, recordVerdict, type PassStats } from './stats.ts';
import { checkOutNotInput } from '../../formats/out-folder.ts';

export interface FilterRunOptions {
  inputs: string[];
  output: string;
  recipe: Recipe;
  reportDir?: string;
  read?: Partial<ReadOptions>;
  /** Units between checkpoints (default 5000). */
  checkpointEvery?: number;
  teacher?: Teacher;
  /** Replace an existing output. */
  force?: boolean;
  /** Print progress lines to stderr (rate, ETA). */
  progress?: boolean;
  /** Documents in flight together (matters for async stages such as the annotator; default 16). */
  concurrency?: number;
}

/** Earlier passes recorded beside the inputs (OUT.passes.json of a previous run). */
export function priorPasses(inputs: string[]): PassStats[] {
  const out: PassStats[] = [];
  for (const p of inputs) {
    const side = `${p}.passes.json`;
    if (!existsSync(side)) continue;
    try {
      out.push(...(JSON.parse(readFileSync(side, 'utf8')).passes as PassStats[]));
    } catch (err) {
      throw new WrenError(`${side}: unreadable pass history (${(err as Error).message})`);
    }
  }
  return out;
}

export async function runFilter(o: FilterRunOptions): Promise<{ pass: PassStats; passes: PassStats[] }> {
  const out = resolve(o.output);
  const partial = `${out}.partial`, statePath = `${out}.state`, ckptPath = `${out}.ckpt.json`;
  const every = o.checkpointEvery ?? 5000;
  const windowSize = Math.max(1, o.concurrency ?? 16);
  const inputs = o.inputs.map((p) => resolve(p));
  checkOutNotInput(o.output, o.inputs);
  for (const p of o.inputs) if (existsSync(p) && statSync(p).isFile() && statSync(p).size === 0) throw new WrenError(`--in ${p}: the file is empty`);
  // Prove the output and report folders writable now, not after the whole pass.
  ensureWritableDir(dirname(out));
  if (o.reportDir) ensureWritableDir(o.reportDir);
  const read = { ...o.read };
  const shard = `${read.shardIndex ?? 0}/${read.shardCount ?? 1}`;
  const fingerprint = createHash('md5')
    .update(JSON.stringify({ inputs, stages: o.recipe.stages, read: { ...read, startUnit: 0, skipBad: false } })) // adding --skip-bad after a bad line may resume
    .digest('hex');
  const ckpt = readCheckpoint(ckptPath, fingerprint);
  if (!ckpt && existsSync(out) && !o.force) throw new WrenError(`--out ${o.output} exists; pass --force to replace it`);
  if (ckpt && !existsSync(partial)) throw new WrenError(`${ckptPath}: its partial output ${partial} is missing; delete the checkpoint to start over`);

  const stages = await buildStages(o.recipe, { teacher: o.teacher, workPrefix: out });
  const stats: PassStats = ckpt?.stats ?? {
    format: 'wren-filter-pass', version: 1,
    recipe: { name: o.recipe.name, source: o.recipe.source, description: o.recipe.description, stages: o.recipe.stages },
    inputs: o.inputs, output: o.output, shard, startedAt: new Date().toISOString(), seconds: 0,
    input: { units: 0, docs: 0, bytes: 0, docBytes: 0, skipped: {} },
    stages: stages.map(newStageStats), docsOut: 0, bytesOut: 0,
  };
  let outLog: AppendLog | undefined, stateLog: AppendLog | undefined;
  const t0 = performance.now() - stats.seconds * 1000;
  try {
    // Both logs restart exactly where the checkpoint says (what a killed run wrote after it is cut).
    if (ckpt) replayKeyLog(statePath, ckpt.stateBytes, stages);
    outLog = AppendLog.open(partial, 'line', ckpt ? { at: ckpt.outBytes } : { fresh: true });
    stateLog = AppendLog.open(statePath, 'frame', ckpt ? { at: ckpt.stateBytes } : { fresh: true });
    let nextUnit = ckpt?.nextUnit ?? 0;
    if (ckpt && o.progress) process.stderr.write(`resuming ${o.output} at input unit ${nextUnit} (${stats.docsOut} documents kept so far)\n`);
    let pending: string[] = [];
    let pendingChars = 0;
    const flush = () => {
      if (pending.length === 0) return;
      outLog!.append(...pending);
      pending = [];
      pendingChars = 0;
    };
    const checkpoint = () => {
      flush();
      outLog!.sync();
      const stateBytes = appendKeyLog(stateLog!, stages);
      stats.seconds = (performance.now() - t0) / 1000;
      stats.bytesOut = outLog!.bytes;
      const c = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, fingerprint, nextUnit, outBytes: outLog!.bytes, stateBytes, stats };
      writeFileAtomic(ckptPath, JSON.stringify(c));
    };
    const totalBytes = o.progress ? inputBytes(inputs) : 0;
    let lastProgress = performance.now(), sinceCkpt = 0;
    const tty = process.stderr.isTTY === true;

    // Documents go through the stages a window at a time, stage by stage. Every stage still sees
    // documents in input order (so dedup decides exactly as one-at-a-time would), while an async
    // stage (the LLM annotator) gets the whole window's requests in flight together.
    let window: FilterDoc[] = [];
    const runWindow = async () => {
      let alive = window;
      window = [];
      for (let i = 0; i < stages.length && alive.length > 0; i++) {
        const befores = alive.map((d) => d.text);
        const t = performance.now();
        const results = alive.map((d) => stages[i].apply(d));
        const verdicts = results.some((r) => r instanceof Promise) ? await Promise.all(results) : (results as StageVerdict[]);
        stats.stages[i].ms += performance.now() - t;
        const next: FilterDoc[] = [];
        alive.forEach((d, k) => {
          recordVerdict(stats.stages[i], d, befores[k], verdicts[k]);
          if (verdicts[k].keep) next.push(d);
        });
        alive = next;
      }
      for (const doc of alive) {
        const line = JSON.stringify({ ...(doc.meta.id === undefined ? { id: doc.id } : {}), text: doc.text, ...doc.meta });
        pending.push(line);
        pendingChars += line.length;
        stats.docsOut++;
      }
      if (pendingChars > 1 << 20) flush();
    };
    let lastUnit = nextUnit - 1;

    for await (const item of readInputs(inputs, { ...read, startUnit: nextUnit })) {
      stats.input.units++;
      stats.input.bytes += item.bytes;
      if ('skip' in item) {
        recordReason(stats.input.skipped, item.skip, { id: item.origin, origin: item.origin, detail: item.detail, snippet: '' });
      } else {
        stats.input.docs++;
        stats.input.docBytes += item.bytes;
        window.push(item.doc);
        if (window.length >= windowSize) await runWindow();
      }
      lastUnit = item.unit;
      if (++sinceCkpt >= every) {
        await runWindow();
        nextUnit = lastUnit + 1;
        checkpoint();
        sinceCkpt = 0;
      }
      // Progress: a line rewritten in place on a TTY, one line every 30 s in a log.
      if (o.progress && performance.now() - lastProgress > (tty ? 500 : 30_000)) {
        lastProgress = performance.now();
        const sec = (performance.now() - t0) / 1000;
        const mb = stats.input.bytes / 1e6;
        const eta = totalBytes > 0 ? ((totalBytes / 1e6 - mb) / Math.max(1e-9, mb / sec)).toFixed(0) : '?';
        const line = `${stats.input.docs} docs, ${stats.docsOut} kept, ${(stats.input.docs / sec).toFixed(0)} docs/s, ${(mb / sec).toFixed(1)} MB/s, ETA ${eta} s`;
        process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      }
    }
    await runWindow();
    flush();
    outLog.sync();
    if (o.progress && tty) process.stderr.write('\r\x1b[K');
    stats.bytesOut = outLog.bytes;
    stats.seconds = (performance.now() - t0) / 1000;
  } catch (err) {
    // Before its first checkpoint a failed run has nothing to resume: leave no debris behind.
    if (!existsSync(ckptPath)) for (const p of [partial, statePath]) rmSync(p, { force: true });
    throw err;
  } finally {
    outLog?.close();
    stateLog?.close();
    for (const s of stages) await s.close?.();
  }
  const passes = [...priorPasses(inputs), stats];
  writeFileAtomic(`${out}.passes.json`, JSON.stringify({ format: 'wren-filter-passes', version: 1, passes }, null, 1) + '\n');
  if (o.reportDir) writeReport(o.reportDir, passes);
  // The checkpoint goes before the rename: killed between the two, a rerun starts over (the same
  // output, work redone); the other way round it found a checkpoint whose partial was gone.
  rmSync(ckptPath, { force: true });
  rmSync(statePath, { force: true });
  renameSync(partial, out);
  return { pass: stats, passes };
}

