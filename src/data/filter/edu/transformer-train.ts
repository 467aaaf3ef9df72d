// Training the 'transformer' edu classifier: a byte-level BPE tokenizer trained on the label texts
// (with '<|pad|>' as id 0), each text cut to its first maxLen tokens, a small Llama with a 6-class
// head from a seeded init, AdamW (β 0.9/0.95, weight decay on matrices) with linear warmup over
// the first 10% of steps and cosine decay to lr/10, global-norm clipping at 1, seeded shuffles.
// Labels are rounded to the classes 0…5; the loss is the mean cross-entropy of a batch.
// A batch is as long as its longest text, so short texts cost less.
// With `from` (an LM folder: config.json, model.safetensors, tokenizer.json, e.g. from `wren
// train`), the trunk starts from that model's weights and keeps its sizes and tokenizer; only the
// head starts fresh. Its pad id is the tokenizer's '<|pad|>', else its end-of-text id, else 0.
import { WrenError } from '../../../errors.ts';
import { fromHfTensors } from '../../../formats/hf-llama.ts';
import { readSafetensors } from '../../../formats/safetensors.ts';
import { checkConsistent, type LlamaConfig } from '../../../nn/config.ts';
import { readConfigFile, resolveModelFiles } from '../../../nn/load.ts';
import type { BpeTokenizer } from '../../../tokenizer/bpe-tokenizer.ts';
import { loadTokenizerJson } from '../../../tokenizer/hf-tokenizer-json.ts';
import { initParameters } from '../../../nn/init.ts';
import { SequenceClassifier, POOLINGS } from '../../../nn/heads/sequence-classifier.ts';
import { trainTokenizer } from '../../../tokenizer/train-tokenizer.ts';
import { AdamW, clipScale, learningRate } from '../../../train/optimizer.ts';
import { createTrainingBackend } from '../../../train/trainer.ts';
import { mulberry32 } from '../../../util/rng.ts';
import type { EduTrainProgress, LabeledText } from './classifier.ts';
import { clampScore } from './scorer.ts';
import { EDU_CLASSES, PAD_TOKEN, TransformerEduClassifier, encodeForClassifier } from './transformer-classifier.ts';

export interface TransformerTrainOptions {
  vocab: number;        // BPE vocabulary (merges stop early on a small corpus)
  maxLen: number;       // tokens read per document (T)
  hidden: number;       // C; the MLP gets 8/3·C rounded up to a multiple of 16
  layers: number;       // L
  heads: number;        // H (= kv heads)
  epochs: number;
  batch: number;        // B
  lr: number;           // peak learning rate
  weightDecay: number;
  meanPool: number;     // 0: last-token pooling (HF's), 1: mean over the real tokens
  seed: number;
  threads: number;      // kernel threads; 0 = all cores
}

export const transformerDefaults: TransformerTrainOptions = {
  vocab: 2048, maxLen: 256, hidden: 64, layers: 2, heads: 4, epochs: 12, batch: 16, lr: 2e-3, weightDecay: 0.1,
  meanPool: 0, seed: 1, threads: 0,
};

const LIMITS: Record<keyof TransformerTrainOptions, [number, number, boolean]> = { // [min, max, integer]
  vocab: [257, 65536, true], maxLen: [1, 8192, true], hidden: [8, 2048, true], layers: [1, 48, true], heads: [1, 64, true],
  epochs: [1, 10000, true], batch: [1, 1024, true], lr: [1e-7, 1, false], weightDecay: [0, 10, false], meanPool: [0, 1, true],
  seed: [-(2 ** 31), 2 ** 32, true], threads: [0, 16, true],
};

function checkOptions(raw: Record<string, number>): TransformerTrainOptions {
  const o = { ...transformerDefaults };
  for (const [k, v] of Object.entries(raw)) {
    const lim = LIMITS[k as keyof TransformerTrainOptions];
    if (!lim) throw new WrenError(`transformer classifier: unknown option '${k}'; known: ${Object.keys(LIMITS).join(', ')}`);
    const [min, max, integer] = lim;
    if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      throw new WrenError(`transformer classifier: '${k}' must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${v}`);
    }
    o[k as keyof TransformerTrainOptions] = v;
  }
  if (o.hidden % o.heads !== 0 || (o.hidden / o.heads) % 2 !== 0) {
    throw new WrenError(`transformer classifier: hidden ${o.hidden} must split into ${o.heads} heads of an even size`);
  }
  return o;
}

