// The `linear` policy: the fast baseline, hashed word uni+bigram logistic regression. It reuses
// the edu filter's linear-ngram classifier and its training loop (all-threshold ordinal
// regression, data/filter/edu/linear-classifier.ts) with two levels only: a prompt that needs the
// strong model is scored 5, any other 0, so all five cut points see the same targets and the
// model is a logistic regression; score / 5 = mean_k σ(w·x − θ_k) is P(strong needed).
import { join } from 'node:path';
import { loadEduClassifier, type EduClassifier } from '../../data/filter/edu/classifier.ts';
import { trainLinearNgram } from '../../data/filter/edu/linear-classifier.ts';
import { EDU_MAX } from '../../data/filter/edu/scorer.ts';
import type { Router } from '../router.ts';

export const linearDir = (routerDir: string) => join(routerDir, 'linear');

export class LinearRouter implements Router {
  readonly policy = 'linear';
  constructor(private readonly model: EduClassifier) {}

  static async load(routerDir: string): Promise<LinearRouter> {
    return new LinearRouter(await loadEduClassifier(linearDir(routerDir)));
  }

  static train(routerDir: string, prompts: string[], labels: boolean[], options: Record<string, number>): LinearRouter {
    const model = trainLinearNgram(prompts.map((text, i) => ({ text, score: labels[i] ? EDU_MAX : 0 })), options);
    model.save(linearDir(routerDir), { purpose: 'wren router: score/5 = P(strong model needed)' });
    return new LinearRouter(model);
  }

  async scoreAll(prompts: string[]): Promise<number[]> {
    return Promise.all(prompts.map(async (p) => Number(await this.model.score(p, '')) / EDU_MAX));
  }

  async close(): Promise<void> {
    await this.model.close?.();
  }
}
