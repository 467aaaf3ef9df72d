// The edu-value subcommands of `wren filter` beyond train-classifier and annotate:
//   wren filter split    --labels FILE… --out DIR          the held-out split, as train/test JSONL
//   wren filter compare  --labels FILE… --out DIR          every scorer on that split, one report
//   wren filter score    --classifier DIR --in F --out F   {"score": x} per input line, in order
//   wren filter refine   --in POOL… --teacher SPEC --out DIR   annotate → retrain → rescore → filter, per round
import { join } from 'node:path';
import { bestLearned, compareEduScorers } from '../data/filter/edu/compare.ts';
import { readLabelFiles } from '../data/filter/edu/labels.ts';
import { refineLoop } from '../data/filter/edu/refine-loop.ts';
import { scoreFile } from '../data/filter/edu/score-file.ts';
import { makeEduSplit, writeEduSplit, type EduSplitSpec } from '../data/filter/edu/split.ts';
import { checkOutFolder } from '../formats/out-folder.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag, type FlagSpec } from './args.ts';
import { TEACHER_FLAGS, teacherFromFlags } from './filter-annotate.ts';

const SPLIT_FLAGS: FlagSpec = {
  labels: { type: 'string', multiple: true }, 'text-field': { type: 'string' }, 'score-field': { type: 'string' },
  seed: { type: 'string' }, 'held-out': { type: 'string' }, out: { type: 'string' },
};
const SPLIT_HELP = `  --labels FILE        labels, CSV or JSONL (repeatable; read as one set, duplicate texts dropped)
  --score-field PATH   the score's column or (JSONL) dotted path (default score; the 2,000-row
                       FineWeb-Edu Llama-3-70B files need scores.score)
  --text-field NAME    the text's column or field (default text)
  --seed N             split seed (default 21)
  --held-out F         held-out fraction, stratified by rounded score (default 0.2)`;

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function splitSpec(values: Record<string, unknown>): EduSplitSpec {
  const labels = strs(values.labels);
  if (labels.length === 0) throw new CliError('--labels is required');
  return {
    labels, fields: { text: str(values['text-field']) ?? 'text', score: str(values['score-field']) ?? 'score' },
    seed: intFlag(values.seed, 'seed', 21), heldOutFraction: numFlag(values['held-out'], 'held-out', 0.2, 0.01, 0.99),
  };
}

async function runSplit(argv: string[]): Promise<void> {
  const help = `usage: wren filter split --labels FILE… --out DIR [--force] [options]\n\nWrites DIR/train.jsonl, DIR/test.jsonl ({"text","score"}) and DIR/split.json; --force replaces a split already there.\n\n${SPLIT_HELP}`;
  const { values } = parseFlags(argv, { ...SPLIT_FLAGS, force: { type: 'boolean' } }, help);
  const out = requiredFlag(values.out, 'out');
  checkOutFolder(out, { marker: 'split.json', what: 'an edu-value split', force: values.force === true });
  const s = makeEduSplit(splitSpec(values));
  writeEduSplit(s, out);
  console.log(`${s.train.length} train / ${s.test.length} held-out rows (${s.duplicates} duplicate texts dropped, ${s.skipped} unscored rows skipped) → ${out}`);
}

async function runCompare(argv: string[]): Promise<void> {
  const help = `usage: wren filter compare --labels FILE… --out DIR [--init LM_DIR] [options]

Trains every edu scorer on the split's train side and measures it on the held-out side: keep-all,
the heuristic, TF-IDF ridge, linear-ngram, the transformer (from scratch, and from --init), and the
embedding head on the frozen --init trunk. Writes report.md, report.json, calibration.svg,
heldout-scores.jsonl and a classifier folder per trained scorer.

${SPLIT_HELP}
  --init DIR           pretrained LM folder (config.json, model.safetensors, tokenizer.json)
  --threshold T        keep threshold (default 3)
  --only A,B           run only these scorers`;
  const { values } = parseFlags(argv, { ...SPLIT_FLAGS, init: { type: 'string' }, threshold: { type: 'string' }, only: { type: 'string' } }, help);
  const out = requiredFlag(values.out, 'out');
  const r = await compareEduScorers({
    split: makeEduSplit(splitSpec(values)), out, init: str(values.init), threshold: numFlag(values.threshold, 'threshold', 3, 0, 5),
    only: str(values.only)?.split(','), onProgress: (l) => console.error(l),
  });
  for (const x of r.results) console.log(`${x.name.padEnd(18)} Spearman ${x.metrics.spearman.toFixed(3)}  Kendall ${x.metrics.kendall.toFixed(3)}  MAE ${x.metrics.mae.toFixed(3)}  F1@${r.threshold} ${x.metrics.f1.toFixed(3)}  keep ${(100 * x.metrics.keepRate).toFixed(1)}%`);
  const best = bestLearned(r);
  if (best) console.log(`best learned by Spearman: ${best.name}`);
  console.log(`report: ${join(out, 'report.md')}`);
}

