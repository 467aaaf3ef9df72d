// The `random` policy (RouteLLM's baseline): a score uniform in [0, 1) that says nothing about the
// prompt. RouteLLM draws a fresh number per call; here it is a seeded hash of the prompt, so the
// same prompt routes the same way in `router score` and in the server, and runs repeat.
import { fmix32, fnv1a } from '../../data/filter/hash.ts';
import type { Router } from '../router.ts';

export function randomScore(prompt: string, seed: number): number {
  return fmix32(fnv1a(prompt) ^ fmix32(seed >>> 0)) / 2 ** 32;
}

export class RandomRouter implements Router {
  readonly policy = 'random';
  constructor(readonly seed: number) {}
  async scoreAll(prompts: string[]): Promise<number[]> {
    return prompts.map((p) => randomScore(p, this.seed));
  }
  async close(): Promise<void> {}
}
