// Training a guard: the train split fits the scorer (the linear baseline, or a Wren transformer
// through the generic text classifier and its one training loop), the calibration split fits
// the temperature. The test split is never read here.
import { trainTextClassifier, type EpochProgress } from '../classify/train-text-classifier.ts';
import { WrenError } from '../errors.ts';
import { GUARD_LABELS } from './categories.ts';
import type { GuardExample } from './guard-data.ts';
import { fitTemperature, Guard, guardInputText, LinearScorer, TransformerScorer, type GuardInput, type GuardKind, type GuardScorer } from './guard-model.ts';
import { trainLinearGuard } from './linear-guard.ts';

/** Transformer defaults sized for a 2-core machine: a few minutes on ~6k rows. */
export const transformerGuardDefaults = { vocab: 2048, maxLen: 64, hidden: 64, layers: 2, heads: 4, epochs: 4, batch: 32, lr: 3e-3, meanPool: 1 };

export type TrainGuardOptions = {
  kind: GuardKind;
  input?: GuardInput; // default 'text+noun-classes'
  seed?: number;
  threshold?: number;
  options?: Record<string, number>; // kind-specific (linear: bits, ngrams, epochs, lr, l2; transformer: TextClassifier options)
  onEpoch?: (p: EpochProgress) => void;
  runDir?: string;
  from?: string; // transformer: an LM folder (wren train's checkpoint) the trunk starts from (--init)
};

export async function trainGuard(rows: GuardExample[], o: TrainGuardOptions): Promise<Guard> {
  const t0 = performance.now();
  const train = rows.filter((r) => r.split === 'train'), cal = rows.filter((r) => r.split === 'calibration');
  if (train.length === 0) throw new WrenError('guard train: no rows in the train split');
  if (o.from !== undefined && o.kind !== 'transformer') throw new WrenError('guard train: a pretrained trunk (--init) needs the transformer kind');
  const label = (r: GuardExample) => GUARD_LABELS.indexOf(r.label);
  const missing = GUARD_LABELS.filter((_, k) => !train.some((r) => label(r) === k));
  if (missing.length > 0) throw new WrenError(`guard train: no training rows labelled ${missing.join(', ')}; every label needs examples`);
  const seed = o.seed ?? 1, input = o.input ?? 'text+noun-classes';
  const inputText = (r: GuardExample) => guardInputText(input, r.role, r.text);
  let scorer: GuardScorer;
  if (o.kind === 'linear') {
    scorer = new LinearScorer(trainLinearGuard(train.map(inputText), train.map(label), GUARD_LABELS.length, { ...o.options, seed }));
  } else {
    const clf = await trainTextClassifier(train.map((r) => ({ text: inputText(r), label: label(r) })), [...GUARD_LABELS],
      { ...transformerGuardDefaults, ...o.options, seed }, { from: o.from, onEpoch: o.onEpoch, runDir: o.runDir, resume: o.runDir !== undefined });
    scorer = new TransformerScorer(clf);
  }
  const temperature = cal.length > 0 ? fitTemperature(scorer.logits(cal.map(inputText)), cal.map(label)) : 1;
  const count = (split: string) => rows.filter((r) => r.split === split).length;
  return new Guard(scorer, temperature, o.threshold ?? 0.5, {
    seed, options: o.kind === 'transformer' ? { ...transformerGuardDefaults, ...o.options } : o.options ?? {}, ...(o.from !== undefined ? { init: o.from } : {}),
    rows: { train: train.length, calibration: cal.length, test: count('test') }, seconds: Math.round((performance.now() - t0) / 100) / 10,
  }, input);
}
