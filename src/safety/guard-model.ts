// A trained guard: a scorer (the linear baseline or a Wren transformer TextClassifier) over the
// labels ['safe', ...GUARD_CATEGORIES], a temperature fitted on the calibration split (so scores
// are calibrated probabilities), and a flagging threshold.
//
// Folder: guard.json {"format": "wren-guard", "version": 1, "kind": "linear"|"transformer",
// "labels", "temperature", "threshold", "input"?, "linear"?: {bits, ngrams}, "training": {...}}
// plus weights.f32 (linear) or classifier/ (a TextClassifier folder).
//
// The scorer reads a text with its role in front ("[prompt] …" / "[response] …") and, when
// `input` is "text+noun-classes" (the default since 2026-12-04; absent = "text"), the text's
// WordNet noun-class stream between the two (noun-senses.ts). A verdict's
// score is P(not safe); category c's severity comes from P(c) / (P(c) + P(safe)), the odds of c
// against safe, so harm split between two near categories still shows in both.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextClassifier } from '../classify/text-classifier.ts';
import { WrenError } from '../errors.ts';
import { makeDir, writeFileAtomic } from '../formats/atomic.ts';
import { GUARD_CATEGORIES, GUARD_LABELS, severityOf, type GuardCategory, type GuardRole, type GuardVerdict, type Severity } from './categories.ts';
import { LinearGuard } from './linear-guard.ts';
import { nounClassStream } from './noun-senses.ts';

export const GUARD_FORMAT = 'wren-guard';
export type GuardKind = 'linear' | 'transformer';

export function roleText(role: GuardRole, text: string): string {
  return `[${role}] ${text}`;
}

/** What a guard's scorer reads: the role-prefixed text, optionally after its noun classes. */
export const GUARD_INPUTS = ['text', 'text+noun-classes'] as const;
export type GuardInput = typeof GUARD_INPUTS[number];

export function guardInputText(input: GuardInput, role: GuardRole, text: string): string {
  // the classes first: the transformer reads its first 64 tokens, and a long text should lose its end, not its classes
  return input === 'text' ? roleText(role, text) : `[${role}] ${nounClassStream(text)} | ${text}`;
}

/** What produces logits (K,) for role-prefixed texts. */
export interface GuardScorer {
  readonly kind: GuardKind;
  logits(texts: string[]): number[][];
  save(dir: string): Record<string, unknown>; // writes its files; returns its guard.json fields
  close(): void;
}

export class LinearScorer implements GuardScorer {
  readonly kind = 'linear';
  constructor(readonly model: LinearGuard) {}
  logits(texts: string[]): number[][] { return this.model.logits(texts); }
  save(dir: string) { this.model.save(dir); return { linear: { bits: this.model.bits, ngrams: this.model.ngrams } }; }
  close(): void {}
}

export class TransformerScorer implements GuardScorer {
  readonly kind = 'transformer';
  constructor(readonly classifier: TextClassifier) {}
  logits(texts: string[]): number[][] { // log-probabilities: logits up to a constant per row
    return this.classifier.probabilities(texts).map((p) => p.map((x) => Math.log(Math.max(x, 1e-30))));
  }
  save(dir: string) { this.classifier.save(join(dir, 'classifier')); return {}; }
  close(): void { this.classifier.close(); }
}

export function softmaxT(z: number[], T: number): number[] {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp((x - m) / T));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** The temperature minimising the negative log-likelihood of `labels` (golden-section search on log T). */
export function fitTemperature(logits: number[][], labels: number[]): number {
  if (logits.length === 0) return 1;
  const nll = (logT: number) => {
    const T = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < logits.length; i++) s -= Math.log(Math.max(softmaxT(logits[i], T)[labels[i]], 1e-12));
    return s;
  };
  let a = Math.log(0.05), b = Math.log(20);
  const r = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const c = b - r * (b - a), d = a + r * (b - a);
    if (nll(c) < nll(d)) b = d; else a = c;
  }
  return Math.exp((a + b) / 2);
}

export type GuardScores = { score: number; categories: Record<GuardCategory, number> }; // probabilities

export class Guard {
  constructor(readonly scorer: GuardScorer, readonly temperature: number, readonly threshold: number,
              readonly training: Record<string, unknown> = {}, readonly input: GuardInput = 'text') {}

  get kind(): GuardKind { return this.scorer.kind; }

