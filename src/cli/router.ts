// `wren router train | calibrate | eval | score`: routers that send each prompt to a small
// (weak) or a large (strong) model (src/router; docs/routing.md).
import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../formats/atomic.ts';
import { WrenError } from '../errors.ts';
import { calibrateRouter } from '../router/calibrate.ts';
import { evaluateRouter, writeEvaluation } from '../router/evaluate.ts';
import { loadRouter } from '../router/load.ts';
import { isRouterPolicy, ROUTER_POLICIES } from '../router/router.ts';
import { readPrompts, readRoutingData, ROUTELLM_STRONG, ROUTELLM_WEAK } from '../router/routing-data.ts';
import { splitBySubject, trainRouter } from '../router/train.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { checkOutNotInput } from '../formats/out-folder.ts';

const HELP = `usage: wren router <train|calibrate|eval|score> [options]

  train      --data DIR|FILE… --out DIR [--policy P]   learn a router from routing tables
  calibrate  --router DIR --prompts FILE --strong-share S   set the threshold for a strong-call share
  eval       --router DIR --data DIR|FILE… [--out DIR]      RouteLLM's PGR curve, APGR, CPT(20/50/80%)
  score      --router DIR --in prompts.jsonl --out scores.jsonl   one {"prompt","score"} a line

Run 'wren router <subcommand> --help' for its options.`;

const TRAIN_HELP = `usage: wren router train --data DIR|FILE… --out DIR [options]

Routing tables: RouteLLM's MMLU responses (mmlu_*.csv: prompt, weak and strong model True/False,
e.g. ../shared/data/router), or JSONL {"prompt", "weak", "strong", "subject"}. The learned
policies predict "strong needed" = strong model correct and weak model wrong.

  --policy P           classifier (default: the Wren text classifier), linear (hashed n-gram
                       logistic regression), heuristic, random, llm
  --hold-out A,B       subjects never trained on (router.json lists them for eval --held-out)
  --hold-out-count N   or hold out N subjects picked with --seed
  --seed N             seed (default 1)
  --weak-model COL     the weak model's CSV column (default ${ROUTELLM_WEAK})
  --strong-model COL   the strong model's CSV column (default ${ROUTELLM_STRONG})
  --force              replace a router already in --out
classifier: --epochs N (12) --max-len T (256) --hidden C (64) --layers L (2) --heads H (4)
            --vocab N (2048) --batch B (16) --lr X (0.002) --pooling last|mean (last) --threads N
linear:     --epochs N (40) --bits B (18)
llm:        --client SPEC (openai:MODEL, azure:DEPLOYMENT, ollama:MODEL) --base-url URL
            --concurrency N (8) --rpm N --tpm N (the client's limits, stored with the router)`;

const CALIBRATE_HELP = `usage: wren router calibrate --router DIR --prompts FILE --strong-share S

Finds the threshold that sends share S of the prompts in FILE (JSONL with "prompt", a routing
CSV, or text lines) to the strong model, and stores it in DIR/router.json.`;

const EVAL_HELP = `usage: wren router eval --router DIR --data DIR|FILE… [--held-out] [--out DIR] [--resamples N]

  --held-out       evaluate only the subjects router.json says were held out of training
  --out DIR        write eval.json and curve.svg there
  --resamples N    bootstrap resamples for the APGR interval (default 1000)`;

const SCORE_HELP = `usage: wren router score --router DIR --in prompts.jsonl --out scores.jsonl [--force]`;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'train') return train(rest);
  if (sub === 'calibrate') return calibrate(rest);
  if (sub === 'eval') return evaluate(rest);
  if (sub === 'score') return score(rest);
  if (sub === undefined || sub === '--help' || sub === '-h') { console.log(HELP); return; }
  throw new CliError(`unknown subcommand 'router ${sub}'\n\n${HELP}`);
}

