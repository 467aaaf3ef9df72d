// Scores one system's outputs on the held-out rows: ROUGE-1/2/L F (best over a row's references,
// averaged over rows), mean length in words, mean 3-gram repetition; for support also intent
// accuracy (the judge's intent of the output equals the row's label) and placeholder fidelity
// (metrics/placeholders.ts: the share of answers that make up no slot and no detail the customer
// did not give, and the stricter share that use the reference's slots exactly); for copy distinct-1/2.
import type { TaskConfig } from './config.ts';
import type { IntentJudge } from './intent-judge.ts';
import { checkPlaceholders } from './metrics/placeholders.ts';
import { rougeBest } from './metrics/rouge.ts';
import { distinctN, repetitionRate, wordCount } from './metrics/text-checks.ts';
import type { TaskRow } from './rows.ts';

export type SystemScores = Record<string, number>;

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function scoreOutputs(kind: TaskConfig['kind'], rows: TaskRow[], outputs: string[], judge?: IntentJudge, knownSlots?: ReadonlySet<string>): SystemScores {
  const r = rows.map((row, i) => rougeBest(outputs[i], row.references));
  const s: SystemScores = {
    rouge1: mean(r.map((x) => x.rouge1.f)), rouge2: mean(r.map((x) => x.rouge2.f)), rougeL: mean(r.map((x) => x.rougeL.f)),
    words: mean(outputs.map(wordCount)), reference_words: mean(rows.map((row) => wordCount(row.references[0]))),
    repetition: mean(outputs.map((o) => repetitionRate(o))),
  };
  if (kind === 'support') {
    if (judge) s.intent_accuracy = mean(rows.map((row, i) => (judge.judge(outputs[i]) === row.label ? 1 : 0)));
    const checks = rows.map((row, i) => checkPlaceholders(outputs[i], row.references[0], knownSlots, row.input));
    if (knownSlots) s.placeholder_fidelity = mean(checks.map((c) => (c.faithful ? 1 : 0)));
    if (knownSlots) s.placeholders_unknown = mean(checks.map((c) => (c.unknown.length > 0 ? 1 : 0)));
    s.details_made_up = mean(checks.map((c) => (c.madeUp.length > 0 ? 1 : 0)));
    s.placeholders_as_reference = mean(checks.map((c) => (c.asReference ? 1 : 0)));
    s.placeholders_invented = mean(checks.map((c) => (c.invented.length > 0 ? 1 : 0)));
  }
  if (kind === 'copy') { s.distinct1 = distinctN(outputs, 1); s.distinct2 = distinctN(outputs, 2); }
  return s;
}
