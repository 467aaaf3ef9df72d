// `wren redteam`: attack targets with suites × transforms, score, write a scorecard (src/redteam).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createBackend, type Backend } from '../engine/backend.ts';
import { ensureWritableDir } from '../formats/atomic.ts';
import { createTeacher } from '../llm/create.ts';
import type { Teacher } from '../llm/teacher.ts';
import { runRedteam, type RedteamScorers } from '../redteam/run.ts';
import { writeScorecard, scorecardMarkdown } from '../redteam/scorecard.ts';
import { guardScorer, judgeScorer } from '../redteam/scorers.ts';
import { loadSuite, BUILTIN_SUITES } from '../redteam/suites.ts';
import { HttpTarget } from '../redteam/target.ts';
import { MULTI_TURN_ATTACKS } from '../redteam/multi-turn.ts';
import { TRANSFORMS } from '../redteam/transforms.ts';
import { Guard } from '../safety/guard-model.ts';
import { loadModeration } from '../serve/guard-load.ts';
import { ServedModel } from '../serve/served-model.ts';
import { WrenServer } from '../serve/server.ts';
import { CliError, intFlag, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren redteam --target [NAME=]URL|MODEL --suite NAME… --out DIR [options]

Sends every prompt of each suite, through each transform, to each target's chat endpoint, scores
the answers and writes attempts.jsonl (resumable: rerun with the same --out), scorecard.md,
scorecard.json and scorecard.svg.

  --target [NAME=]T     an OpenAI-compatible server (http://127.0.0.1:8080, e.g. wren serve) or a
                        model Wren loads (folder, .bin, .gguf), served in-process on loopback;
                        repeatable (NAME defaults to target1, target2, …)
  --guard NAME=DIR      serve the model target NAME with this guard in its path
  --guard-policy FILE   the policy for those guards (see wren serve --help)
  --tokenizer PATH      tokenizer for model targets without one (a llama2.c .bin)
  --suite NAME          ${Object.keys(BUILTIN_SUITES).join(', ')}, or a .jsonl/.csv of prompts; repeatable
  --safety-data DIR     folder of the built-in suites (default ../shared/data/safety)
  --transforms LIST     comma-separated, each a transform or a+b composition (default none);
                        known: ${Object.keys(TRANSFORMS).join(', ')};
                        multi-turn (at most one in a chain): ${Object.keys(MULTI_TURN_ATTACKS).join(', ')},
                        crescendo@SPEC (a model as the attacker, SPEC as for --judge)
  --limit N             first N prompts of each suite (default all)
  --scorer-guard DIR    also score answers with this guard (success needs it to flag the answer)
  --judge SPEC          also score with an LLM judge, HarmBench's yes/no rubric (builtin, openai:MODEL, …)
  --max-tokens N        answer length (default 64)
  --retries N           tries after a refused connection, 5xx or 429 (default 3)
  --concurrency N       attempts in flight (default 4)
  --api-key KEY         for URL targets that need one (default $WREN_API_KEY)`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    target: { type: 'string', multiple: true }, guard: { type: 'string', multiple: true }, 'guard-policy': { type: 'string' }, tokenizer: { type: 'string' },
    suite: { type: 'string', multiple: true }, 'safety-data': { type: 'string' }, transforms: { type: 'string' }, limit: { type: 'string' },
    'scorer-guard': { type: 'string' }, judge: { type: 'string' }, 'max-tokens': { type: 'string' }, retries: { type: 'string' },
    concurrency: { type: 'string' }, 'api-key': { type: 'string' }, out: { type: 'string' },
  }, HELP);
  const specs = (v.target as string[] | undefined) ?? [], suites = (v.suite as string[] | undefined) ?? [];
  if (specs.length === 0) throw new CliError('--target is required');
  if (suites.length === 0) throw new CliError('--suite is required');
  const out = requiredFlag(v.out, 'out');
  const transforms = ((v.transforms as string | undefined) ?? 'none').split(',').map((s) => s.trim()).filter(Boolean);
  const limit = intFlag(v.limit, 'limit', Infinity, 1);
  const safetyDir = (v['safety-data'] as string | undefined) ?? '../shared/data/safety';
  const prompts = suites.flatMap((s) => loadSuite(s, safetyDir, limit));
  const guards = new Map(((v.guard as string[] | undefined) ?? []).map((g) => {
    const m = /^([^=]+)=(.+)$/.exec(g);
    if (!m) throw new CliError(`--guard must be NAME=DIR (the model target it guards), got '${g}'`);
    return [m[1], m[2]];
  }));
  const opts = { maxTokens: intFlag(v['max-tokens'], 'max-tokens', 64, 1, 4096), retries: intFlag(v.retries, 'retries', 3, 0, 20), backoffMs: 250, timeoutMs: 120_000,
    apiKey: (v['api-key'] as string | undefined) ?? (process.env.WREN_API_KEY || undefined) };
  ensureWritableDir(out);

  const cleanups: (() => Promise<void>)[] = [];
  let backend: Backend | undefined, teacher: Teacher | undefined, scorerGuard: Guard | undefined;
  try {
    const targets: { name: string; target: HttpTarget }[] = [], targetSpecs: Record<string, string> = {};
    for (const [i, spec] of specs.entries()) {
      const m = /^([A-Za-z][\w.-]*)=(.+)$/.exec(spec);
      const name = m?.[1] ?? `target${i + 1}`, where = m ? m[2] : spec;
      targetSpecs[name] = /^https?:\/\//.test(where) ? where : resolve(where);
      if (/^https?:\/\//.test(where)) {
        if (guards.has(name)) throw new CliError(`--guard ${name}=…: ${name} is a URL target; start that server with --guard instead`);
        targets.push({ name, target: new HttpTarget(where, opts) });
        continue;
      }
      if (!existsSync(where)) throw new CliError(`--target ${spec}: neither an http(s) URL nor an existing model path`);
      backend ??= await createBackend();
      const model = ServedModel.load(where, backend, { tokenizer: v.tokenizer as string | undefined, parallel: 4, queueLimit: 256 });
      const moderation = await loadModeration(guards.get(name), guards.has(name) ? v['guard-policy'] as string | undefined : undefined);
      const server = new WrenServer({ models: [model], moderation });
      const url = await server.listen(0, '127.0.0.1');
      cleanups.push(async () => { await server.drain(1000); moderation?.guard.close(); });
      console.error(`redteam: ${name}: ${where}${moderation ? ` with guard ${guards.get(name)}` : ''} at ${url}`);
      targets.push({ name, target: new HttpTarget(url, opts) });
    }
    for (const n of guards.keys()) if (!targets.some((t) => t.name === n)) throw new CliError(`--guard ${n}=…: no target named ${n}`);
    const scorers: RedteamScorers = {};
    if (v['scorer-guard']) { scorerGuard = await Guard.load(v['scorer-guard'] as string); scorers.guard = guardScorer(scorerGuard); }
    if (v.judge) { teacher = await createTeacher(v.judge as string); scorers.judge = judgeScorer(teacher); }
    const tty = process.stderr.isTTY, t0 = performance.now();
    const settings = {
      targets: targetSpecs,
      guards: Object.fromEntries([...guards].map(([n, d]) => [n, resolve(d)])), guardPolicy: v['guard-policy'] ? resolve(v['guard-policy'] as string) : null,
      tokenizer: v.tokenizer ? resolve(v.tokenizer as string) : null, maxTokens: opts.maxTokens,
      scorerGuard: v['scorer-guard'] ? resolve(v['scorer-guard'] as string) : null, judge: v.judge ?? null,
    };
    const attempts = await runRedteam({
      targets, prompts, transforms, out, scorers, settings, concurrency: intFlag(v.concurrency, 'concurrency', 4, 1, 64),
      onAttempt: (a, done, total) => {
        if (tty || done === total || done % 50 === 0) {
          const rate = done / ((performance.now() - t0) / 1000);
          process.stderr.write(`${tty ? '\r' : ''}redteam: ${done}/${total} attempts, ${rate.toFixed(1)}/s, ETA ${Math.round((total - done) / rate)} s${a.status === 'error' ? ` (error: ${a.error})` : ''}${tty ? '   ' : '\n'}`);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    const scorerNote = `Scorers: refusal phrases${scorers.guard ? `, guard ${v['scorer-guard']}` : ''}${scorers.judge ? `, judge ${v.judge} (HarmBench yes/no)` : ''}. Targets: ${specs.join(', ')}${guards.size ? `; guards: ${[...guards].map(([n, d]) => `${n}=${d}`).join(', ')}` : ''}.`;
    const rows = writeScorecard(out, attempts, scorerNote);
    console.log(scorecardMarkdown(rows, scorerNote));
    const errors = attempts.filter((a) => a.status === 'error').length;
    if (errors > 0) {
      console.error(`redteam: ${errors} attempts ended in errors (listed in ${out}/attempts.jsonl; rerun with the same --out to retry them)`);
      process.exitCode = 1; // the scorecard is incomplete
    }
  } finally {
    for (const c of cleanups) await c();
    scorerGuard?.close();
    await teacher?.close();
    backend?.dispose();
  }
}

