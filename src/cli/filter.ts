// `wren filter`: filter public data by quality and educational value (src/data/filter).
//   wren filter --in FILES… --out OUT.jsonl --recipe web|code|stories|FILE [--report DIR] …
//   wren filter train-classifier --labels FILE --out DIR …
//   wren filter annotate --in FILES… --out labels.jsonl --teacher SPEC …
//   wren filter stages            list stage kinds and their options
//   wren filter split|compare|score|refine …   the edu-value classifiers (filter-edu.ts)
import { existsSync } from 'node:fs';
import { runFilter } from '../data/filter/pipeline.ts';
import { loadRecipe, withEvalSets, BUILTIN_RECIPES } from '../data/filter/recipe.ts';
import { STAGE_FACTORIES } from '../data/filter/registry.ts';
import { trainEduClassifierFromLabels } from '../data/filter/edu/train-classifier.ts';
import { checkOutFolder } from '../formats/out-folder.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { TEACHER_FLAGS, teacherFromFlags } from './filter-annotate.ts';

const HELP = `usage: wren filter --in FILES… --out OUT.jsonl --recipe RECIPE [options]
       wren filter train-classifier --labels FILE --out DIR [options]
       wren filter annotate --in FILES… --out labels.jsonl --teacher SPEC [options]
       wren filter split|compare --labels FILE… --out DIR        held-out split; every edu scorer on it
       wren filter score --classifier DIR --in FILE.jsonl --out scores.jsonl
       wren filter refine --in POOL… --teacher SPEC --out DIR   annotate, retrain, rescore, filter per round
       wren filter stages

Streams JSONL (*.jsonl, *.jsonl.gz), text (*.txt, documents split by --separator lines) and
source-file folders through the recipe's stages and writes the kept documents as JSONL.
RECIPE is a built-in (${BUILTIN_RECIPES.join(', ')}) or a YAML/JSON recipe file. A killed run resumes
from its checkpoint when rerun with the same flags.

options:
  --in FILE|DIR        input (repeatable; files listed after --in are inputs too)
  --out FILE           output JSONL (the final name appears only when the pass is complete)
  --recipe RECIPE      built-in name or recipe file
  --report DIR         write report.md, report.json and SVG charts there
  --shard i/n          process units with number % n == i (units: JSONL lines, text docs, files)
  --skip-bad           skip malformed JSONL lines (reported) instead of stopping
  --eval FILE          decontaminate against this eval set (repeatable; JSONL/JSON/YAML/text)
  --force              replace an existing --out
  --text-field NAME    JSONL field holding the text (default text)
  --separator LINE     document separator line in .txt inputs (default <|endoftext|>)
  --max-file-bytes N   skip larger files/documents (default 1048576)
  --checkpoint-every N input units between checkpoints (default 5000)
  --concurrency C      documents in flight together: teacher requests of an annotator stage (default 16)
  --quiet              no progress lines
  --teacher SPEC       teacher for an edu-value stage with scorer: annotator (see 'wren filter annotate --help')
  --base-url URL       its OpenAI-compatible server; --api-key-env NAME, --timeout S as for annotate`;

