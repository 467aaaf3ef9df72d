// The `heuristic` policy: no training, a fixed guess from what makes prompts hard for a weaker
// model: length, reasoning and calculation words, digits and symbols. It is a floor for the
// learned policies to beat, and a router that works before any labels exist.
//   z = −2 + 0.35·ln(1 + words) + 0.5·(hard words) + 4·(share of digits and math symbols)
//   score = σ(z)
import type { Router } from '../router.ts';

const HARD = /\b(prove|proof|derive|calculate|compute|solve|equation|integral|derivative|probability|theorem|algorithm|code|function|implement|optimi[sz]e|explain why|step by step|statute|plaintiff|defendant|which of the following is true|what is the value|how many)\b/gi;
const SYMBOLS = /[0-9=+\-*/^<>√∑∫π%]/g;

export function heuristicScore(prompt: string): number {
  const words = prompt.split(/\s+/).filter(Boolean).length;
  const hard = prompt.match(HARD)?.length ?? 0;
  const symbols = (prompt.match(SYMBOLS)?.length ?? 0) / Math.max(1, prompt.length);
  const z = -2 + 0.35 * Math.log1p(words) + 0.5 * hard + 4 * symbols;
  return 1 / (1 + Math.exp(-z));
}

export class HeuristicRouter implements Router {
  readonly policy = 'heuristic';
  async scoreAll(prompts: string[]): Promise<number[]> {
    return prompts.map(heuristicScore);
  }
  async close(): Promise<void> {}
}
