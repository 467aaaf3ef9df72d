// Training the 'transformer' edu classifier: the generic text classifier (src/classify) with six
// classes, the scores 0…5 rounded (and clipped) to them; see classify/train-text-classifier.ts
// for the tokenizer, model, schedule and `from` (start the trunk from an LM folder).
import { textClassifierDefaults, trainTextClassifier, type TextClassifierOptions } from '../../../classify/train-text-classifier.ts';
import type { EduTrainProgress, LabeledText } from './classifier.ts';
import { clampScore } from './scorer.ts';
import { EDU_CLASSES, TransformerEduClassifier } from './transformer-classifier.ts';

export type TransformerTrainOptions = TextClassifierOptions;
export const transformerDefaults: TransformerTrainOptions = textClassifierDefaults;

/** Train on `examples` (scores 0…5), from scratch or from the LM folder `from`; the classifier
 *  keeps its backend until close(). */
export async function trainTransformerClassifier(examples: LabeledText[], options: Record<string, number>, from?: string,
  onEpoch?: (p: EduTrainProgress) => void): Promise<TransformerEduClassifier> {
  const clf = await trainTextClassifier(examples.map((e) => ({ text: e.text, label: Math.round(clampScore(e.score)) })), EDU_CLASSES, options, { from, onEpoch });
  const edu = new TransformerEduClassifier(clf);
  edu.trainLoss = clf.trainLoss;
  return edu;
}