const TRAIN_HELP = `usage: wren filter train-classifier --labels FILE --out DIR [options]

Trains an educational-value classifier on labelled texts (CSV with text,score columns, or JSONL
{"text", "score"}) and reports precision/recall/F1 at the keep threshold on a held-out split.

options:
  --labels FILE      labels (e.g. ../shared/data/edu-value/fineweb_edu_llama3.3-70b_scored_150.csv)
  --out DIR          classifier directory (classifier.json, weights, metrics.json, metrics.md)
  --kind KIND        linear-ngram (default), stacked (linear-ngram blended with the heuristic,
                     by out-of-fold least squares), transformer (the project's own small Llama),
                     or embedding (a ridge head on a frozen pretrained trunk: needs --init)
  --score-field P    the score's column or JSONL dotted path (default score; e.g. scores.score)
  --text-field NAME  the text's column or field (default text)
  --threshold T      keep threshold on the 0–5 scale (default 3, FineWeb-Edu's)
  --held-out F       held-out fraction (default 0.2)
  --folds K          cross-validation folds (default 5)
  --seed N           split and training seed (default 1)
  --epochs N         training epochs (linear-ngram 40, transformer 12)
  --force            replace the classifier already in --out
linear-ngram:
  --bits B           feature hash bits (default 18)
  --calibrate K      fit the keep cut on K-fold out-of-fold scores of the training rows (also
                     for embedding, on its own folds: any K ≥ 1); scores are stretched so that
                     round(score) ≥ 3 keeps what that cut keeps. Default off
embedding (--init DIR: the pretrained LM whose frozen, mean-pooled hidden states are the features):
  --max-len T        tokens read per document (default 128)
transformer (a BPE tokenizer is trained on the label texts, unless --init gives one):
  --init DIR         start from a pretrained LM folder (config.json, model.safetensors, tokenizer.json):
                     its trunk weights, sizes and tokenizer; the classification head starts fresh
  --vocab N          tokenizer vocabulary (default 2048)
  --max-len T        tokens read per document (default 256)
  --hidden C         hidden size (default 64); --layers L (default 2); --heads H (default 4)
  --batch B          batch size (default 16)
  --lr X             peak learning rate (default 0.002); --weight-decay X (default 0.1)
  --pooling P        last (HF's: the last real token) or mean (default last)
  --threads N        kernel threads (default: all cores)`;

// parseFlags returns loosely typed values; these narrow them.
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const bool = (v: unknown): boolean => v === true;

function parseShard(v: unknown): { shardIndex: number; shardCount: number } {
  if (v === undefined) return { shardIndex: 0, shardCount: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(String(v));
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new CliError(`--shard must be i/n with 0 ≤ i < n, got '${v}'`);
  return { shardIndex: Number(m[1]), shardCount: Number(m[2]) };
}

async function runFilterCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    in: { type: 'string', multiple: true }, out: { type: 'string' }, recipe: { type: 'string' }, report: { type: 'string' },
    shard: { type: 'string' }, 'skip-bad': { type: 'boolean' }, eval: { type: 'string', multiple: true }, force: { type: 'boolean' },
    'text-field': { type: 'string' }, separator: { type: 'string' }, 'max-file-bytes': { type: 'string' },
    'checkpoint-every': { type: 'string' }, quiet: { type: 'boolean' }, concurrency: { type: 'string' }, ...TEACHER_FLAGS,
  }, HELP, { positionals: true });
  const inputs = [...strs(values.in), ...positionals];
  if (inputs.length === 0) throw new CliError(`--in is required\n\n${HELP}`);
  const word = positionals[0];
  if (word !== undefined && argv[0] === word && /^[a-z][a-z-]*$/.test(word) && !existsSync(word)) {
    throw new CliError(`unknown subcommand '${word}' (train-classifier, stages, split, compare, score, refine, annotate), and no input file of that name`);
  }
  const out = requiredFlag(values.out, 'out');
  const recipe = withEvalSets(loadRecipe(requiredFlag(values.recipe, 'recipe')), strs(values.eval));
  const concurrency = intFlag(values.concurrency, 'concurrency', 16, 1, 1024);
  const teacher = await teacherFromFlags(values, concurrency);
  const { pass } = await runFilter({
    inputs, output: out, recipe, teacher, concurrency, reportDir: str(values.report), force: bool(values.force), progress: !bool(values.quiet),
    checkpointEvery: intFlag(values['checkpoint-every'], 'checkpoint-every', 5000, 1),
    read: {
      ...parseShard(values.shard), skipBad: bool(values['skip-bad']),
      textField: str(values['text-field']) ?? 'text', separator: str(values.separator) ?? '<|endoftext|>',
      maxFileBytes: intFlag(values['max-file-bytes'], 'max-file-bytes', 1 << 20, 1),
    },
  });
  const mb = pass.input.bytes / 1e6;
  console.log(`${pass.recipe.name}: kept ${pass.docsOut} of ${pass.input.docs} documents (${mb.toFixed(2)} MB in ${pass.seconds.toFixed(1)} s, ${(mb / Math.max(1e-9, pass.seconds)).toFixed(2)} MB/s) → ${out}`);
  for (const s of pass.stages) {
    const top = Object.entries(s.dropped).sort((a, b) => b[1].count - a[1].count).slice(0, 3).map(([k, r]) => `${k} ${r.count}`).join(', ');
    console.log(`  ${s.name.padEnd(18)} ${String(s.docsIn).padStart(8)} → ${String(s.docsOut).padStart(8)}${top ? `   (${top})` : ''}`);
  }
  if (values.report) console.log(`report: ${values.report}/report.md`);
}

