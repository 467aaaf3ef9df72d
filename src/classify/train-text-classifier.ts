// Training a TextClassifier through the one loop (train/loop.ts): a byte-level BPE tokenizer
// trained on the texts (with '<|pad|>' as id 0), each text cut to its first maxLen tokens, a small
// Llama with a K-class head from a seeded init, AdamW (β 0.9/0.95, weight decay on matrices) with
// linear warmup over the first 10% of steps and cosine decay to lr/10, clipping at 1, a fresh
// seeded shuffle each epoch. With `from` (an LM folder: config.json, model.safetensors,
// tokenizer.json, e.g. from `wren train`), the trunk starts from that model's weights and keeps
// its sizes and tokenizer; only the head starts fresh; it pads with the tokenizer's '<|pad|>',
// else its end-of-text id, else 0. Checkpoints go to `runDir` (a temporary folder when none is
// given), so a run given one resumes bit for bit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import { checkConsistent, type LlamaConfig } from '../nn/config.ts';
import { SequenceClassifier, POOLINGS } from '../nn/heads/sequence-classifier.ts';
import { initParameters } from '../nn/init.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import type { BpeTokenizer } from '../tokenizer/bpe-tokenizer.ts';
import { loadTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import { trainTokenizer } from '../tokenizer/train-tokenizer.ts';
import { LabelledTextBatches } from '../train/batches/labelled-texts.ts';
import { runTrainingLoop } from '../train/loop.ts';
import { createTrainingBackend } from '../train/trainer.ts';
import { encodeForClassifier, TextClassifier } from './text-classifier.ts';

export const PAD_TOKEN = '<|pad|>';

export interface TextClassifierOptions {
  vocab: number;        // BPE vocabulary (merges stop early on a small corpus)
  maxLen: number;       // tokens read per text (T)
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

export const textClassifierDefaults: TextClassifierOptions = {
  vocab: 2048, maxLen: 256, hidden: 64, layers: 2, heads: 4, epochs: 12, batch: 16, lr: 2e-3, weightDecay: 0.1,
  meanPool: 0, seed: 1, threads: 0,
};

const LIMITS: Record<keyof TextClassifierOptions, [number, number, boolean]> = { // [min, max, integer]
  vocab: [257, 65536, true], maxLen: [1, 8192, true], hidden: [8, 2048, true], layers: [1, 48, true], heads: [1, 64, true],
  epochs: [1, 10000, true], batch: [1, 1024, true], lr: [1e-7, 1, false], weightDecay: [0, 10, false], meanPool: [0, 1, true],
  seed: [-(2 ** 31), 2 ** 32, true], threads: [0, 16, true],
};

export type LabelledExample = { text: string; label: number }; // label: a class index 0…K-1
export type EpochProgress = { epoch: number; epochs: number; loss: number; seconds: number };

export type TrainTextClassifierRun = {
  from?: string;                  // an LM folder to start the trunk from
  runDir?: string;                // checkpoints (default: a temporary folder, removed at the end)
  resume?: boolean;
  signal?: AbortSignal;
  onEpoch?: (p: EpochProgress) => void;
};

function checkOptions(raw: Record<string, number>): TextClassifierOptions {
  const o = { ...textClassifierDefaults };
  for (const [k, v] of Object.entries(raw)) {
    const lim = LIMITS[k as keyof TextClassifierOptions];
    if (!lim) throw new WrenError(`text classifier: unknown option '${k}'; known: ${Object.keys(LIMITS).join(', ')}`);
    const [min, max, integer] = lim;
    if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      throw new WrenError(`text classifier: '${k}' must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${v}`);
    }
    o[k as keyof TextClassifierOptions] = v;
  }
  if (o.hidden % o.heads !== 0 || (o.hidden / o.heads) % 2 !== 0) {
    throw new WrenError(`text classifier: hidden ${o.hidden} must split into ${o.heads} heads of an even size`);
  }
  return o;
}

/** The trunk's LlamaConfig for these options and a tokenizer of `vocabSize` tokens. */
export function classifierConfig(o: TextClassifierOptions, vocabSize: number): LlamaConfig {
  const c: LlamaConfig = {
    hidden_size: o.hidden, intermediate_size: Math.ceil((8 * o.hidden) / 3 / 16) * 16, num_hidden_layers: o.layers,
    num_attention_heads: o.heads, num_key_value_heads: o.heads, vocab_size: vocabSize, max_position_embeddings: o.maxLen,
    rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true,
  };
  checkConsistent(c, 'text classifier');
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

/** Train on `examples` (labels index `labels`); the classifier keeps its backend until close(). */
export async function trainTextClassifier(examples: LabelledExample[], labels: string[], options: Record<string, number>,
  run: TrainTextClassifierRun = {}): Promise<TextClassifier & { trainLoss: number[] }> {
  const t0 = performance.now();
  const o = checkOptions(options);
  if (examples.length === 0) throw new WrenError('text classifier: no labelled examples');
  for (const e of examples) if (!(Number.isInteger(e.label) && e.label >= 0 && e.label < labels.length)) throw new WrenError(`text classifier: label ${e.label} is not a class 0…${labels.length - 1}`);
  const base = run.from ? readPretrained(run.from) : undefined;
  let tokenizer: BpeTokenizer, padId: number;
  if (base) {
    tokenizer = base.tokenizer;
    padId = tokenizer.specialTokens.get(PAD_TOKEN) ?? tokenizer.eosId ?? 0;
  } else {
    tokenizer = (await trainTokenizer(examples.map((e) => e.text), { vocabSize: o.vocab, specialTokens: [PAD_TOKEN] })).tokenizer;
    padId = tokenizer.specialTokens.get(PAD_TOKEN)!;
  }
  const data = { seqs: examples.map((e) => encodeForClassifier(tokenizer, e.text, o.maxLen, padId)), labels: examples.map((e) => e.label) };
  const config = base?.config ?? classifierConfig(o, tokenizer.vocabSize);

  const backend = await createTrainingBackend('auto', o.threads || undefined);
  const runDir = run.runDir ?? mkdtempSync(join(tmpdir(), 'wren-classifier-'));
  try {
    const B = Math.min(o.batch, examples.length);
    const model = new SequenceClassifier(config, labels.length, POOLINGS[o.meanPool], backend, B, o.maxLen);
    initParameters(model.params, config, o.seed);
    if (base) {
      const K = labels.length, C = config.hidden_size;
      base.tensors.set('score.weight', { dtype: 'F32', shape: [K, C], data: model.params.view('score').slice() }); // the fresh head
      fromHfTensors(config, base.tensors, model.params, base.weights);
    }
    const clf = Object.assign(new TextClassifier(model, tokenizer, labels, o.maxLen, padId, backend), { trainLoss: [] as number[] });
    const source = new LabelledTextBatches(model, data, padId);
    const perEpoch = source.stepsPerEpoch, steps = o.epochs * perEpoch;
    let epochSum = 0;
    const result = await runTrainingLoop({
      runDir, model, source, files: clf.modelFiles(), resume: run.resume, signal: run.signal,
      fingerprint: { tokenizer_vocab: String(tokenizer.vocabSize), examples: String(examples.length) },
      settings: {
        steps, grad_accum: 1, lr: o.lr, min_lr: o.lr / 10, warmup_steps: Math.max(1, Math.round(steps / 10)), weight_decay: o.weightDecay,
        beta1: 0.9, beta2: 0.95, eps: 1e-8, grad_clip: 1, eval_interval: 0, checkpoint_interval: perEpoch, seed: o.seed,
      },
      onProgress: (p) => {
        if (p.kind !== 'step') return;
        epochSum += p.loss;
        if (p.step % perEpoch === 0) {
          clf.trainLoss.push(epochSum / perEpoch);
          run.onEpoch?.({ epoch: p.step / perEpoch, epochs: o.epochs, loss: epochSum / perEpoch, seconds: (performance.now() - t0) / 1000 });
          epochSum = 0;
        }
      },
    });
    if (result.interrupted) throw new WrenError(`text classifier: stopped at step ${result.step} of ${steps}; its checkpoint is in ${runDir}`);
    return clf;
  } catch (err) {
    backend.dispose();
    throw err;
  } finally {
    if (!run.runDir) rmSync(runDir, { recursive: true, force: true });
  }
}
