// The 'stacked' edu classifier: the linear n-gram model and the built-in heuristic, blended.
// The two see different things — the linear model which words and word pairs a page uses, the
// heuristic its shape (sentence length, textbook markers, spam and first-person share) — so a
// blend ranks better than either. The blend is fitted where no member has seen the rows:
// out-of-fold linear scores (k folds of the training rows) and the heuristic's scores, combined
// by least squares on the label (score = a·linear + b·heuristic + c), and the keep cut is read off
// the same out-of-fold blend (keep-calibration.ts). The saved linear member is trained on all rows.
//
// Files: classifier.json (kind 'stacked', blend {a, b, c}, keepCut, folds) and linear/ (a
// linear-ngram classifier folder).
import { isAbsolute, join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { writeFileAtomic } from '../../../formats/atomic.ts';
import { CLASSIFIER_FORMAT, CLASSIFIER_VERSION, loadEduClassifier, registerEduClassifier, type EduClassifier, type EduClassifierManifest, type LabeledText } from './classifier.ts';
import { scoreWeb } from './heuristic-scorer.ts';
import { fitKeepCut, stretchScore, type KeepCut } from './keep-calibration.ts';
import { LinearNgramClassifier, linearDefaults, trainLinearNgram } from './linear-classifier.ts';
import { clampScore } from './scorer.ts';

export type Blend = { a: number; b: number; c: number };

export class StackedClassifier implements EduClassifier {
  readonly kind = 'stacked';
  constructor(readonly linear: LinearNgramClassifier, readonly blend: Blend, readonly keepCut?: KeepCut) {}

  /** The blend before the keep stretch. */
  raw(text: string): number {
    return this.blend.a * this.linear.score(text) + this.blend.b * scoreWeb(text) + this.blend.c;
  }

  score(text: string): number {
    const s = this.raw(text);
    return this.keepCut ? stretchScore(s, this.keepCut) : clampScore(s);
  }

  save(dir: string, extra: Record<string, unknown>): void {
    this.linear.save(join(dir, 'linear'), { member: true });
    const manifest = { format: CLASSIFIER_FORMAT, version: CLASSIFIER_VERSION, kind: this.kind, threshold: 3, ...extra, blend: this.blend, ...(this.keepCut ? { keepCut: this.keepCut } : {}), linear: 'linear' };
    writeFileAtomic(join(dir, 'classifier.json'), JSON.stringify(manifest, null, 2) + '\n');
  }
}

/** Least squares y ≈ a·u + b·v + c (3×3 normal equations; a tiny ridge keeps them solvable). */
export function fitBlend(u: number[], v: number[], y: number[]): Blend {
  const n = y.length, X = u.map((ui, i) => [ui, v[i], 1]);
  const A = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], r = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let p = 0; p < 3; p++) { r[p] += X[i][p] * y[i]; for (let q = 0; q < 3; q++) A[p][q] += X[i][p] * X[i][q]; }
  for (let p = 0; p < 2; p++) A[p][p] += 1e-6 * n;
  for (let p = 0; p < 3; p++) { // Gauss–Jordan with partial pivoting
    let m = p;
    for (let q = p + 1; q < 3; q++) if (Math.abs(A[q][p]) > Math.abs(A[m][p])) m = q;
    [A[p], A[m]] = [A[m], A[p]]; [r[p], r[m]] = [r[m], r[p]];
    if (Math.abs(A[p][p]) < 1e-12) throw new WrenError('stacked classifier: the blend is not determined (too few or identical rows)');
    for (let q = 0; q < 3; q++) if (q !== p) { const f = A[q][p] / A[p][p]; for (let k = 0; k < 3; k++) A[q][k] -= f * A[p][k]; r[q] -= f * r[p]; }
  }
  return { a: r[0] / A[0][0], b: r[1] / A[1][1], c: r[2] / A[2][2] };
}

// Unigrams only: chosen by 5-fold cross-validation on the train side of the 2,000-label split (the
// blend's out-of-fold Spearman 0.598 with unigrams, 0.591 with 1–2-grams, 0.580 with 1–3-grams),
// never on its held-out pages; the linear-ngram kind keeps 1–2-grams.
export const stackedDefaults = { ...linearDefaults, ngrams: 1, folds: 5 };

export function trainStacked(examples: LabeledText[], options: Partial<typeof stackedDefaults> = {}): StackedClassifier {
  const o = { ...stackedDefaults, ...options };
  const k = Math.round(o.folds);
  if (k < 2) throw new WrenError('stacked classifier: folds must be at least 2');
  if (examples.length < 2 * k) throw new WrenError(`stacked classifier: ${examples.length} labelled rows are too few for ${k} folds`);
  const lin = { ...o, calibrate: 0 }, oof = new Array<number>(examples.length);
  for (let f = 0; f < k; f++) {
    const m = trainLinearNgram(examples.filter((_, i) => i % k !== f), lin);
    examples.forEach((e, i) => { if (i % k === f) oof[i] = m.score(e.text); });
  }
  const heur = examples.map((e) => scoreWeb(e.text)), labels = examples.map((e) => e.score);
  const blend = fitBlend(oof, heur, labels);
  const blended = oof.map((s, i) => blend.a * s + blend.b * heur[i] + blend.c);
  return new StackedClassifier(trainLinearNgram(examples, lin), blend, fitKeepCut(blended, labels, o.keepThreshold));
}

async function loadStacked(dir: string, m: EduClassifierManifest): Promise<StackedClassifier> {
  const b = m.blend as Blend | undefined;
  if (!b || ![b.a, b.b, b.c].every((x) => typeof x === 'number' && Number.isFinite(x))) throw new WrenError(`${dir}/classifier.json: 'blend' must be {"a", "b", "c"} numbers`);
  const member = String(m.linear ?? 'linear');
  if (member === '' || isAbsolute(member) || member.split(/[\\/]/).some((p) => p === '..' || p === '.')) throw new WrenError(`${dir}/classifier.json: 'linear' must name a folder inside the classifier's, got '${member}'`);
  const linear = await loadEduClassifier(join(dir, member));
  if (!(linear instanceof LinearNgramClassifier)) throw new WrenError(`${dir}/linear: a stacked classifier's member must be a linear-ngram classifier, not '${linear.kind}'`);
  const kc = m.keepCut as KeepCut | undefined;
  if (kc !== undefined && !(typeof kc?.cut === 'number' && typeof kc.target === 'number')) throw new WrenError(`${dir}/classifier.json: 'keepCut' must be {"cut": number, "target": number}`);
  return new StackedClassifier(linear, b, kc);
}

registerEduClassifier({ kind: 'stacked', defaults: { ...stackedDefaults }, train: (ex, opts) => trainStacked(ex, opts) }, loadStacked);
