// Repetitive filtering: the loop phi-1 and FineWeb-Edu ran by hand, as one resumable command.
// Each round:
//   1. pick `perRound` documents of the pool nobody has labelled yet — round 1 a seeded random
//      sample; later rounds half from what the current classifier keeps (where a wrong "keep"
//      costs most) and half random (so the labels keep covering the whole pool);
//   2. annotate them with the teacher (annotator.ts: cached in labels.jsonl, so a killed or
//      rerun loop asks the teacher nothing it already answered);
//   3. before training, score the new labels with the previous round's classifier (its agreement
//      on documents it has never seen);
//   4. retrain the classifier on every label so far, rescore the pool, keep round(clip(s)) ≥ T;
//   5. report how the kept set moved (size, how many entered and left, Jaccard overlap with the
//      previous round) and the classifier's agreement with held-out labels, if given.
// Files in `dir`: labels.jsonl (the annotations), round-N/classifier/, round-N/kept.jsonl,
// rounds.jsonl (one summary a round) and rounds.md.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { makeDir, writeFileAtomic } from '../../../formats/atomic.ts';
import type { Teacher } from '../../../llm/teacher.ts';
import { mulberry32 } from '../../../util/rng.ts';
import { readInputs, type ReadOptions } from '../sources.ts';
import { EduAnnotator } from './annotator.ts';
import { eduClassifierTrainer, type EduClassifier, type LabeledText } from './classifier.ts';
import { keepMetrics, roundClip, spearman } from './evaluate.ts';
import './all-kinds.ts';

export interface RefineOptions {
  inputs: string[];
  dir: string;
  teacher: Teacher;
  rounds: number;
  perRound: number;
  threshold?: number;
  kind?: string;
  init?: string;
  trainOptions?: Record<string, number>;
  heldOut?: LabeledText[];
  prompt?: string;
  concurrency?: number;
  maxChars?: number;
  seed?: number;
  read?: Partial<ReadOptions>;
  onRound?: (r: RoundSummary) => void;
}

export interface RoundSummary {
  round: number;
  labelled: number;          // labels the classifier of this round trained on
  newLabels: number;
  teacherRequests: number;   // requests this round actually sent (the rest came from the cache)
  newLabelAgreement: { n: number; spearman: number; mae: number } | null; // previous classifier on this round's new labels
  kept: number;
  keepRate: number;
  entered: number;
  left: number;
  jaccard: number | null;    // |kept ∩ previous| / |kept ∪ previous|
  heldOut: { n: number; spearman: number; kendall: number; f1: number; keepAllF1: number; mae: number } | null;
}

type PoolDoc = { id: string; text: string };

