// `wren guard`: the safety classifier (src/safety).
//   wren guard train --data DIR|FILE… --out DIR [--kind linear|transformer]
//   wren guard check --model DIR (--text T | --in FILE.jsonl) [--role prompt|response]
//   wren guard eval --model DIR --data DIR|FILE… [--split test|…|all] [--json]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { GUARD_ROLES, type GuardRole } from '../safety/categories.ts';
import { assembleGuardData, type GuardExample } from '../safety/guard-data.ts';
import { evaluateGuard, formatGuardReport, type GuardEvalReport } from '../safety/guard-metrics.ts';
import { Guard, GUARD_INPUTS, type GuardInput, type GuardScores } from '../safety/guard-model.ts';
import { trainGuard } from '../safety/train-guard.ts';
import { readLines } from '../util/read-lines.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { checkOutFolder } from '../formats/out-folder.ts';

const HELP = `usage: wren guard train --data DIR|FILE… --out DIR [options]
       wren guard check --model DIR (--text T | --in FILE.jsonl) [--role prompt|response]
       wren guard eval --model DIR --data DIR|FILE… [--split S] [--json]

A guard scores a text, as a user's prompt or a model's response, in the categories hate, sexual,
violence, self_harm, criminal_planning, weapons and jailbreak, with severities 0/2/4/6 and a
calibrated probability. See docs/safety.md for the data, the label mapping and the split.

train:
  --data DIR|FILE      a folder laid out like ../shared/data/safety or ../shared/data/tasks (or
                       ../shared/data itself), or labelled JSONL {"text","label","role"?,"split"?};
                       repeatable
  --out DIR            the guard folder (guard.json + weights); also eval.json / eval.md on the
                       held-out split and test.jsonl, the held-out rows themselves
  --kind KIND          linear (hashed n-gram softmax, seconds) or transformer (a Wren classifier,
                       minutes; default)
  --seed N             training seed (default 1)
  --epochs N           training epochs (linear 12, transformer 4)
  --threshold P        flag when P(unsafe) ≥ P (default 0.5)
  --max-per-source N   training rows per source (default 800; held-out rows are never capped)
  --no-look-alikes     leave out the safe look-alike / unsafe contrast pairs (src/safety/look-alikes.ts)
  --input I            text+noun-classes (default: the text, then its nouns as WordNet classes;
                       src/safety/noun-senses.ts) or text
  --init DIR           transformer: start the trunk from this LM (a 'wren train' checkpoint folder),
                       keeping its sizes and tokenizer; only the head starts fresh
  --force              replace an existing guard folder
check:
  --model DIR          a guard folder
  --text T             one text; or --in FILE.jsonl, one {"text"} a line (verdicts in input order)
  --role R             prompt (default) or response
eval:
  --data DIR|FILE      labelled data as for train (repeatable)
  --split S            test (default for folders), calibration, train, or all (default for JSONL files)
  --json               print the report as JSON`;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'train') return train(rest);
  if (sub === 'check') return check(rest);
  if (sub === 'eval') return evalCommand(rest);
  if (sub === '--help' || sub === '-h') { console.log(HELP); return; }
  throw new CliError(`expected train, check or eval${sub ? `, got '${sub}'` : ''}\n\n${HELP}`);
}

