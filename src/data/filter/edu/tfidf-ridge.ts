// The baseline every edu classifier is measured against: TF-IDF over word 1–2-grams and ridge
// regression on the 0–5 score, as scikit-learn does it by default (TfidfVectorizer: lower case,
// tokens of 2+ word characters, raw counts × smooth idf ln((1+n)/(1+df)) + 1, rows L2-normalised;
// Ridge: α = 1, an unpenalised intercept). It is what the issue's "TF-IDF ridge ranks held-out
// pages with Spearman 0.64" refers to. Solved in the dual, where the number of texts n (≈1,600)
// is far below the number of n-grams (≈300k): with the centred Gram matrix Kc = (I−J/n) XXᵀ
// (I−J/n), (Kc + αI)·a = y − ȳ and f(x) = ȳ + Σ_i a_i·kc(x, x_i). Baseline only: nothing is saved.
import { WrenError } from '../../../errors.ts';
import type { LabeledText } from './classifier.ts';

type Row = { id: Int32Array; v: Float64Array }; // sparse TF-IDF row, L2-normalised

const TOKEN = /\b\w\w+\b/gu; // scikit-learn's default token_pattern

function ngrams(text: string): Map<string, number> {
  const toks = text.toLowerCase().match(TOKEN) ?? [];
  const counts = new Map<string, number>();
  for (let i = 0; i < toks.length; i++) {
    counts.set(toks[i], (counts.get(toks[i]) ?? 0) + 1);
    if (i + 1 < toks.length) {
      const bi = `${toks[i]} ${toks[i + 1]}`;
      counts.set(bi, (counts.get(bi) ?? 0) + 1);
    }
  }
  return counts;
}

/** Cholesky solve of the symmetric positive-definite A (n×n, row-major, overwritten) against b. */
function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= A[rj + k] * A[rj + k];
    if (!(d > 0)) throw new WrenError('tf-idf ridge: the Gram matrix is not positive definite (α too small?)');
    const l = Math.sqrt(d);
    A[rj + j] = l;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= A[ri + k] * A[rj + k];
      A[ri + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) { let s = x[i]; for (let k = 0; k < i; k++) s -= A[i * n + k] * x[k]; x[i] = s / A[i * n + i]; }
  for (let i = n - 1; i >= 0; i--) { let s = x[i]; for (let k = i + 1; k < n; k++) s -= A[k * n + i] * x[k]; x[i] = s / A[i * n + i]; }
  return x;
}

export class TfidfRidge {
  private constructor(private vocab: Map<string, number>, private idf: Float64Array, private postings: { doc: Int32Array; v: Float64Array }[],
                      private a: Float64Array, private kMean: Float64Array, private kMeanAll: number, private yMean: number) {}

  static train(examples: LabeledText[], alpha = 1): TfidfRidge {
    const n = examples.length;
    if (n < 2) throw new WrenError('tf-idf ridge: needs at least 2 labelled texts');
    const counts = examples.map((e) => ngrams(e.text));
    const vocab = new Map<string, number>(), df: number[] = [];
    for (const c of counts) for (const g of c.keys()) {
      let id = vocab.get(g);
      if (id === undefined) { id = vocab.size; vocab.set(g, id); df.push(0); }
      df[id]++;
    }
    const idf = Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
    const rows = counts.map((c) => tfidfRow(c, vocab, idf));
    // Postings: for each n-gram, the training texts holding it and its weight there.
    const lists: { doc: number[]; v: number[] }[] = Array.from({ length: vocab.size }, () => ({ doc: [], v: [] }));
    rows.forEach((r, d) => r.id.forEach((f, k) => { lists[f].doc.push(d); lists[f].v.push(r.v[k]); }));
    const postings = lists.map((l) => ({ doc: Int32Array.from(l.doc), v: Float64Array.from(l.v) }));
    const K = new Float64Array(n * n); // XXᵀ
    for (const p of postings) {
      for (let s = 0; s < p.doc.length; s++) {
        const ri = p.doc[s] * n, vs = p.v[s];
        for (let t = 0; t < p.doc.length; t++) K[ri + p.doc[t]] += vs * p.v[t];
      }
    }
    const kMean = new Float64Array(n);
    let kMeanAll = 0;
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += K[i * n + j]; kMean[i] = s / n; kMeanAll += s; }
    kMeanAll /= n * n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] += kMeanAll - kMean[i] - kMean[j] + (i === j ? alpha : 0);
    const yMean = examples.reduce((s, e) => s + e.score, 0) / n;
    const a = choleskySolve(K, Float64Array.from(examples, (e) => e.score - yMean), n);
    return new TfidfRidge(vocab, idf, postings, a, kMean, kMeanAll, yMean);
  }

  /** The regression's raw prediction (not clipped). */
  predict(text: string): number {
    const r = tfidfRow(ngrams(text), this.vocab, this.idf);
    const n = this.a.length, k = new Float64Array(n);
    r.id.forEach((f, s) => { const p = this.postings[f]; for (let t = 0; t < p.doc.length; t++) k[p.doc[t]] += r.v[s] * p.v[t]; });
    let kx = 0;
    for (let i = 0; i < n; i++) kx += k[i];
    kx /= n;
    let y = this.yMean;
    for (let i = 0; i < n; i++) y += this.a[i] * (k[i] - kx - this.kMean[i] + this.kMeanAll);
    return y;
  }
}

function tfidfRow(c: Map<string, number>, vocab: Map<string, number>, idf: Float64Array): Row {
  const id: number[] = [], v: number[] = [];
  let norm = 0;
  for (const [g, cnt] of c) {
    const f = vocab.get(g);
    if (f === undefined) continue; // unseen at training: no column
    const w = cnt * idf[f];
    id.push(f); v.push(w); norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  return { id: Int32Array.from(id), v: Float64Array.from(v, (x) => x / norm) };
}
