// Registers the 'transformer' edu classifier kind (transformer-classifier.ts scores, saves and
// loads it; transformer-train.ts trains it). Importing this file is what makes the kind known.
import { registerEduClassifier } from './classifier.ts';
import { loadTransformerClassifier } from './transformer-classifier.ts';
import { trainTransformerClassifier, transformerDefaults } from './transformer-train.ts';

registerEduClassifier(
  { kind: 'transformer', defaults: { ...transformerDefaults }, train: (examples, opts, from, onEpoch) => trainTransformerClassifier(examples, opts, from, onEpoch) },
  loadTransformerClassifier,
);