async function train(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    data: { type: 'string', multiple: true }, out: { type: 'string' }, kind: { type: 'string' }, seed: { type: 'string' },
    epochs: { type: 'string' }, threshold: { type: 'string' }, 'max-per-source': { type: 'string' }, force: { type: 'boolean' }, 'no-look-alikes': { type: 'boolean' },
    init: { type: 'string' }, input: { type: 'string' },
  }, HELP);
  const data = (v.data as string[] | undefined) ?? [];
  if (data.length === 0) throw new CliError('--data is required');
  const out = requiredFlag(v.out, 'out');
  const kind = (v.kind as string | undefined) ?? 'transformer';
  if (kind !== 'linear' && kind !== 'transformer') throw new CliError(`--kind must be linear or transformer, got '${kind}'`);
  const from = v.init as string | undefined;
  const input = v.input as string | undefined; // trainGuard's default when not given
  if (input !== undefined && !GUARD_INPUTS.includes(input as GuardInput)) throw new CliError(`--input must be ${GUARD_INPUTS.join(' or ')}, got '${input}'`);
  if (from !== undefined && kind !== 'transformer') throw new CliError('--init needs --kind transformer');
  checkOutFolder(out, { marker: 'guard.json', what: 'a guard', force: v.force === true });
  const seed = intFlag(v.seed, 'seed', 1);
  const threshold = numFlag(v.threshold, 'threshold', 0.5, 0.001, 0.999);
  const options: Record<string, number> = {};
  if (v.epochs !== undefined) options.epochs = intFlag(v.epochs, 'epochs', 1, 1, 1000);
  const rows = await assembleGuardData(data, { maxPerSource: intFlag(v['max-per-source'], 'max-per-source', 800, 1), lookAlikes: !v['no-look-alikes'] });
  ensureWritableDir(out); // after every check of flags and data, so a refused run leaves no folder; before the training
  const count = (s: string) => rows.filter((r) => r.split === s).length;
  console.error(`guard train: ${rows.length} rows (train ${count('train')}, calibration ${count('calibration')}, held out ${count('test')}), kind ${kind}`);
  const guard = await trainGuard(rows, {
    kind, input: input as GuardInput | undefined, seed, threshold, options, from,
    onEpoch: (p) => console.error(`  epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}  ${p.seconds.toFixed(0)} s`),
  });
  try {
    guard.save(out);
    const test = rows.filter((r) => r.split === 'test');
    const report = evaluateGuard(test, scoreRows(guard, test), guard.threshold);
    writeFileAtomic(join(out, 'eval.json'), JSON.stringify(report, null, 2) + '\n');
    writeFileAtomic(join(out, 'eval.md'), '# Held-out evaluation\n\n```\n' + formatGuardReport(report) + '\n```\n');
    writeFileAtomic(join(out, 'test.jsonl'), test.map((r) => JSON.stringify({ text: r.text, label: r.label, role: r.role, source: r.source, split: r.split })).join('\n') + '\n');
    console.log(`guard train: ${kind} guard in ${out} (temperature ${guard.temperature.toFixed(3)}, ${guard.training.seconds} s)\nheld-out split:\n${formatGuardReport(report)}`);
  } finally {
    guard.close();
  }
}

/** Scores of rows in their own roles, in row order (one batch per role). */
export function scoreRows(guard: Guard, rows: { text: string; role: GuardRole }[]): GuardScores[] {
  const out = new Array<GuardScores>(rows.length);
  for (const role of GUARD_ROLES) {
    const idx = rows.map((r, i) => r.role === role ? i : -1).filter((i) => i >= 0);
    guard.scores(idx.map((i) => rows[i].text), role).forEach((s, j) => { out[idx[j]] = s; });
  }
  return out;
}

async function check(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, { model: { type: 'string' }, text: { type: 'string' }, in: { type: 'string' }, role: { type: 'string' } }, HELP);
  const dir = requiredFlag(v.model, 'model');
  const role = (v.role as string | undefined) ?? 'prompt';
  if (!GUARD_ROLES.includes(role as GuardRole)) throw new CliError(`--role must be prompt or response, got '${role}'`);
  if ((v.text === undefined) === (v.in === undefined)) throw new CliError('give exactly one of --text T or --in FILE.jsonl');
  const texts: string[] = [];
  if (v.text !== undefined) texts.push(v.text as string);
  else {
    const file = v.in as string;
    let n = 0;
    for await (const line of readLines(file)) {
      n++;
      if (!line.trim()) continue;
      let r: { text?: unknown };
      try { r = JSON.parse(line); } catch (err) { throw new WrenError(`${file}:${n}: not valid JSON (${(err as Error).message})`); }
      if (typeof r?.text !== 'string') throw new WrenError(`${file}:${n}: expected an object with a string 'text'`);
      texts.push(r.text);
    }
  }
  const guard = await Guard.load(dir);
  try {
    const lines = guard.check(texts, role as GuardRole).map((x) => JSON.stringify(x));
    writeFileSync(1, lines.join('\n') + (lines.length ? '\n' : ''));
  } finally {
    guard.close();
  }
}

async function evalCommand(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, { model: { type: 'string' }, data: { type: 'string', multiple: true }, split: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  const dir = requiredFlag(v.model, 'model');
  const data = (v.data as string[] | undefined) ?? [];
  if (data.length === 0) throw new CliError('--data is required');
  const split = v.split as string | undefined;
  if (split !== undefined && !['test', 'calibration', 'train', 'all'].includes(split)) throw new CliError(`--split must be test, calibration, train or all, got '${split}'`);
  const rows: GuardExample[] = [];
  for (const p of data) {
    const isFile = /\.jsonl(\.gz)?$/i.test(p);
    const want = split ?? (isFile ? 'all' : 'test');
    rows.push(...(await assembleGuardData([p], { maxPerSource: Infinity })).filter((r) => want === 'all' || r.split === want));
  }
  if (rows.length === 0) throw new CliError('no rows to evaluate (check --data and --split)');
  const guard = await Guard.load(dir);
  let report: GuardEvalReport;
  try {
    report = evaluateGuard(rows, scoreRows(guard, rows), guard.threshold);
  } finally {
    guard.close();
  }
  console.log(v.json ? JSON.stringify(report, null, 2) : `${rows.length} rows, guard ${dir} (${guard.kind})\n${formatGuardReport(report)}`);
}
