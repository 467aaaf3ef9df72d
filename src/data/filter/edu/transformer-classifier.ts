// The 'transformer' edu classifier: the project's own small Llama (src/nn/heads/sequence-classifier.ts)
// with a 6-way head over the scores 0…5, trained with cross-entropy on labelled texts; the
// predicted score is the expected value of the class distribution, Σ_k k·p_k ∈ [0, 5].
//
// Directory (loaded by kind through classifier.ts):
//   classifier.json    manifest: kind 'transformer', threshold, maxLen (tokens read per document),
//                      classes [0…5], metrics and training options
//   config.json, model.safetensors   HF LlamaForSequenceClassification (llama-classifier-files.ts)
//   tokenizer.json     byte-level BPE trained on the label texts, where '<|pad|>' (id 0) pads
//                      batches; or the tokenizer of the LM it started from (config.json's pad_token_id)
//
// Scoring batches itself: score() queues the text and a flush on the next turn of the event loop
// runs every queued text through the model B at a time. The pipeline calls score() for a whole
// window of documents before awaiting them, so a window is scored in batches, not one by one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../../engine/backend.ts';
import { WrenError } from '../../../errors.ts';
import { writeFileAtomic } from '../../../formats/atomic.ts';
import type { SequenceClassifier } from '../../../nn/heads/sequence-classifier.ts';
import { loadClassifierModel, saveClassifierModel } from '../../../nn/llama-classifier-files.ts';
import type { BpeTokenizer } from '../../../tokenizer/bpe-tokenizer.ts';
import { loadTokenizerJson, saveTokenizerJson } from '../../../tokenizer/hf-tokenizer-json.ts';
import { CLASSIFIER_FORMAT, CLASSIFIER_VERSION, type EduClassifier, type EduClassifierManifest } from './classifier.ts';
import { clampScore, EDU_MAX } from './scorer.ts';

export const PAD_TOKEN = '<|pad|>';
export const EDU_CLASSES = Array.from({ length: EDU_MAX + 1 }, (_, k) => String(k)); // '0' … '5'

/** Token ids the model reads for `text`: its first `maxLen` tokens (special-token text is plain
 *  text here); an empty text is one pad token. Text past maxLen·32 characters cannot reach the
 *  first maxLen tokens (no token is that long), so it is not encoded at all. */
export function encodeForClassifier(tokenizer: BpeTokenizer, text: string, maxLen: number, padId: number): number[] {
  const ids = tokenizer.encode(text.length > maxLen * 32 ? text.slice(0, maxLen * 32) : text, { special: 'text' });
  return ids.length === 0 ? [padId] : ids.slice(0, maxLen);
}

type Pending = { text: string; resolve: (s: number) => void; reject: (e: unknown) => void };

export class TransformerEduClassifier implements EduClassifier {
  readonly kind = 'transformer';
  /** Mean training loss of each epoch (empty for a loaded classifier). */
  trainLoss: number[] = [];
  private queue: Pending[] = [];
  private flushing = false;

  constructor(readonly model: SequenceClassifier, readonly tokenizer: BpeTokenizer, readonly maxLen: number,
              readonly padId: number, private readonly backend: Backend) {
    if (model.numClasses !== EDU_CLASSES.length) throw new WrenError(`transformer edu classifier: ${model.numClasses} classes, expected ${EDU_CLASSES.length} (scores 0…${EDU_MAX})`);
  }

  /** What computes: e.g. "native avx2-fma, 2 threads" or "wasm relaxed-simd, 2 threads". */
  get backendDescription(): string {
    return this.backend.description;
  }

  /** Scores of `texts` now, B at a time. */
  scoreBatch(texts: string[]): number[] {
    const m = this.model, K = m.numClasses, out: number[] = [];
    for (let i = 0; i < texts.length; i += m.B) {
      const seqs = texts.slice(i, i + m.B).map((t) => encodeForClassifier(this.tokenizer, t, this.maxLen, this.padId));
      m.setBatch(seqs, this.padId);
      m.forward(false);
      const p = m.probabilities();
      for (let b = 0; b < seqs.length; b++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += k * p[b * K + k];
        out.push(clampScore(s));
      }
    }
    return out;
  }

  score(text: string, _id = ''): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushing = false;
    try {
      const scores = this.scoreBatch(batch.map((p) => p.text));
      batch.forEach((p, i) => p.resolve(scores[i]));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  save(dir: string, extra: Record<string, unknown>): void {
    saveClassifierModel(dir, this.model, this.padId, EDU_CLASSES);
    saveTokenizerJson(this.tokenizer, join(dir, 'tokenizer.json'));
    const manifest = {
      format: CLASSIFIER_FORMAT, version: CLASSIFIER_VERSION, kind: this.kind, threshold: 3, ...extra,
      maxLen: this.maxLen, classes: EDU_CLASSES.map(Number), score: 'expected value of the class distribution',
      pooling: this.model.pooling, trainLoss: this.trainLoss.map((l) => Number(l.toFixed(4))),
      ...(this.trainLoss.length ? { trainedOnBackend: this.backend.description } : {}),
      files: { config: 'config.json', weights: 'model.safetensors', tokenizer: 'tokenizer.json' },
    };
    writeFileAtomic(join(dir, 'classifier.json'), JSON.stringify(manifest, null, 2) + '\n');
  }

  async close(): Promise<void> {
    this.backend.dispose();
  }
}

/** Scoring batch size of a loaded classifier. */
const SCORE_BATCH = 16;

export async function loadTransformerClassifier(dir: string, m: EduClassifierManifest): Promise<TransformerEduClassifier> {
  const maxLen = Number(m.maxLen);
  if (!Number.isInteger(maxLen) || maxLen < 1 || maxLen > 65536) throw new WrenError(`${dir}/classifier.json: transformer needs an integer 'maxLen' in [1, 65536], got ${JSON.stringify(m.maxLen)}`);
  const tokFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokFile)) throw new WrenError(`${dir}: transformer classifier has no tokenizer.json`);
  const tokenizer = loadTokenizerJson(tokFile);
  const backend = await createBackend();
  try {
    const { model, setup } = loadClassifierModel(dir, backend, SCORE_BATCH, maxLen);
    if (tokenizer.vocabSize !== setup.config.vocab_size) {
      throw new WrenError(`${tokFile}: ${tokenizer.vocabSize} tokens, config.json says vocab_size ${setup.config.vocab_size}: they do not belong together`);
    }
    return new TransformerEduClassifier(model, tokenizer, maxLen, setup.padTokenId, backend);
  } catch (err) {
    backend.dispose();
    throw err;
  }
}

