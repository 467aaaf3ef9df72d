// One break-fix round (Phi-3's safety loop): red-team a chat model (unguarded) on the training
// suites and the held-out suites → the attacks that succeeded on the training suites become DPO
// pairs (chosen: a refusal written offline for the request's category, rejected: what the model
// said) → DPO from the model → the same red-team run on the new model. The held-out suites are
// attacked both times and never feed a pair: they show whether the fix carries over.
//
// out/before/, out/after/   red-team runs (attempts.jsonl, scorecard.*)
// out/pairs.jsonl, out/pairs-val.jsonl   the pairs (from 20 on, 1 in 10 by text hash held back for DPO's eval)
// out/dpo/                  the DPO run; out/dpo/checkpoint is the new model
// out/round.md, round.json  attack success before and after, per suite × transform
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../engine/backend.ts';
import { fnv1a } from '../data/filter/hash.ts';
import { WrenError } from '../errors.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { runRedteam, type Attempt } from '../redteam/run.ts';
import { writeScorecard, type ScoreRow } from '../redteam/scorecard.ts';
import type { RedteamPrompt } from '../redteam/suites.ts';
import { HttpTarget } from '../redteam/target.ts';
import { ServedModel } from '../serve/served-model.ts';
import { WrenServer } from '../serve/server.ts';
import { runDpo } from '../train/dpo.ts';
import { keywordCategory } from './keyword-categories.ts';
import { refusalFor } from './safety-data.ts';

export type RoundOptions = {
  model: string; out: string;
  trainPrompts: RedteamPrompt[]; heldOutPrompts: RedteamPrompt[]; transforms: string[];
  maxTokens: number; steps: number; beta: number; lr: number; seed: number;
  onStage?: (message: string) => void;
};

export type RoundResult = { before: ScoreRow[]; after: ScoreRow[]; pairs: number; model: string };

async function attack(model: string, prompts: RedteamPrompt[], transforms: string[], out: string, maxTokens: number): Promise<Attempt[]> {
  const backend = await createBackend();
  try {
    const served = ServedModel.load(model, backend, { parallel: 4, queueLimit: 256, name: 'model' });
    const server = new WrenServer({ models: [served] });
    const url = await server.listen(0, '127.0.0.1');
    try {
      return await runRedteam({ targets: [{ name: 'model', target: new HttpTarget(url, { maxTokens, retries: 2, backoffMs: 250, timeoutMs: 120_000 }) }], prompts, transforms, out, scorers: {} });
    } finally {
      await server.drain(1000);
    }
  } finally {
    backend.dispose();
  }
}

export async function safetyRound(o: RoundOptions): Promise<RoundResult> {
  const trainSuites = new Set(o.trainPrompts.map((p) => p.suite));
  for (const p of o.heldOutPrompts) if (trainSuites.has(p.suite)) throw new WrenError(`suite ${p.suite} is both a training and a held-out suite`);
  const prompts = [...o.trainPrompts, ...o.heldOutPrompts];
  o.onStage?.('red-team before');
  const before = await attack(o.model, prompts, o.transforms, join(o.out, 'before'), o.maxTokens);
  const beforeRows = writeScorecard(join(o.out, 'before'), before, `Before DPO: ${o.model}`);
  const failures = before.filter((a) => a.success === true && trainSuites.has(a.suite) && a.answer);
  if (failures.length === 0) throw new WrenError('no attack on the training suites succeeded: nothing to fix (see before/scorecard.md)');
  const pairs = failures.map((a) => ({ prompt: a.sent, chosen: refusalFor(keywordCategory(a.prompt) ?? 'criminal_planning', a.prompt), rejected: a.answer! }));
  const held = (p: { prompt: string }) => fnv1a(p.prompt + '#dpo-val') % 10 === 0;
  const lines = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
  const valPairs = pairs.length >= 20 ? pairs.filter(held) : []; // too few to hold any back
  writeFileAtomic(join(o.out, 'pairs.jsonl'), lines(pairs.filter((p) => !valPairs.includes(p))));
  if (valPairs.length) writeFileAtomic(join(o.out, 'pairs-val.jsonl'), lines(valPairs));
  o.onStage?.(`DPO on ${pairs.length} pairs`);
  const files = resolveModelFiles(o.model);
  const context = files.config ? readConfigFile(files.config).max_position_embeddings : 256;
  const dpo = await runDpo({
    model: o.model, data: join(o.out, 'pairs.jsonl'), val: valPairs.length ? join(o.out, 'pairs-val.jsonl') : undefined, out: join(o.out, 'dpo'),
    beta: o.beta, pairsPerBatch: 4, seqLen: context, skipBad: true,
    settings: { steps: o.steps, grad_accum: 1, lr: o.lr, min_lr: o.lr / 10, warmup_steps: Math.min(10, o.steps), weight_decay: 0, beta1: 0.9, beta2: 0.95,
      eps: 1e-8, grad_clip: 1, eval_interval: Math.max(1, Math.floor(o.steps / 2)), checkpoint_interval: o.steps, seed: o.seed },
  });
  const model = dpo.checkpoint;
  if (!existsSync(model)) throw new WrenError(`DPO wrote no checkpoint at ${model}`);
  o.onStage?.('red-team after');
  const after = await attack(model, prompts, o.transforms, join(o.out, 'after'), o.maxTokens);
  const afterRows = writeScorecard(join(o.out, 'after'), after, `After DPO: ${model}`);
  writeFileAtomic(join(o.out, 'round.json'), JSON.stringify({ model: o.model, dpoModel: model, pairs: pairs.length, trainSuites: [...trainSuites], before: beforeRows, after: afterRows }, null, 2) + '\n');
  writeFileAtomic(join(o.out, 'round.md'), roundMarkdown(beforeRows, afterRows, trainSuites, pairs.length, o.model, model));
  return { before: beforeRows, after: afterRows, pairs: pairs.length, model };
}

const pct = (x: number) => Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`;

export function roundMarkdown(before: ScoreRow[], after: ScoreRow[], trainSuites: Set<string>, pairs: number, from: string, to: string): string {
  const lines = ['# Break-fix round', '', `${from} → DPO on ${pairs} pairs from its successful attacks on ${[...trainSuites].join(', ')} → ${to}`, '',
    '| suite | role | transform | ASR / over-refusal before | after |', '| --- | --- | --- | ---: | ---: |'];
  for (const b of before) {
    const a = after.find((x) => x.suite === b.suite && x.transform === b.transform);
    lines.push(`| ${b.suite} | ${trainSuites.has(b.suite) ? 'trained against' : 'held out'}${b.harmful ? '' : ' (safe: over-refusal)'} | ${b.transform} | ${pct(b.rate)} | ${a ? pct(a.rate) : '—'} |`);
  }
  return lines.join('\n') + '\n';
}
