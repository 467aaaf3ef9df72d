// `wren safety data`: SFT chats and DPO pairs for safety post-training (src/safety/safety-data.ts),
// to feed `wren sft` and `wren dpo`.
import { join } from 'node:path';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { createTeacher } from '../llm/create.ts';
import { assembleGuardData } from '../safety/guard-data.ts';
import { advbenchTargets, knownAnswers, safetyRecords } from '../safety/safety-data.ts';
import { CliError, intFlag, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren safety data --data DIR --out DIR [--teacher SPEC] [--max-safe N]

Writes chats.jsonl / chats-val.jsonl (wren sft) and pairs.jsonl / pairs-val.jsonl (wren dpo) from
the guard's train and calibration splits of DIR (../shared/data: its safety/ and tasks/): refusals
of harmful prompts, and helpful answers to safe prompts whose answers the sets hold. With
--teacher (builtin, openai:MODEL, …) the teacher also answers the safe look-alikes (XSTest safe,
src/safety/look-alikes.ts); without one they are left out. The held-out split is never used.

  --max-safe N   most safe-prompt examples per source (default 300)

Not built: 'wren safety round' (red-team → failures → pairs → DPO → re-test); see docs/safety.md.`;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) { console.log(HELP); if (sub === undefined) throw new CliError('expected a subcommand: data'); return; }
  if (sub !== 'data') throw new CliError(`wren safety: unknown subcommand '${sub}' (only 'data' exists; 'round' is not built)`);
  const { values: v } = parseFlags(rest, { data: { type: 'string' }, out: { type: 'string' }, teacher: { type: 'string' }, 'max-safe': { type: 'string' } }, HELP);
  const data = requiredFlag(v.data, 'data'), out = requiredFlag(v.out, 'out');
  ensureWritableDir(out);
  const rows = await assembleGuardData([data], { lookAlikes: true, maxPerSource: Infinity });
  const teacher = v.teacher ? await createTeacher(v.teacher as string) : undefined;
  try {
    const r = await safetyRecords(rows, knownAnswers(join(data, 'tasks')), advbenchTargets(join(data, 'safety')), teacher, intFlag(v['max-safe'], 'max-safe', 300, 0));
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