function shuffled<T>(xs: T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function scoreAll(m: EduClassifier, texts: string[]): Promise<number[]> {
  return (await Promise.all(texts.map((t) => m.score(t, '')))).map(Number);
}

export async function refineLoop(o: RefineOptions): Promise<RoundSummary[]> {
  const threshold = o.threshold ?? 3, seed = o.seed ?? 1, concurrency = o.concurrency ?? 16;
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new WrenError(`--rounds must be a positive integer, got ${o.rounds}`);
  if (!(Number.isInteger(o.perRound) && o.perRound >= 2)) throw new WrenError(`--per-round must be an integer ≥ 2, got ${o.perRound}`);
  const trainer = eduClassifierTrainer(o.kind ?? 'linear-ngram');
  const pool: PoolDoc[] = [];
  for await (const item of readInputs(o.inputs, o.read)) if (!('skip' in item)) pool.push({ id: item.doc.id, text: item.doc.text });
  if (pool.length === 0) throw new WrenError(`${o.inputs.join(', ')}: no documents`);
  makeDir(o.dir);
  const annotator = new EduAnnotator(o.teacher, { prompt: o.prompt ?? 'web', cacheFile: join(o.dir, 'labels.jsonl'), maxChars: o.maxChars ?? 8000, storeText: true, maxTokens: 300 });
  const rand = mulberry32(seed);
  const labelled = new Map<number, number | null>(); // pool index → teacher score (null: no score in the reply)
  let previous: EduClassifier | undefined, prevKept: Set<number> | undefined, scores: number[] | undefined;
  const summaries: RoundSummary[] = [];
  try {
    for (let round = 1; round <= o.rounds; round++) {
      const open = pool.map((_, i) => i).filter((i) => !labelled.has(i));
      if (open.length === 0) break;
      const fromKept = scores ? shuffled(open.filter((i) => roundClip(scores![i]) >= threshold), rand).slice(0, Math.floor(o.perRound / 2)) : [];
      const chosen = new Set(fromKept);
      for (const i of shuffled(open, rand)) { if (chosen.size >= o.perRound) break; chosen.add(i); }
      const requestsBefore = annotator.requests;
      const picked = [...chosen];
      for (let k = 0; k < picked.length; k += concurrency) {
        const part = picked.slice(k, k + concurrency);
        const got = await Promise.all(part.map((i) => annotator.annotate(pool[i].text, pool[i].id)));
        part.forEach((i, j) => labelled.set(i, got[j].score));
      }
      const fresh = picked.filter((i) => labelled.get(i) !== null);
      let newLabelAgreement: RoundSummary['newLabelAgreement'] = null;
      if (previous && fresh.length >= 2) {
        const p = await scoreAll(previous, fresh.map((i) => pool[i].text)), y = fresh.map((i) => labelled.get(i)!);
        newLabelAgreement = { n: fresh.length, spearman: spearman(y, p), mae: y.reduce((s, v, j) => s + Math.abs(v - p[j]), 0) / y.length };
      }
      const examples: LabeledText[] = [...labelled].filter(([, s]) => s !== null).map(([i, s]) => ({ text: pool[i].text, score: s! }));
      if (examples.length < 2) throw new WrenError(`round ${round}: ${examples.length} usable labels so far; the teacher's replies had no score`);
      await previous?.close?.();
      const model = await trainer.train(examples, { ...trainer.defaults, ...o.trainOptions, seed: seed + round }, o.init);
      previous = model;
      const roundDir = join(o.dir, `round-${round}`);
      rmSync(join(roundDir, 'classifier'), { recursive: true, force: true });
      model.save(join(roundDir, 'classifier'), { threshold, trainRows: examples.length, round });
      scores = await scoreAll(model, pool.map((d) => d.text));
      const kept = new Set(pool.map((_, i) => i).filter((i) => roundClip(scores![i]) >= threshold));
      writeFileAtomic(join(roundDir, 'kept.jsonl'), [...kept].map((i) => JSON.stringify({ id: pool[i].id, text: pool[i].text, edu_score: Number(scores![i].toFixed(4)) }) + '\n').join(''));
      let heldOut: RoundSummary['heldOut'] = null;
      if (o.heldOut?.length) {
        const m = keepMetrics(o.heldOut.map((e) => e.score), await scoreAll(model, o.heldOut.map((e) => e.text)), threshold, 'rounded');
        heldOut = { n: m.n, spearman: m.spearman, kendall: m.kendall, f1: m.f1, keepAllF1: m.baselineKeepAll.f1, mae: m.mae };
      }
      const both = prevKept ? [...kept].filter((i) => prevKept!.has(i)).length : 0;
      const s: RoundSummary = {
        round, labelled: examples.length, newLabels: fresh.length, teacherRequests: annotator.requests - requestsBefore, newLabelAgreement,
        kept: kept.size, keepRate: kept.size / pool.length,
        entered: prevKept ? kept.size - both : kept.size, left: prevKept ? prevKept.size - both : 0,
        jaccard: prevKept ? (kept.size + prevKept.size - both === 0 ? 1 : both / (kept.size + prevKept.size - both)) : null, heldOut,
      };
      prevKept = kept;
      summaries.push(s);
      o.onRound?.(s);
      writeFileAtomic(join(o.dir, 'rounds.jsonl'), summaries.map((x) => JSON.stringify(x)).join('\n') + '\n');
      writeFileAtomic(join(o.dir, 'rounds.md'), roundsMarkdown(summaries, pool.length, o.teacher.id, threshold));
    }
  } finally {
    annotator.closeCache();
    await previous?.close?.();
  }
  return summaries;
}

export function roundsMarkdown(rs: RoundSummary[], poolSize: number, teacher: string, threshold: number): string {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
  return [
    `# Repetitive filtering: ${rs.length} rounds over ${poolSize} documents (teacher ${teacher}, keep = round(score) ≥ ${threshold})`,
    '',
    '| round | labels | new | asked | prev. model on new labels (Spearman) | kept | keep rate | entered | left | Jaccard vs prev. | held-out Spearman | held-out F1 (keep-all) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rs.map((r) => `| ${r.round} | ${r.labelled} | ${r.newLabels} | ${r.teacherRequests} | ${f(r.newLabelAgreement?.spearman)} | ${r.kept} | ${(100 * r.keepRate).toFixed(1)}% | ${r.entered} | ${r.left} | ${f(r.jaccard)} | ${f(r.heldOut?.spearman)} | ${r.heldOut ? `${f(r.heldOut.f1)} (${f(r.heldOut.keepAllF1)})` : '—'} |`),
    '',
  ].join('\n');
}
