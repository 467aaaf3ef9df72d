// `wren filter score`: a trained edu classifier's score for every line of a JSONL file, written as
// one {"score": x} a line in the same order (for inspection, and for metrics computed elsewhere).
// Lines are scored CHUNK at a time (a batching classifier batches them) and written to OUT.partial,
// renamed to OUT only when every line is done. Blank lines are an error: they would shift the
// output against the input.
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileError, WrenError } from '../../../errors.ts';
import { loadEduClassifier } from './classifier.ts';
import './all-kinds.ts';

const CHUNK = 256;

export interface ScoreFileOptions {
  classifier: string;
  input: string;
  output: string;
  textField?: string;
  force?: boolean;
}

export async function scoreFile(o: ScoreFileOptions): Promise<{ lines: number; seconds: number; kind: string }> {
  const t0 = performance.now(), field = o.textField ?? 'text';
  if (!existsSync(o.input)) throw new WrenError(`--in ${o.input}: no such file`);
  if (existsSync(o.output) && !o.force) throw new WrenError(`--out ${o.output} exists; add --force to replace it`);
  const model = await loadEduClassifier(o.classifier);
  const partial = `${o.output}.partial`;
  let fd: number;
  try { fd = openSync(partial, 'w'); } catch (err) { throw fileError(o.output, err, 'write'); } // a bad --out, named, before any work
  const out = createWriteStream('', { fd });
  out.on('error', () => {}); // a failed write rejects the drain wait or end() below instead of crashing the process
  let done = false;
  let n = 0, chunk: string[] = [];
  const flush = async () => {
    const scores = await Promise.all(chunk.map((t) => model.score(t, '')));
    if (!out.write(scores.map((s) => JSON.stringify({ score: Number(Number(s).toFixed(4)) })).join('\n') + '\n')) await once(out, 'drain'); // rejects on a write error
    chunk = [];
  };
  try {
    for await (const line of createInterface({ input: createReadStream(o.input), crlfDelay: Infinity })) {
      n++;
      let rec: unknown;
      try {
        rec = JSON.parse(line);
      } catch (err) {
        throw new WrenError(`${o.input}:${n}: not valid JSON (${(err as Error).message})`);
      }
      const text = (rec as Record<string, unknown> | null)?.[field];
      if (typeof text !== 'string') throw new WrenError(`${o.input}:${n}: field '${field}' must be a string (the text)`);
      chunk.push(text);
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length) await flush();
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
    renameSync(partial, o.output);
    done = true;
  } finally {
    out.destroy();
    if (!done) rmSync(partial, { force: true }); // a failed run leaves no half file behind
    await model.close?.();
  }
  return { lines: n, seconds: (performance.now() - t0) / 1000, kind: model.kind };
}
