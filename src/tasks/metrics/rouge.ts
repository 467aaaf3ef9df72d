// ROUGE-1/2/L F-measure exactly as Google's `rouge-score` package (google-research/rouge,
// rouge_scorer.py + tokenize.py) computes it with its default tokenizer: lower case, every run of
// characters outside [a-z0-9] becomes a space, split on whitespace, keep non-empty tokens.
// Stemming is off (the package's default); Wren has no Porter stemmer, so there is no switch for it.
//   ROUGE-N: overlap = Σ min(count_pred(g), count_ref(g)) over n-grams g;
//            P = overlap / max(#pred n-grams, 1), R = overlap / max(#ref n-grams, 1)
//   ROUGE-L: LCS of the two token lists; P = lcs/|pred|, R = lcs/|ref|; 0 when either is empty
//   F = 2PR / (P + R), 0 when P + R = 0.

export type RougeScore = { precision: number; recall: number; f: number };
export type RougeScores = { rouge1: RougeScore; rouge2: RougeScore; rougeL: RougeScore };

/** rouge-score's default tokenizer (no stemming). */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/).filter((t) => t.length > 0);
}

function score(overlap: number, predCount: number, refCount: number): RougeScore {
  const precision = overlap / Math.max(predCount, 1), recall = overlap / Math.max(refCount, 1);
  return { precision, recall, f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(' ');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

export function rougeN(pred: string[], ref: string[], n: number): RougeScore {
  const p = ngramCounts(pred, n), r = ngramCounts(ref, n);
  let overlap = 0, pc = 0, rc = 0;
  for (const [g, c] of p) { pc += c; overlap += Math.min(c, r.get(g) ?? 0); }
  for (const c of r.values()) rc += c;
  return score(overlap, pc, rc);
}

/** Length of the longest common subsequence (one row of the DP table at a time). */
export function lcsLength(a: string[], b: string[]): number {
  let prev = new Int32Array(b.length + 1), cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export function rougeL(pred: string[], ref: string[]): RougeScore {
  if (pred.length === 0 || ref.length === 0) return { precision: 0, recall: 0, f: 0 };
  const lcs = lcsLength(pred, ref);
  return score(lcs, pred.length, ref.length);
}

/** All three scores of one prediction against one reference. */
export function rouge(prediction: string, reference: string): RougeScores {
  const p = rougeTokens(prediction), r = rougeTokens(reference);
  return { rouge1: rougeN(p, r, 1), rouge2: rougeN(p, r, 2), rougeL: rougeL(p, r) };
}

/** Against several references (SciTLDR has a list): the best F per metric, as the SciTLDR paper's max-over-references. */
export function rougeBest(prediction: string, references: string[]): RougeScores {
  const all = references.map((r) => rouge(prediction, r));
  const best = (k: keyof RougeScores) => all.reduce((a, s) => (s[k].f > a.f ? s[k] : a), { precision: 0, recall: 0, f: 0 });
  return { rouge1: best('rouge1'), rouge2: best('rouge2'), rougeL: best('rougeL') };
}
