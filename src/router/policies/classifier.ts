// The `classifier` policy: the generic Wren text classifier (a small Llama trunk with a
// two-class head, src/classify) trained on "strong needed" labels; the score is P(class 1).
import { join } from 'node:path';
import { TextClassifier } from '../../classify/text-classifier.ts';
import { trainTextClassifier, type EpochProgress } from '../../classify/train-text-classifier.ts';
import type { Router } from '../router.ts';

export const CLASSIFIER_LABELS = ['weak-suffices', 'strong-needed'];
export const classifierDir = (routerDir: string) => join(routerDir, 'classifier');

export class ClassifierRouter implements Router {
  readonly policy = 'classifier';
  constructor(readonly classifier: TextClassifier) {}

  static async load(routerDir: string): Promise<ClassifierRouter> {
    return new ClassifierRouter(await TextClassifier.load(classifierDir(routerDir)));
  }

  /** Trains on (prompt, needs strong) pairs and saves into routerDir/classifier. */
  static async train(routerDir: string, prompts: string[], labels: boolean[], options: Record<string, number>,
    onEpoch?: (p: EpochProgress) => void): Promise<ClassifierRouter> {
    const clf = await trainTextClassifier(prompts.map((text, i) => ({ text, label: labels[i] ? 1 : 0 })), CLASSIFIER_LABELS, options, { onEpoch });
    clf.save(classifierDir(routerDir));
    return new ClassifierRouter(clf);
  }

  async scoreAll(prompts: string[]): Promise<number[]> {
    return this.classifier.probabilities(prompts).map((p) => p[1]);
  }

  async close(): Promise<void> {
    this.classifier.close();
  }
}
