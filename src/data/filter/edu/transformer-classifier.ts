// The 'transformer' edu classifier: the generic text classifier (src/classify/text-classifier.ts,
// the project's own small Llama with a sequence-classification head) with six classes, the scores
// 0…5; the predicted score is the expected value of the class distribution, Σ_k k·p_k ∈ [0, 5].
//
// Directory (loaded by kind through classifier.ts):
//   classifier.json    manifest: kind 'transformer', threshold, maxLen (tokens read per document),
//                      classes [0…5], metrics and training options
//   config.json, model.safetensors, text-classifier.json   the text classifier's folder
//   tokenizer.json     byte-level BPE trained on the label texts, where '<|pad|>' (id 0) pads
//                      batches; or the tokenizer of the LM it started from (config.json's pad_token_id)
//
// Scoring batches itself (batch-queue.ts): the texts score() receives in one turn of the event
// loop go through the model together, B at a time.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeForClassifier, TextClassifier } from '../../../classify/text-classifier.ts';
import { WrenError } from '../../../errors.ts';
import { writeFileAtomic } from '../../../formats/atomic.ts';
import { BatchQueue } from './batch-queue.ts';
import { CLASSIFIER_FORMAT, CLASSIFIER_VERSION, type EduClassifier, type EduClassifierManifest } from './classifier.ts';
import { clampScore, EDU_MAX } from './scorer.ts';

export { encodeForClassifier };
export { PAD_TOKEN } from '../../../classify/train-text-classifier.ts';
export const EDU_CLASSES = Array.from({ length: EDU_MAX + 1 }, (_, k) => String(k)); // '0' … '5'

export class TransformerEduClassifier implements EduClassifier {
  readonly kind = 'transformer';
  /** Mean training loss of each epoch (empty for a loaded classifier). */
  trainLoss: number[] = [];
  private queue = new BatchQueue((texts) => this.scoreBatch(texts));

  constructor(readonly classifier: TextClassifier) {
    if (classifier.labels.length !== EDU_CLASSES.length) throw new WrenError(`transformer edu classifier: ${classifier.labels.length} classes, expected ${EDU_CLASSES.length} (scores 0…${EDU_MAX})`);
  }

  get model() { return this.classifier.model; }
  get tokenizer() { return this.classifier.tokenizer; }
  get maxLen() { return this.classifier.maxLen; }
  get padId() { return this.classifier.padId; }

  /** What computes: e.g. "native avx2-fma, 2 threads" or "wasm relaxed-simd, 2 threads". */
  get backendDescription(): string {
    return this.classifier.backend.description;
  }

  /** Scores of `texts` now: the expected score Σ k·p_k of each. */
  scoreBatch(texts: string[]): number[] {
    return this.classifier.probabilities(texts).map((p) => clampScore(p.reduce((s, pk, k) => s + k * pk, 0)));
  }

  score(text: string, _id = ''): Promise<number> {
    return this.queue.score(text);
  }

  save(dir: string, extra: Record<string, unknown>): void {
    this.classifier.save(dir);
    const manifest = {
      format: CLASSIFIER_FORMAT, version: CLASSIFIER_VERSION, kind: this.kind, threshold: 3, ...extra,
      maxLen: this.maxLen, classes: EDU_CLASSES.map(Number), score: 'expected value of the class distribution',
      pooling: this.model.pooling, trainLoss: this.trainLoss.map((l) => Number(l.toFixed(4))),
      ...(this.trainLoss.length ? { trainedOnBackend: this.backendDescription } : {}),
      files: { config: 'config.json', weights: 'model.safetensors', tokenizer: 'tokenizer.json' },
    };
    writeFileAtomic(join(dir, 'classifier.json'), JSON.stringify(manifest, null, 2) + '\n');
  }

  async close(): Promise<void> {
    this.classifier.close();
  }
}

export async function loadTransformerClassifier(dir: string, m: EduClassifierManifest): Promise<TransformerEduClassifier> {
  const maxLen = Number(m.maxLen);
  if (!Number.isInteger(maxLen) || maxLen < 1 || maxLen > 65536) throw new WrenError(`${dir}/classifier.json: transformer needs an integer 'maxLen' in [1, 65536], got ${JSON.stringify(m.maxLen)}`);
  if (!existsSync(join(dir, 'tokenizer.json'))) throw new WrenError(`${dir}: transformer classifier has no tokenizer.json`);
  return new TransformerEduClassifier(await TextClassifier.load(dir, { maxLen }));
}