async function runScore(argv: string[]): Promise<void> {
  const help = `usage: wren filter score --classifier DIR --in FILE.jsonl --out scores.jsonl [--text-field NAME] [--force]

Writes one {"score": x} line per input line, in order (a trained classifier folder of any kind).`;
  const { values } = parseFlags(argv, { classifier: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, 'text-field': { type: 'string' }, force: { type: 'boolean' } }, help);
  const r = await scoreFile({
    classifier: requiredFlag(values.classifier, 'classifier'), input: requiredFlag(values.in, 'in'), output: requiredFlag(values.out, 'out'),
    textField: str(values['text-field']), force: values.force === true,
  });
  console.log(`${r.kind}: scored ${r.lines} documents in ${r.seconds.toFixed(1)} s → ${values.out}`);
}

async function runRefine(argv: string[]): Promise<void> {
  const help = `usage: wren filter refine --in POOL… --teacher SPEC --out DIR [options]

Repetitive filtering over a pool of documents: each round annotates --per-round unlabelled documents
with the teacher (cached in DIR/labels.jsonl: a rerun asks nothing twice), retrains the classifier on
every label so far, rescores the pool and keeps round(score) ≥ --threshold. DIR/rounds.md reports how
the kept set and the agreement with --held-out labels moved.

  --teacher SPEC       as for 'wren filter annotate' (with --base-url, --api-key-env, --timeout)
  --rounds N           rounds (default 3); --per-round N documents annotated a round (default 200)
  --kind KIND          classifier kind (default linear-ngram); --init DIR for transformer/embedding
  --held-out FILE      labels to measure agreement on (CSV/JSONL; --score-field PATH)
  --threshold T        keep threshold (default 3); --seed N (default 1); --concurrency C (default 8)`;
  const { values, positionals } = parseFlags(argv, {
    ...TEACHER_FLAGS, in: { type: 'string', multiple: true }, out: { type: 'string' }, rounds: { type: 'string' }, 'per-round': { type: 'string' },
    kind: { type: 'string' }, init: { type: 'string' }, 'held-out': { type: 'string' }, 'score-field': { type: 'string' }, threshold: { type: 'string' },
    seed: { type: 'string' }, concurrency: { type: 'string' },
  }, help, { positionals: true });
  const inputs = [...strs(values.in), ...positionals];
  if (inputs.length === 0) throw new CliError(`--in is required\n\n${help}`);
  requiredFlag(values.teacher, 'teacher');
  const concurrency = intFlag(values.concurrency, 'concurrency', 8, 1, 256);
  const teacher = (await teacherFromFlags(values, concurrency))!;
  const heldOutFile = str(values['held-out']);
  try {
    await refineLoop({
      inputs, dir: requiredFlag(values.out, 'out'), teacher, concurrency,
      rounds: intFlag(values.rounds, 'rounds', 3, 1, 1000), perRound: intFlag(values['per-round'], 'per-round', 200, 2),
      kind: str(values.kind), init: str(values.init), threshold: numFlag(values.threshold, 'threshold', 3, 0, 5), seed: intFlag(values.seed, 'seed', 1),
      heldOut: heldOutFile ? readLabelFiles([heldOutFile], { text: 'text', score: str(values['score-field']) ?? 'score' }).examples : undefined,
      onRound: (r) => console.log(`round ${r.round}: ${r.labelled} labels (${r.teacherRequests} asked), kept ${r.kept} (${(100 * r.keepRate).toFixed(1)}%), +${r.entered} −${r.left}` +
        (r.heldOut ? `, held-out Spearman ${r.heldOut.spearman.toFixed(3)} F1 ${r.heldOut.f1.toFixed(3)}` : '')),
    });
    console.log(`report: ${join(String(values.out), 'rounds.md')}`);
  } finally {
    await teacher.close();
  }
}

export const EDU_SUBCOMMANDS: Record<string, (argv: string[]) => Promise<void>> = { split: runSplit, compare: runCompare, score: runScore, refine: runRefine };