  /** Calibrated P(not safe) and, per category, P(c)/(P(c)+P(safe)). */
  scores(texts: string[], role: GuardRole): GuardScores[] {
    return this.scorer.logits(texts.map((t) => guardInputText(this.input, role, t))).map((z) => {
      const p = softmaxT(z, this.temperature);
      const categories = {} as Record<GuardCategory, number>;
      GUARD_CATEGORIES.forEach((c, i) => { categories[c] = p[i + 1] / (p[i + 1] + p[0]); });
      return { score: 1 - p[0], categories };
    });
  }

  check(texts: string[], role: GuardRole): GuardVerdict[] {
    return this.scores(texts, role).map((s) => verdictOf(s, this.threshold));
  }

  save(dir: string): void {
    makeDir(dir);
    const own = this.scorer.save(dir);
    writeFileAtomic(join(dir, 'guard.json'), JSON.stringify({
      format: GUARD_FORMAT, version: 1, kind: this.kind, labels: GUARD_LABELS, temperature: this.temperature,
      threshold: this.threshold, input: this.input, ...own, training: this.training,
    }, null, 2) + '\n');
  }

  static async load(dir: string): Promise<Guard> {
    const file = join(dir, 'guard.json');
    if (!existsSync(file)) throw new WrenError(`${dir}: not a guard folder (no guard.json); train one with 'wren guard train --data DIR --out GUARD_DIR'`);
    let m: Record<string, unknown>;
    try { m = JSON.parse(readFileSync(file, 'utf8')); } catch (err) { throw new WrenError(`${file}: not valid JSON (${(err as Error).message})`); }
    if (m.format !== GUARD_FORMAT) throw new WrenError(`${file}: 'format' must be '${GUARD_FORMAT}', got ${JSON.stringify(m.format)}`);
    if (m.version !== 1) throw new WrenError(`${file}: version ${JSON.stringify(m.version)} is not supported (this Wren reads version 1)`);
    if (JSON.stringify(m.labels) !== JSON.stringify(GUARD_LABELS)) throw new WrenError(`${file}: 'labels' must be ${JSON.stringify(GUARD_LABELS)}`);
    const T = m.temperature, th = m.threshold;
    if (typeof T !== 'number' || !(T > 0)) throw new WrenError(`${file}: 'temperature' must be a positive number`);
    if (typeof th !== 'number' || !(th > 0 && th < 1)) throw new WrenError(`${file}: 'threshold' must be a number in (0, 1)`);
    const training = (m.training ?? {}) as Record<string, unknown>;
    const input = (m.input ?? 'text') as GuardInput;
    if (!GUARD_INPUTS.includes(input)) throw new WrenError(`${file}: 'input' must be ${GUARD_INPUTS.map((x) => `'${x}'`).join(' or ')}, got ${JSON.stringify(m.input)}`);
    if (m.kind === 'linear') {
      const l = m.linear as { bits?: unknown; ngrams?: unknown } | undefined;
      if (!l || !Number.isInteger(l.bits) || (l.bits as number) < 4 || (l.bits as number) > 24 || !Number.isInteger(l.ngrams)) {
        throw new WrenError(`${file}: a linear guard needs 'linear': {"bits": 4…24, "ngrams": integer}`);
      }
      return new Guard(new LinearScorer(LinearGuard.load(dir, GUARD_LABELS.length, l.bits as number, l.ngrams as number)), T, th, training, input);
    }
    if (m.kind === 'transformer') {
      const clf = await TextClassifier.load(join(dir, 'classifier'));
      if (JSON.stringify(clf.labels) !== JSON.stringify(GUARD_LABELS)) {
        clf.close();
        throw new WrenError(`${join(dir, 'classifier')}: its labels ${JSON.stringify(clf.labels)} are not the guard's ${JSON.stringify(GUARD_LABELS)}`);
      }
      return new Guard(new TransformerScorer(clf), T, th, training, input);
    }
    throw new WrenError(`${file}: 'kind' must be 'linear' or 'transformer', got ${JSON.stringify(m.kind)}`);
  }

  close(): void { this.scorer.close(); }
}

export function verdictOf(s: GuardScores, threshold: number): GuardVerdict {
  const categories = {} as Record<GuardCategory, Severity>;
  for (const c of GUARD_CATEGORIES) categories[c] = severityOf(s.categories[c]);
  return { flagged: s.score >= threshold, categories, score: Math.round(s.score * 1e4) / 1e4 };
}
