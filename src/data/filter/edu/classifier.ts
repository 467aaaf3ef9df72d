// Trained educational-value classifiers, saved as a directory and loaded by kind: 'linear-ngram'
// (linear-classifier.ts) and 'transformer', the project's own small Llama (transformer-kind.ts).
// A kind registers with `registerEduClassifier` and every caller (the edu-value stage, the CLI)
// picks it up. Training and loading may be asynchronous (a kind may start a compute backend).
//
// Directory layout: classifier.json = { "format": "wren-edu-classifier", "version": 1, "kind": …,
// "threshold": keep threshold used for the reported metrics, "metrics": held-out metrics, … kind-
// specific fields }, plus whatever files the kind names in it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../../../errors.ts';
import type { EduScorer } from './scorer.ts';

export const CLASSIFIER_FORMAT = 'wren-edu-classifier';
export const CLASSIFIER_VERSION = 1;

export interface EduClassifierManifest {
  format: string;
  version: number;
  kind: string;
  threshold: number;
  [key: string]: unknown;
}

export interface EduClassifier extends EduScorer {
  /** Writes the directory (atomically per file); the manifest gets `extra` merged in. */
  save(dir: string, extra: Record<string, unknown>): void;
}

export interface LabeledText {
  text: string;
  score: number;
}

export type EduTrainProgress = { epoch: number; epochs: number; loss: number; seconds: number };

/** A way to train a classifier of one kind; `train-classifier --kind` picks one. Options are numbers. */
export interface EduClassifierTrainer {
  kind: string;
  defaults: Record<string, number>;
  /** `from`: a pretrained model to start from, for kinds that can (the transformer: an LM folder).
   *  `onEpoch`: called after each epoch by kinds that take long enough to need it. */
  train(examples: LabeledText[], options: Record<string, number>, from?: string, onEpoch?: (p: EduTrainProgress) => void): EduClassifier | Promise<EduClassifier>;
}

type Loader = (dir: string, manifest: EduClassifierManifest) => EduClassifier | Promise<EduClassifier>;
const loaders = new Map<string, Loader>();
const trainers = new Map<string, EduClassifierTrainer>();

export function registerEduClassifier(trainer: EduClassifierTrainer, loader: Loader): void {
  loaders.set(trainer.kind, loader);
  trainers.set(trainer.kind, trainer);
}

export function eduClassifierTrainer(kind: string): EduClassifierTrainer {
  const t = trainers.get(kind);
  if (!t) throw new WrenError(`unknown classifier kind '${kind}'; known: ${[...trainers.keys()].join(', ')}`);
  return t;
}

export async function loadEduClassifier(dir: string): Promise<EduClassifier> {
  const file = join(dir, 'classifier.json');
  if (!existsSync(file)) {
    // Say what the folder is when it is another of Wren's model folders.
    const what = existsSync(join(dir, 'text-classifier.json')) ? ': it is a Wren text classifier (a guard or router model), not an edu classifier'
      : existsSync(join(dir, 'config.json')) ? ': it is a model folder (config.json); a pretrained LM is given to train-classifier with --init' : '';
    throw new WrenError(`${dir}: no classifier.json${what} (train one with 'wren filter train-classifier')`);
  }
  let manifest: EduClassifierManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WrenError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (manifest.format !== CLASSIFIER_FORMAT) throw new WrenError(`${file}: format is '${manifest.format}', expected '${CLASSIFIER_FORMAT}'`);
  if (manifest.version !== CLASSIFIER_VERSION) {
    throw new WrenError(`${file}: version ${manifest.version}, this Wren reads version ${CLASSIFIER_VERSION}; retrain with 'wren filter train-classifier'`);
  }
  const loader = loaders.get(manifest.kind);
  if (!loader) throw new WrenError(`${file}: unknown classifier kind '${manifest.kind}'; known: ${[...loaders.keys()].join(', ')}`);
  return loader(dir, manifest);
}
