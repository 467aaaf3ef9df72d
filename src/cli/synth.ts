// `wren synth stories|instruct|textbook`: seeded synthetic data from a teacher, resumable.
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { loadRecipe, type RecipeKind } from '../data/recipes/recipe.ts';
import { createTeacher, TEACHER_FORMS } from '../llm/create.ts';
import { synthesize, type SynthProgress } from '../data/synth/run.ts';

const HELP = `usage: wren synth stories|instruct|textbook --count N --out FILE.jsonl [options]

  --teacher T        ${TEACHER_FORMS} (default: wren, the bundled
                     teacher, for stories; builtin, the offline grammar, for instruct and textbook,
                     which need summaries and sections the bundled story model does not write)
  --count N          records the output file should hold when the run ends
  --out FILE         JSONL output; an existing file is resumed (same recipe and seed)
  --seed S           run seed (default: the file's seed, else 1234)
  --concurrency C    jobs in flight (default 1 for builtin, 8 for model teachers)
  --recipe R         a built-in recipe (stories, instruct, textbook) or a recipe JSON file
  --max-attempts K   tries per job before it is dropped (default 3)
  --shard i/n        only jobs with index % n == i; --count is then this shard's count
                     (one shard a worker under a batch engine; cat the files afterwards)
  model teachers:
  --base-url URL     endpoint base (openai: …/v1; azure: https://NAME.openai.azure.com)
  --api-key-env VAR  environment variable holding the key
  --api-version V    Azure api-version
  --rpm N --tpm N    requests / tokens per minute
  --timeout SEC      per request (default 120)   --retries N  per request (default 5)
  --price-in USD --price-out USD   per million tokens, for the cost line
  --teacher-tokenizer PATH         a wren: teacher's tokenizer, when its model file has none (llama2.c .bin)`;

const KINDS: Record<string, RecipeKind> = { stories: 'story', story: 'story', instruct: 'instruct', textbook: 'textbook' };

function clock(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

export function progressLine(p: SynthProgress, width = 30): string {
  const frac = Math.min(1, p.records / p.count);
  const fill = Math.round(frac * width);
  return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${p.records}/${p.count} ${(frac * 100).toFixed(1)}% ${p.perSecond.toFixed(1)}/s ETA ${clock(p.etaS)} dropped ${p.dropped}`;
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    teacher: { type: 'string' }, count: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' },
    concurrency: { type: 'string' }, recipe: { type: 'string' }, 'max-attempts': { type: 'string' },
    'base-url': { type: 'string' }, 'api-key-env': { type: 'string' }, 'api-version': { type: 'string' },
    rpm: { type: 'string' }, tpm: { type: 'string' }, timeout: { type: 'string' }, retries: { type: 'string' },
    'price-in': { type: 'string' }, 'price-out': { type: 'string' }, shard: { type: 'string' },
    'teacher-tokenizer': { type: 'string' },
  }, HELP, { positionals: true });
  let shard: { index: number; count: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(String(values.shard));
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new CliError(`--shard must be i/n with 0 <= i < n, got '${values.shard}'`);
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const what = positionals[0];
  if (!what || !KINDS[what] || positionals.length > 1) throw new CliError(`say what to make: stories, instruct or textbook\n\n${HELP}`);
  const kind = KINDS[what];
  const recipe = loadRecipe((values.recipe as string | undefined) ?? (kind === 'story' ? 'stories' : kind));
  if (recipe.kind !== kind) throw new CliError(`recipe '${recipe.name}' (${recipe.source}) makes ${recipe.kind} records, not ${what}`);
  const count = intFlag(requiredFlag(values.count, 'count'), 'count', 0, 1, 100_000_000);
  const out = requiredFlag(values.out, 'out');
  const seed = values.seed === undefined ? undefined : intFlag(values.seed, 'seed', 0, 0, 2 ** 31 - 1);
  const spec = (values.teacher as string | undefined) ?? (kind === 'story' ? 'wren' : 'builtin');
  // the bundled teacher decodes its jobs in one batch: many in flight keep the batch full
  const concurrency = intFlag(values.concurrency, 'concurrency', spec === 'builtin' ? 1 : spec === 'wren' ? 32 : 8, 1, 1024);
  const teacher = await createTeacher(spec, {
    baseUrl: values['base-url'] as string | undefined,
    apiKeyEnv: values['api-key-env'] as string | undefined,
    apiVersion: values['api-version'] as string | undefined,
    tokenizer: values['teacher-tokenizer'] as string | undefined,
    limits: {
      concurrency,
      rpm: values.rpm === undefined ? undefined : numFlag(values.rpm, 'rpm', 0, 1),
      tpm: values.tpm === undefined ? undefined : numFlag(values.tpm, 'tpm', 0, 1),
    },
    timeoutMs: numFlag(values.timeout, 'timeout', 120, 0.1, 3600) * 1000,
    maxRetries: intFlag(values.retries, 'retries', 5, 0, 100),
    pricePerMillionInput: numFlag(values['price-in'], 'price-in', 0, 0),
    pricePerMillionOutput: numFlag(values['price-out'], 'price-out', 0, 0),
  });

  const tty = process.stderr.isTTY === true;
  let lastLog = Date.now();
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping; unfinished jobs will be redone when you run the same command again (Ctrl-C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const report = await synthesize({
      recipe, teacher, count, out, seed, concurrency, shard,
      maxAttempts: intFlag(values['max-attempts'], 'max-attempts', 3, 1, 100),
      signal: abort.signal,
      // a bar on a terminal; in a log (batch job, CI) one plain line every 30 s
      onProgress: tty ? (p) => process.stderr.write(`\r${progressLine(p)}`) : (p) => {
        if (Date.now() - lastLog < 30_000) return;
        lastLog = Date.now();
        process.stderr.write(`${progressLine(p)}\n`);
      },
    });
    if (tty) process.stderr.write('\n');
    const s = report.teacherStats;
    const dropped = Object.entries(report.dropped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    console.log([
      `${report.stopped ? 'stopped' : 'done'}: ${report.records}/${report.count} records in ${report.out} (recipe ${report.recipe}, teacher ${report.teacher}, seed ${report.seed})`,
      `this run: ${report.written} written in ${report.elapsedS.toFixed(1)} s (${(report.written / Math.max(report.elapsedS, 1e-9)).toFixed(1)}/s); ${report.resumedFrom} were already there`,
      `dropped: ${dropped}; retries ${report.retries}; duplicates ${report.duplicates}`,
      `teacher: ${s.requests} requests, ${s.retries} retried, ${s.promptTokens} prompt + ${s.completionTokens} completion tokens${s.costUsd > 0 ? `, $${s.costUsd.toFixed(4)}` : ''}`,
      ...(report.stopped ? ['run the same command again to resume'] : []),
    ].join('\n'));
  } finally {
    process.off('SIGINT', onSigint);
    await teacher.close();
  }
}