async function runTrainClassifier(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    labels: { type: 'string' }, out: { type: 'string' }, kind: { type: 'string' }, threshold: { type: 'string' },
    'held-out': { type: 'string' }, folds: { type: 'string' }, seed: { type: 'string' }, bits: { type: 'string' }, epochs: { type: 'string' },
    vocab: { type: 'string' }, 'max-len': { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' }, heads: { type: 'string' },
    batch: { type: 'string' }, lr: { type: 'string' }, 'weight-decay': { type: 'string' }, pooling: { type: 'string' }, threads: { type: 'string' }, init: { type: 'string' },
    'score-field': { type: 'string' }, 'text-field': { type: 'string' }, calibrate: { type: 'string' }, force: { type: 'boolean' },
  }, TRAIN_HELP);
  checkOutFolder(requiredFlag(values.out, 'out'), { marker: 'classifier.json', what: 'an edu-value classifier', force: bool(values.force) });
  const trainOptions: Record<string, number> = {};
  if (values.bits !== undefined) trainOptions.bits = intFlag(values.bits, 'bits', 18, 4, 26);
  if (values.epochs !== undefined) trainOptions.epochs = intFlag(values.epochs, 'epochs', 40, 1, 10000);
  if (values.calibrate !== undefined) trainOptions.calibrate = intFlag(values.calibrate, 'calibrate', 0, 1, 20);
  const ints: [string, string, number, number][] = [['vocab', 'vocab', 257, 65536], ['max-len', 'maxLen', 1, 8192], ['hidden', 'hidden', 8, 2048],
    ['layers', 'layers', 1, 48], ['heads', 'heads', 1, 64], ['batch', 'batch', 1, 1024], ['threads', 'threads', 1, 16]];
  for (const [flag, key, min, max] of ints) if (values[flag] !== undefined) trainOptions[key] = intFlag(values[flag], flag, min, min, max);
  if (values.lr !== undefined) trainOptions.lr = numFlag(values.lr, 'lr', 0.002, 1e-7, 1);
  if (values['weight-decay'] !== undefined) trainOptions.weightDecay = numFlag(values['weight-decay'], 'weight-decay', 0.1, 0, 10);
  if (values.pooling !== undefined) {
    if (values.pooling !== 'last' && values.pooling !== 'mean') throw new CliError(`--pooling must be last or mean, got '${values.pooling}'`);
    trainOptions.meanPool = values.pooling === 'mean' ? 1 : 0;
  }
  const linearOnly = ['bits', 'calibrate'].filter((k) => k in trainOptions), transformerOnly = Object.keys(trainOptions).filter((k) => !['bits', 'epochs', 'calibrate'].includes(k));
  const kind = str(values.kind) ?? 'linear-ngram';
  if (kind === 'transformer' && linearOnly.length) throw new CliError(`--${linearOnly[0]} is a linear-ngram option; --kind is transformer`);
  if (kind === 'embedding' && Object.keys(trainOptions).some((k) => !['maxLen', 'calibrate'].includes(k))) throw new CliError('--kind embedding takes --init, --max-len and --calibrate only');
  if (kind === 'embedding' && trainOptions.calibrate) trainOptions.calibrate = 1;
  if (kind !== 'transformer' && kind !== 'embedding' && values.init !== undefined) throw new CliError('--init is a transformer option (and an embedding one); add --kind transformer or --kind embedding');
  if (kind === 'stacked' && trainOptions.calibrate !== undefined) throw new CliError('--calibrate is not a stacked option: a stacked classifier always reads its keep cut from out-of-fold scores');
  if ((kind === 'linear-ngram' || kind === 'stacked') && transformerOnly.length) throw new CliError(`--${transformerOnly[0]} is a transformer option; add --kind transformer`);
  if (kind === 'transformer') console.error(`training ${1 + intFlag(values.folds, 'folds', 5, 2, 100)} transformer classifiers (the saved one, then one per cross-validation fold)…`);
  const tty = process.stderr.isTTY === true;
  const onEpoch = (model: string, p: { epoch: number; epochs: number; loss: number; seconds: number }) => {
    const line = `  ${model}: epoch ${p.epoch}/${p.epochs}, train loss ${p.loss.toFixed(3)}, ${p.seconds.toFixed(1)} s`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${p.epoch === p.epochs ? '\n' : ''}`);
    else if (p.epoch === p.epochs) process.stderr.write(line + '\n');
  };
  const r = await trainEduClassifierFromLabels({
    labels: requiredFlag(values.labels, 'labels'), out: requiredFlag(values.out, 'out'), kind, init: str(values.init), onEpoch,
    fields: { text: str(values['text-field']) ?? 'text', score: str(values['score-field']) ?? 'score' },
    threshold: numFlag(values.threshold, 'threshold', 3, 0, 5), heldOutFraction: numFlag(values['held-out'], 'held-out', 0.2, 0.01, 0.99),
    folds: intFlag(values.folds, 'folds', 5, 2, 100), seed: intFlag(values.seed, 'seed', 1), trainOptions,
  });
  const f = (m: typeof r.heldOut) => `P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} (keep-all F1 ${m.baselineKeepAll.f1.toFixed(3)}), MAE ${m.mae.toFixed(2)}, Spearman ${m.spearman.toFixed(2)}, n=${m.n}`;
  console.log(`${r.kind} trained on ${r.train} of ${r.labels.rows} rows in ${r.trainSeconds.toFixed(1)} s (whole run with cross-validation ${r.seconds.toFixed(1)} s); keep = score ≥ ${r.heldOut.threshold}`);
  console.log(`  held-out:            ${f(r.heldOut)}`);
  console.log(`  heuristic, held-out: ${f(r.heuristicHeldOut)}`);
  console.log(`  ${r.crossValidation.folds}-fold CV:           ${f(r.crossValidation)}`);
  console.log(`wrote ${values.out}/classifier.json and metrics.md (read its notes: ${r.heldOut.n} held-out rows is a small sample)`);
}

function listStages(): void {
  const lines: string[] = [];
  for (const f of Object.values(STAGE_FACTORIES)) {
    lines.push(`${f.kind}: ${f.summary}`);
    for (const [k, v] of Object.entries(f.defaults)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  process.stdout.write(lines.join('\n') + '\n'); // one write: no EPIPE noise when piped into head
}

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'train-classifier') return runTrainClassifier(rest);
  if (sub === 'stages') return listStages();
  if (sub === 'split' || sub === 'compare' || sub === 'score' || sub === 'refine') {
    const { EDU_SUBCOMMANDS } = await import('./filter-edu.ts');
    return EDU_SUBCOMMANDS[sub](rest);
  }
  if (sub === 'annotate') {
    const { run: annotate } = await import('./filter-annotate.ts');
    return annotate(rest);
  }
  return runFilterCommand(argv);
}
