// The held-out split every edu classifier is compared on: labels from one or more files, stratified
// by rounded score (so the rare 3s and 4s reach the held-out side in proportion) with a seeded
// shuffle per score (evaluate.ts: stratifiedSplit). `wren filter split` writes both sides as
// JSONL ({"text", "score"} a line) so the train side's texts can pretrain an LM for the embedding
// head without the held-out texts ever being seen.
import { join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { makeDir, writeFileAtomic } from '../../../formats/atomic.ts';
import type { LabeledText } from './classifier.ts';
import { stratifiedSplit } from './evaluate.ts';
import { readLabelFiles, type LabelFields } from './labels.ts';

export interface EduSplitSpec {
  labels: string[];
  fields: LabelFields;
  seed: number;
  heldOutFraction: number;
}

export interface EduSplit {
  spec: EduSplitSpec;
  train: LabeledText[];
  test: LabeledText[];
  skipped: number;
  duplicates: number;   // texts seen before in the files (the first one's score is kept)
}

/** The split of the 2,000 FineWeb rows scored by Llama-3-70B-Instruct the edu report uses. */
export function fineweb2kSplitSpec(sharedData: string): EduSplitSpec {
  return {
    labels: ['annotated_fineweb_multi_train_1k.jsonl', 'annotated_fineweb_multi_val_1k.jsonl'].map((f) => join(sharedData, 'edu-value', f)),
    fields: { text: 'text', score: 'scores.score' }, seed: 21, heldOutFraction: 0.2,
  };
}

export function makeEduSplit(spec: EduSplitSpec): EduSplit {
  if (!(spec.heldOutFraction > 0 && spec.heldOutFraction < 1)) throw new WrenError(`--held-out must be in (0, 1), got ${spec.heldOutFraction}`);
  const { examples, skipped } = readLabelFiles(spec.labels, spec.fields);
  const seen = new Set<string>(), unique: LabeledText[] = [];
  for (const e of examples) if (!seen.has(e.text)) { seen.add(e.text); unique.push(e); }
  if (unique.length < 10) throw new WrenError(`${spec.labels.join(', ')}: ${unique.length} distinct labelled texts; need at least 10 to hold some out`);
  const { train, test } = stratifiedSplit(unique, spec.heldOutFraction, spec.seed);
  return { spec, train, test, skipped, duplicates: examples.length - unique.length };
}

export function writeEduSplit(s: EduSplit, dir: string): void {
  makeDir(dir);
  const lines = (xs: LabeledText[]) => xs.map((e) => JSON.stringify({ text: e.text, score: e.score })).join('\n') + '\n';
  writeFileAtomic(join(dir, 'train.jsonl'), lines(s.train));
  writeFileAtomic(join(dir, 'test.jsonl'), lines(s.test));
  writeFileAtomic(join(dir, 'split.json'), JSON.stringify({ ...s.spec, train: s.train.length, test: s.test.length, skipped: s.skipped, duplicates: s.duplicates,
    histogram: { train: histogram(s.train), test: histogram(s.test) } }, null, 2) + '\n');
}

export function histogram(xs: LabeledText[]): number[] {
  const h = new Array<number>(6).fill(0);
  for (const e of xs) h[Math.round(e.score)]++;
  return h;
}
