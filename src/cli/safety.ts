// `wren safety data`: SFT chats and DPO pairs for safety post-training (src/safety/safety-data.ts),
// to feed `wren sft` and `wren dpo`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { createTeacher } from '../llm/create.ts';
import { assembleGuardData } from '../safety/guard-data.ts';
import { advbenchTargets, knownAnswers, safetyRecords } from '../safety/safety-data.ts';
import { safetyRound } from '../safety/break-fix.ts';
import { loadSuite } from '../redteam/suites.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';
import { checkOutFolder } from '../formats/out-folder.ts';

const HELP = `usage: wren safety data --data DIR --out DIR [--teacher SPEC] [--max-safe N]
       wren safety round --model CHAT_DIR --suite NAME… --held-out-suite NAME… --out DIR [options]

data:

Writes chats.jsonl / chats-val.jsonl (wren sft) and pairs.jsonl / pairs-val.jsonl (wren dpo) from
the guard's train and calibration splits of DIR (../shared/data: its safety/ and tasks/): refusals
of harmful prompts, and helpful answers to safe prompts whose answers the sets hold. With
--teacher (builtin, openai:MODEL, …) the teacher also answers the safe look-alikes (XSTest safe,
src/safety/look-alikes.ts); without one they are left out. The held-out split is never used.

  --max-safe N          most safe-prompt examples per source (default 300)
  --refusal-percent P   keep P% of the refusal examples (default 100; a few percent makes an
                        under-aligned model to start a break-fix round from)
  --force               replace the safety data already in --out

round: one break-fix round on a chat model (from wren sft): red-team it on --suite and
--held-out-suite, make DPO pairs of the attacks that succeeded on --suite (refusal chosen, the
model's answer rejected), DPO, red-team the result; before/, after/, pairs.jsonl, dpo/, round.md.
  --suite NAME            suites trained against (as wren redteam: advbench, harmbench, FILE.jsonl…)
  --held-out-suite NAME   suites only measured, never trained on
  --transforms LIST       as wren redteam (default none)
  --limit N               first N prompts of each suite (default 100)
  --safety-data DIR       folder of the built-in suites (default ../shared/data/safety)
  --steps N, --beta B, --lr R, --seed S   DPO (default 300, 0.5, 1e-4, 1)
  --max-tokens N          answer length in the red-team runs (default 48)`;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) { console.log(HELP); if (sub === undefined) throw new CliError('expected a subcommand: data'); return; }
  if (sub === 'round') return round(rest);
  if (sub !== 'data') throw new CliError(`unknown subcommand '${sub}' (data or round)`);
  const { values: v } = parseFlags(rest, { data: { type: 'string' }, out: { type: 'string' }, teacher: { type: 'string' }, 'max-safe': { type: 'string' }, 'refusal-percent': { type: 'string' }, force: { type: 'boolean' } }, HELP);
  const data = requiredFlag(v.data, 'data'), out = requiredFlag(v.out, 'out');
  checkOutFolder(out, { marker: 'chats.jsonl', what: 'safety data', force: v.force === true });
  const maxSafe = intFlag(v['max-safe'], 'max-safe', 300, 0), refusalPercent = intFlag(v['refusal-percent'], 'refusal-percent', 100, 0, 100);
  const rows = await assembleGuardData([data], { lookAlikes: true, maxPerSource: Infinity });
  ensureWritableDir(out); // after the checks of flags and data, so a refused run leaves no folder
  const teacher = v.teacher ? await createTeacher(v.teacher as string) : undefined;
  try {
    const r = await safetyRecords(rows, knownAnswers(join(data, 'tasks')), advbenchTargets(join(data, 'safety')), teacher, maxSafe, refusalPercent);
    const lines = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + (xs.length ? '\n' : '');
    writeFileAtomic(join(out, 'chats.jsonl'), lines(r.chats));
    writeFileAtomic(join(out, 'chats-val.jsonl'), lines(r.valChats));
    writeFileAtomic(join(out, 'pairs.jsonl'), lines(r.pairs));
    writeFileAtomic(join(out, 'pairs-val.jsonl'), lines(r.valPairs));
    console.log(`safety data: ${r.chats.length} chats and pairs for training, ${r.valChats.length} for validation, in ${out}`);
    for (const [k, n] of Object.entries(r.counts).sort()) console.log(`  ${k.padEnd(32)} ${n}`);
  } finally {
    await teacher?.close();
  }
}

async function round(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, suite: { type: 'string', multiple: true }, 'held-out-suite': { type: 'string', multiple: true }, out: { type: 'string' },
    transforms: { type: 'string' }, limit: { type: 'string' }, 'safety-data': { type: 'string' }, steps: { type: 'string' }, beta: { type: 'string' },
    lr: { type: 'string' }, seed: { type: 'string' }, 'max-tokens': { type: 'string' },
  }, HELP);
  const model = requiredFlag(v.model, 'model'), out = requiredFlag(v.out, 'out');
  const train = (v.suite as string[] | undefined) ?? [], heldOut = (v['held-out-suite'] as string[] | undefined) ?? [];
  if (train.length === 0) throw new CliError('--suite is required (the suites to train against)');
  const limit = intFlag(v.limit, 'limit', 100, 1), dir = (v['safety-data'] as string | undefined) ?? '../shared/data/safety';
  ensureWritableDir(out);
  const r = await safetyRound({
    model, out, trainPrompts: train.flatMap((s) => loadSuite(s, dir, limit)), heldOutPrompts: heldOut.flatMap((s) => loadSuite(s, dir, limit)),
    transforms: ((v.transforms as string | undefined) ?? 'none').split(',').map((s) => s.trim()).filter(Boolean),
    maxTokens: intFlag(v['max-tokens'], 'max-tokens', 48, 1, 4096), steps: intFlag(v.steps, 'steps', 300, 1),
    beta: numFlag(v.beta, 'beta', 0.5, 1e-6, 100), lr: numFlag(v.lr, 'lr', 1e-4, 1e-9, 1), seed: intFlag(v.seed, 'seed', 1, 0),
    onStage: (m) => console.error(`safety round: ${m}`),
  });
  console.log(readFileSync(join(out, 'round.md'), 'utf8'));
  console.error(`safety round: new model in ${r.model}`);
}
