// TF-IDF vectors over word 1–2-grams (rouge-score's tokens), as scikit-learn's TfidfVectorizer
// weighs them by default: raw counts × smooth idf ln((1+n)/(1+df)) + 1, rows L2-normalised. Used
// by the retrieval baseline (the nearest training input) and the intent judge (nearest centroid).
// tfidf-ridge.ts in data/filter regresses on scores and keeps its vectors private, so the vectors
// live here.
import { rougeTokens } from './metrics/rouge.ts';

export type SparseRow = Map<number, number>;

function grams(text: string): Map<string, number> {
  const t = rougeTokens(text), counts = new Map<string, number>();
  for (let i = 0; i < t.length; i++) {
    counts.set(t[i], (counts.get(t[i]) ?? 0) + 1);
    if (i + 1 < t.length) { const b = `${t[i]} ${t[i + 1]}`; counts.set(b, (counts.get(b) ?? 0) + 1); }
  }
  return counts;
}

export class TfidfVectorizer {
  private constructor(private vocab: Map<string, number>, private idf: Float64Array) {}

  static fit(texts: string[]): TfidfVectorizer {
    const vocab = new Map<string, number>(), df: number[] = [];
    for (const text of texts) for (const g of grams(text).keys()) {
      let id = vocab.get(g);
      if (id === undefined) { id = vocab.size; vocab.set(g, id); df.push(0); }
      df[id]++;
    }
    const n = texts.length;
    return new TfidfVectorizer(vocab, Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1));
  }

  /** The text's L2-normalised row; n-grams unseen in fitting are dropped. */
  transform(text: string): SparseRow {
    const row: SparseRow = new Map();
    let norm = 0;
    for (const [g, c] of grams(text)) {
      const id = this.vocab.get(g);
      if (id === undefined) continue;
      const v = c * this.idf[id];
      row.set(id, v); norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [k, v] of row) row.set(k, v / norm);
    return row;
  }
}

export function dot(a: SparseRow, b: SparseRow): number {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, v] of small) { const w = big.get(k); if (w !== undefined) s += v * w; }
  return s;
}

/** Nearest document by cosine (ties go to the earlier document), through an inverted index. */
export class TfidfIndex {
  private postings = new Map<number, { doc: number; v: number }[]>();
  readonly vectorizer: TfidfVectorizer;

  constructor(docs: string[]) {
    this.vectorizer = TfidfVectorizer.fit(docs);
    docs.forEach((d, doc) => {
      for (const [k, v] of this.vectorizer.transform(d)) {
        let p = this.postings.get(k);
        if (!p) this.postings.set(k, (p = []));
        p.push({ doc, v });
      }
    });
  }

  nearest(query: string): { doc: number; score: number } {
    const scores = new Map<number, number>();
    for (const [k, v] of this.vectorizer.transform(query)) {
      for (const p of this.postings.get(k) ?? []) scores.set(p.doc, (scores.get(p.doc) ?? 0) + v * p.v);
    }
    let best = { doc: 0, score: 0 };
    for (const [doc, score] of scores) if (score > best.score || (score === best.score && doc < best.doc && score > 0)) best = { doc, score };
    return best;
  }
}