async function train(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags(argv, {
    data: { type: 'string', multiple: true }, out: { type: 'string' }, policy: { type: 'string' }, 'hold-out': { type: 'string' },
    'hold-out-count': { type: 'string' }, seed: { type: 'string' }, 'weak-model': { type: 'string' }, 'strong-model': { type: 'string' },
    force: { type: 'boolean' }, epochs: { type: 'string' }, 'max-len': { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' },
    heads: { type: 'string' }, vocab: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, threads: { type: 'string' },
    bits: { type: 'string' }, client: { type: 'string' }, 'base-url': { type: 'string' },
    concurrency: { type: 'string' }, rpm: { type: 'string' }, tpm: { type: 'string' }, pooling: { type: 'string' },
  }, TRAIN_HELP, { positionals: true });
  const policy = str(v.policy) ?? 'classifier';
  if (!isRouterPolicy(policy)) throw new CliError(`--policy must be one of ${ROUTER_POLICIES.join(', ')}, got '${policy}'`);
  const options: Record<string, number> = {};
  const ints: [string, string, number, number][] = [['epochs', 'epochs', 1, 10000], ['max-len', 'maxLen', 1, 8192], ['hidden', 'hidden', 8, 2048],
    ['layers', 'layers', 1, 48], ['heads', 'heads', 1, 64], ['vocab', 'vocab', 257, 65536], ['batch', 'batch', 1, 1024], ['threads', 'threads', 1, 16], ['bits', 'bits', 4, 26]];
  for (const [flag, key, min, max] of ints) if (v[flag] !== undefined) options[key] = intFlag(v[flag], flag, min, min, max);
  if (v.lr !== undefined) options[policy === 'linear' ? 'learningRate' : 'lr'] = numFlag(v.lr, 'lr', 0.002, 1e-7, 1);
  if (v.pooling !== undefined) {
    if (v.pooling !== 'last' && v.pooling !== 'mean') throw new CliError(`--pooling must be last or mean, got '${v.pooling}'`);
    options.meanPool = v.pooling === 'mean' ? 1 : 0;
  }
  const linearOnly = ['bits'], classifierOnly = ['maxLen', 'hidden', 'layers', 'heads', 'vocab', 'batch', 'threads', 'meanPool'];
  for (const k of Object.keys(options)) {
    if (policy !== 'linear' && linearOnly.includes(k)) throw new CliError(`--${k} is a linear option; --policy is ${policy}`);
    if (policy !== 'classifier' && classifierOnly.includes(k)) throw new CliError(`--${k === 'meanPool' ? 'pooling' : k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is a classifier option; --policy is ${policy}`);
  }
  const data = [...strs(v.data), ...positionals];
  if ((policy === 'classifier' || policy === 'linear') && data.length === 0) throw new CliError('--data is required for a learned policy');
  const r = await trainRouter({
    data, out: requiredFlag(v.out, 'out'), policy, options, force: v.force === true,
    columns: { weak: str(v['weak-model']), strong: str(v['strong-model']) },
    holdOut: str(v['hold-out'])?.split(',').map((s) => s.trim()).filter(Boolean),
    holdOutCount: v['hold-out-count'] === undefined ? undefined : intFlag(v['hold-out-count'], 'hold-out-count', 1, 1),
    seed: intFlag(v.seed, 'seed', 1), client: str(v.client), baseUrl: str(v['base-url']),
    limits: {
      concurrency: v.concurrency === undefined ? undefined : intFlag(v.concurrency, 'concurrency', 8, 1, 1024),
      rpm: v.rpm === undefined ? undefined : intFlag(v.rpm, 'rpm', 0, 1), tpm: v.tpm === undefined ? undefined : intFlag(v.tpm, 'tpm', 0, 1),
    },
    onEpoch: (p) => process.stderr.write(`epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)} (${p.seconds.toFixed(0)} s)\n`),
  });
  await r.router?.close();
  const held = r.manifest.heldOutSubjects;
  console.log(`router ${policy} in ${requiredFlag(v.out, 'out')}: trained on ${r.trainRows} prompts (${r.positives} strong-needed)${held ? `; held out ${held.length} subjects (${r.heldOutRows} prompts): ${held.join(', ')}` : ''} in ${r.seconds.toFixed(1)} s; threshold 0.5 until 'wren router calibrate'`);
}

async function calibrate(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, { router: { type: 'string' }, prompts: { type: 'string' }, 'strong-share': { type: 'string' } }, CALIBRATE_HELP);
  const dir = requiredFlag(v.router, 'router'), file = requiredFlag(v.prompts, 'prompts');
  const share = numFlag(requiredFlag(v['strong-share'], 'strong-share'), 'strong-share', 0.2, 0, 1);
  const prompts = readPrompts(file);
  const { router } = await loadRouter(dir);
  try {
    const c = await calibrateRouter(dir, router, prompts, share, file);
    console.log(`threshold ${c.threshold.toPrecision(6)}: ${(100 * c.measuredShare).toFixed(1)}% of ${c.count} prompts to the strong model (asked ${(100 * share).toFixed(1)}%); stored in ${dir}/router.json`);
  } finally {
    await router.close();
  }
}

