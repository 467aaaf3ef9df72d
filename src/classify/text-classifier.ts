// The generic text classifier every learned judge in Wren uses (educational value, and next the
// guard and the router): a small Llama trunk with a sequence-classification head
// (nn/heads/sequence-classifier.ts) over K named labels, and its tokenizer.
//
// Folder (the HF LlamaForSequenceClassification layout, see nn/llama-classifier-files.ts):
//   config.json, model.safetensors   the model; labels in id2label, pad_token_id, wren.pooling
//   tokenizer.json                   byte-level BPE
//   text-classifier.json             {"format": "wren-text-classifier", "version": 1, "maxLen"}
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend, type Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import type { SequenceClassifier } from '../nn/heads/sequence-classifier.ts';
import { loadClassifierModel, saveClassifierModel } from '../nn/llama-classifier-files.ts';
import type { BpeTokenizer } from '../tokenizer/bpe-tokenizer.ts';
import { loadTokenizerJson, saveTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import type { ModelFiles, WriteFile } from '../train/checkpoint.ts';

export const TEXT_CLASSIFIER_FORMAT = 'wren-text-classifier';
const SCORE_BATCH = 16; // scoring batch of a loaded classifier

/** Token ids the model reads for `text`: its first `maxLen` tokens (special-token text is plain
 *  text here); an empty text is one pad token. Text past maxLen·32 characters cannot reach the
 *  first maxLen tokens (no token is that long), so it is not encoded at all. */
export function encodeForClassifier(tokenizer: BpeTokenizer, text: string, maxLen: number, padId: number): number[] {
  const ids = tokenizer.encode(text.length > maxLen * 32 ? text.slice(0, maxLen * 32) : text, { special: 'text' });
  return ids.length === 0 ? [padId] : ids.slice(0, maxLen);
}

export class TextClassifier {
  constructor(readonly model: SequenceClassifier, readonly tokenizer: BpeTokenizer, readonly labels: string[],
              readonly maxLen: number, readonly padId: number, readonly backend: Backend) {
    if (labels.length !== model.numClasses) throw new WrenError(`text classifier: ${labels.length} labels for a ${model.numClasses}-class head`);
  }

  encode(text: string): number[] {
    return encodeForClassifier(this.tokenizer, text, this.maxLen, this.padId);
  }

  /** Class probabilities of each text (one row of K per text), B texts a forward pass. */
  probabilities(texts: string[]): number[][] {
    const m = this.model, K = m.numClasses, out: number[][] = [];
    for (let i = 0; i < texts.length; i += m.B) {
      const seqs = texts.slice(i, i + m.B).map((t) => this.encode(t));
      m.setBatch(seqs, this.padId);
      m.forward(false);
      const p = m.probabilities();
      for (let b = 0; b < seqs.length; b++) out.push(Array.from(p.subarray(b * K, (b + 1) * K)));
    }
    return out;
  }

  /** The files of the model part (config.json, model.safetensors) as a checkpoint writes and reads them. */
  modelFiles(): ModelFiles {
    return {
      write: (dir, writeFile) => saveClassifierModel(dir, this.model, this.padId, this.labels, writeFile),
      read: (dir) => {
        const weights = join(dir, 'model.safetensors');
        fromHfTensors(this.model.config, readSafetensors(weights).tensors, this.model.params, weights);
      },
    };
  }

  save(dir: string, writeFile: WriteFile = writeFileAtomic): void {
    saveClassifierModel(dir, this.model, this.padId, this.labels, writeFile);
    saveTokenizerJson(this.tokenizer, join(dir, 'tokenizer.json'));
    writeFile(join(dir, 'text-classifier.json'), JSON.stringify({ format: TEXT_CLASSIFIER_FORMAT, version: 1, maxLen: this.maxLen }, null, 2) + '\n');
  }

  /** Loads a folder written by save(); `maxLen` overrides text-classifier.json (folders of older kinds). */
  static async load(dir: string, o: { maxLen?: number; backend?: Backend } = {}): Promise<TextClassifier> {
    const maxLen = o.maxLen ?? readMaxLen(dir);
    const tokFile = join(dir, 'tokenizer.json');
    if (!existsSync(tokFile)) throw new WrenError(`${dir}: the classifier has no tokenizer.json`);
    const tokenizer = loadTokenizerJson(tokFile);
    const backend = o.backend ?? await createBackend();
    try {
      const { model, setup } = loadClassifierModel(dir, backend, SCORE_BATCH, maxLen);
      if (tokenizer.vocabSize !== setup.config.vocab_size) {
        throw new WrenError(`${tokFile}: ${tokenizer.vocabSize} tokens, config.json says vocab_size ${setup.config.vocab_size}: they do not belong together`);
      }
      return new TextClassifier(model, tokenizer, setup.labels, maxLen, setup.padTokenId, backend);
    } catch (err) {
      if (!o.backend) backend.dispose();
      throw err;
    }
  }

  close(): void {
    this.backend.dispose();
  }
}

function readMaxLen(dir: string): number {
  const file = join(dir, 'text-classifier.json');
  if (!existsSync(file)) throw new WrenError(`${dir}: no text-classifier.json; not a Wren text classifier folder`);
  let m: { format?: string; maxLen?: unknown };
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WrenError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (m.format !== TEXT_CLASSIFIER_FORMAT) throw new WrenError(`${file}: format must be '${TEXT_CLASSIFIER_FORMAT}'`);
  if (typeof m.maxLen !== 'number' || !Number.isInteger(m.maxLen) || m.maxLen < 1 || m.maxLen > 65536) throw new WrenError(`${file}: 'maxLen' must be an integer in [1, 65536]`);
  return m.maxLen;
}
