// `wren filter annotate`: label documents 0–5 for educational value with a teacher (the FineWeb-Edu
// prompt, or the code variant) into a resumable labels file for `wren filter train-classifier`.
import { annotateDocuments } from '../data/filter/edu/annotate-run.ts';
import { ANNOTATION_PROMPTS } from '../data/filter/edu/prompts.ts';
import { createTeacher, TEACHER_FORMS } from '../llm/create.ts';
import type { Teacher } from '../llm/teacher.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag, type FlagSpec } from './args.ts';

const HELP = `usage: wren filter annotate --in FILES… --out labels.jsonl --teacher SPEC [options]

Asks a teacher to score each document 0–5 with the FineWeb-Edu additive prompt (--prompt web) or
its code variant (--prompt code) and appends {"id","text","score","reasoning",…} lines to --out.
Rerunning continues: documents already in --out are not asked again.

options:
  --teacher SPEC      ${TEACHER_FORMS}
  --base-url URL      OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1 for llama.cpp, vLLM)
  --api-key-env NAME  environment variable holding the API key
  --prompt NAME       ${Object.keys(ANNOTATION_PROMPTS).join(' | ')} (default web)
  --limit N           annotate at most N documents (default all)
  --concurrency C     requests in flight (default 4)
  --max-chars N       cut documents to N characters before prompting (default 8000)
  --timeout S         per-request timeout in seconds (default 120)
  --skip-bad          skip malformed JSONL lines`;

/** Teacher flags shared by `wren filter` and `wren filter annotate`. */
export const TEACHER_FLAGS: FlagSpec = {
  teacher: { type: 'string' }, 'base-url': { type: 'string' }, 'api-key-env': { type: 'string' }, timeout: { type: 'string' },
};

export async function teacherFromFlags(values: Record<string, unknown>, concurrency: number): Promise<Teacher | undefined> {
  if (typeof values.teacher !== 'string') return undefined;
  return createTeacher(values.teacher, {
    baseUrl: typeof values['base-url'] === 'string' ? values['base-url'] : undefined,
    apiKeyEnv: typeof values['api-key-env'] === 'string' ? values['api-key-env'] : undefined,
    limits: { concurrency },
    timeoutMs: numFlag(values.timeout, 'timeout', 120, 0.1, 3600) * 1000,
  });
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    ...TEACHER_FLAGS, in: { type: 'string', multiple: true }, out: { type: 'string' }, prompt: { type: 'string' },
    limit: { type: 'string' }, concurrency: { type: 'string' }, 'max-chars': { type: 'string' }, 'skip-bad': { type: 'boolean' },
  }, HELP, { positionals: true });
  const inputs = [...(Array.isArray(values.in) ? values.in.map(String) : []), ...positionals];
  if (inputs.length === 0) throw new CliError(`--in is required\n\n${HELP}`);
  const out = requiredFlag(values.out, 'out');
  requiredFlag(values.teacher, 'teacher');
  const prompt = typeof values.prompt === 'string' ? values.prompt : 'web';
  if (!ANNOTATION_PROMPTS[prompt]) throw new CliError(`--prompt must be one of ${Object.keys(ANNOTATION_PROMPTS).join(', ')}, got '${prompt}'`);
  const concurrency = intFlag(values.concurrency, 'concurrency', 4, 1, 256);
  const teacher = (await teacherFromFlags(values, concurrency))!;
  try {
    const s = await annotateDocuments({
      inputs, out, teacher, prompt, concurrency,
      limit: intFlag(values.limit, 'limit', Number.MAX_SAFE_INTEGER, 1),
      maxChars: intFlag(values['max-chars'], 'max-chars', 8000, 100),
      read: { skipBad: values['skip-bad'] === true },
    });
    const t = teacher.stats();
    console.log(`annotated ${s.documents} documents with ${teacher.id} → ${out}: ${s.requested} asked, ${s.alreadyDone} already there, ${s.unscored} replies without a score`);
    console.log(`  new scores 0–5: ${s.histogram.join(' / ')}; teacher: ${t.requests} requests, ${t.retries} retried, ${t.promptTokens} + ${t.completionTokens} tokens`);
  } finally {
    await teacher.close();
  }
}
