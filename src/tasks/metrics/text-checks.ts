// Length and repetition checks of generated text, on rouge-score's tokens (rouge.ts).
//   repetition: the share of a text's word 3-grams that repeat an earlier 3-gram in it (0 = none
//               repeated; a model stuck in a loop approaches 1)
//   distinct-n: distinct n-grams / all n-grams over a set of outputs (Li et al. 2016), for copy
import { rougeTokens } from './rouge.ts';

export function wordCount(text: string): number {
  return rougeTokens(text).length;
}

export function repetitionRate(text: string, n = 3): number {
  const t = rougeTokens(text), seen = new Set<string>();
  let total = 0, repeated = 0;
  for (let i = 0; i + n <= t.length; i++) {
    const g = t.slice(i, i + n).join(' ');
    total++;
    if (seen.has(g)) repeated++;
    else seen.add(g);
  }
  return total === 0 ? 0 : repeated / total;
}

export function distinctN(texts: string[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const text of texts) {
    const t = rougeTokens(text);
    for (let i = 0; i + n <= t.length; i++) { seen.add(t.slice(i, i + n).join(' ')); total++; }
  }
  return total === 0 ? 0 : seen.size / total;
}