async function evaluate(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags(argv, {
    router: { type: 'string' }, data: { type: 'string', multiple: true }, 'held-out': { type: 'boolean' }, out: { type: 'string' },
    resamples: { type: 'string' }, 'weak-model': { type: 'string' }, 'strong-model': { type: 'string' },
  }, EVAL_HELP, { positionals: true });
  const dir = requiredFlag(v.router, 'router');
  const data = [...strs(v.data), ...positionals];
  if (data.length === 0) throw new CliError('--data is required');
  let rows = readRoutingData(data, { weak: str(v['weak-model']), strong: str(v['strong-model']) });
  const { router, manifest } = await loadRouter(dir);
  try {
    if (v['held-out']) {
      if (!manifest.heldOutSubjects?.length) throw new WrenError(`${dir}/router.json names no held-out subjects; train with --hold-out or --hold-out-count`);
      rows = splitBySubject(rows, manifest.heldOutSubjects).test;
      if (rows.length === 0) throw new WrenError(`--data has no rows of the held-out subjects ${manifest.heldOutSubjects.join(', ')}`);
    }
    const e = await evaluateRouter(router, rows, { resamples: intFlag(v.resamples, 'resamples', 1000, 10, 100000) });
    const out = str(v.out);
    if (out) writeEvaluation(out, e, { weak: str(v['weak-model']) ?? 'weak', strong: str(v['strong-model']) ?? 'strong' });
    const f = (x: number) => x.toFixed(3), pc = (x: number) => `${x.toFixed(1)}%`;
    console.log(`${e.rows} prompts, ${e.subjects.length} subjects; weak ${pc(e.weakAccuracy)}, strong ${pc(e.strongAccuracy)}`);
    console.log('| router | APGR | CPT(20%) | CPT(50%) | CPT(80%) |\n| --- | --- | --- | --- | --- |');
    for (const [name, m] of [[manifest.policy, e.router], ['random', e.random], ['optimal', e.optimal]] as const) {
      console.log(`| ${name} | ${f(m.apgr)} | ${pc(m.cpt20)} | ${pc(m.cpt50)} | ${pc(m.cpt80)} |`);
    }
    const b = e.bootstrap;
    console.log(`APGR ${f(b.apgr)}, 95% bootstrap interval [${f(b.low)}, ${f(b.high)}]; over random: [${f(b.lowOverRandom)}, ${f(b.highOverRandom)}] (${b.resamples} resamples)${out ? `; ${out}/eval.json, ${out}/curve.svg` : ''}`);
  } finally {
    await router.close();
  }
}

async function score(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, { router: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } }, SCORE_HELP);
  const inFile = requiredFlag(v.in, 'in'), outFile = requiredFlag(v.out, 'out');
  checkOutNotInput(outFile, [inFile]);
  if (existsSync(outFile) && !v.force) throw new CliError(`--out ${outFile} exists; pass --force to replace it`);
  const prompts = readPrompts(inFile);
  const { router, manifest } = await loadRouter(requiredFlag(v.router, 'router'));
  try {
    const scores = await router.scoreAll(prompts);
    writeFileAtomic(outFile, prompts.map((prompt, i) => JSON.stringify({ prompt, score: scores[i] }) + '\n').join(''));
    const strong = scores.filter((s) => s >= manifest.threshold).length;
    console.log(`${prompts.length} prompts scored into ${outFile}; ${strong} (${((100 * strong) / prompts.length).toFixed(1)}%) at or above the threshold ${manifest.threshold}`);
  } finally {
    await router.close();
  }
}