/** The trunk's LlamaConfig for these options and a tokenizer of `vocabSize` tokens. */
export function classifierConfig(o: TransformerTrainOptions, vocabSize: number): LlamaConfig {
  const c: LlamaConfig = {
    hidden_size: o.hidden, intermediate_size: Math.ceil((8 * o.hidden) / 3 / 16) * 16, num_hidden_layers: o.layers,
    num_attention_heads: o.heads, num_key_value_heads: o.heads, vocab_size: vocabSize, max_position_embeddings: o.maxLen,
    rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true,
  };
  checkConsistent(c, 'transformer classifier');
  return c;
}

/** The LM folder `dir` as a starting point: its config, HF tensors (without lm_head) and tokenizer. */
function readPretrained(dir: string) {
  const files = resolveModelFiles(dir);
  if (files.kind !== 'folder' || !files.tokenizer?.endsWith('.json')) {
    throw new WrenError(`--init ${dir}: expected a model folder with config.json, model.safetensors and tokenizer.json`);
  }
  const config: LlamaConfig = { ...readConfigFile(files.config!), tie_word_embeddings: true };
  const tokenizer = loadTokenizerJson(files.tokenizer);
  if (tokenizer.vocabSize !== config.vocab_size) throw new WrenError(`${files.tokenizer}: ${tokenizer.vocabSize} tokens, the model's vocabulary is ${config.vocab_size}`);
  const { tensors } = readSafetensors(files.weights);
  tensors.delete('lm_head.weight');
  return { config, tensors, tokenizer, weights: files.weights };
}

/** Train on `examples` (scores 0…5), from scratch or from the LM folder `from`; the classifier
 *  keeps its backend until close(). */
export async function trainTransformerClassifier(examples: LabeledText[], options: Record<string, number>, from?: string,
  onEpoch?: (p: EduTrainProgress) => void): Promise<TransformerEduClassifier> {
  const t0 = performance.now();
  const o = checkOptions(options);
  if (examples.length === 0) throw new WrenError('train-classifier: no labelled examples');
  const base = from ? readPretrained(from) : undefined;
  let tokenizer: BpeTokenizer, padId: number;
  if (base) {
    tokenizer = base.tokenizer;
    padId = tokenizer.specialTokens.get(PAD_TOKEN) ?? tokenizer.eosId ?? 0;
  } else {
    tokenizer = (await trainTokenizer(examples.map((e) => e.text), { vocabSize: o.vocab, specialTokens: [PAD_TOKEN] })).tokenizer;
    padId = tokenizer.specialTokens.get(PAD_TOKEN)!;
  }
  const seqs = examples.map((e) => encodeForClassifier(tokenizer, e.text, o.maxLen, padId));
  const ys = examples.map((e) => Math.round(clampScore(e.score)));
  const config = base?.config ?? classifierConfig(o, tokenizer.vocabSize);

  const backend = await createTrainingBackend('auto', o.threads || undefined);
  try {
    const B = Math.min(o.batch, examples.length);
    const model = new SequenceClassifier(config, EDU_CLASSES.length, POOLINGS[o.meanPool], backend, B, o.maxLen);
    initParameters(model.params, config, o.seed);
    if (base) {
      const K = EDU_CLASSES.length, C = config.hidden_size;
      base.tensors.set('score.weight', { dtype: 'F32', shape: [K, C], data: model.params.view('score').slice() }); // the fresh head
      fromHfTensors(config, base.tensors, model.params, base.weights);
    }
    const opt = new AdamW(backend, model.params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: o.weightDecay });
    const stepsPerEpoch = Math.ceil(examples.length / B), totalSteps = o.epochs * stepsPerEpoch;
    const schedule = { lr: o.lr, minLr: o.lr / 10, warmupSteps: Math.max(1, Math.round(totalSteps / 10)), totalSteps };
    const rand = mulberry32(o.seed ^ 0x5eed);
    const order = examples.map((_, i) => i);
    const epochLoss: number[] = [];
    let step = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      let sum = 0;
      for (let s = 0; s < order.length; s += B) {
        const idx = order.slice(s, s + B);
        model.setBatch(idx.map((i) => seqs[i]), padId, idx.map((i) => ys[i]));
        model.zeroGrads();
        model.forward(true, 1 / idx.length);
        model.backward();
        const norm = opt.gradNorm(model.grads);
        if (!Number.isFinite(norm)) throw new WrenError(`transformer classifier: the gradient became ${norm} at step ${step}; lower --lr`);
        opt.update(model.grads, learningRate(step++, schedule), clipScale(norm, 1));
        sum += model.meanLoss() * idx.length;
      }
      epochLoss.push(sum / examples.length);
      onEpoch?.({ epoch: epoch + 1, epochs: o.epochs, loss: sum / examples.length, seconds: (performance.now() - t0) / 1000 });
    }
    const clf = new TransformerEduClassifier(model, tokenizer, o.maxLen, padId, backend);
    clf.trainLoss = epochLoss;
    return clf;
  } catch (err) {
    backend.dispose();
    throw err;
  }
}
