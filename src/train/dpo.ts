// Direct preference optimisation (`wren dpo`, Rafailov et al. 2023): from an SFT model, make the
// preferred reply of each pair more likely than the other, relative to the frozen starting model:
//   z = β·[(log π(chosen) − log π_ref(chosen)) − (log π(rejected) − log π_ref(rejected))]
//   loss = −log σ(z), averaged over pairs
// where log π(reply) sums the reply's token log-probabilities given its context. The reference
// log-probabilities are computed once, before the first step, and kept in RUN/reference-logps.json
// (a resume needs them and the weights have moved on by then). A batch holds P pairs as 2P rows
// (chosen, rejected, …). Each step runs the causal LM twice: once for the log-probabilities,
// then with each row's gradient weighted by ∂loss/∂log π of its reply (±β·σ(−z)/P), so the
// loop's backward and AdamW apply unchanged. Reported: loss, reward accuracy (z > 0) and margin
// (the mean z/β) on the held-out pairs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { ensureWritableDir, writeFileAtomic } from '../formats/atomic.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import { CausalLM } from '../nn/heads/causal-lm.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import type { Trainable } from '../nn/trainable.ts';
import { folderHasChatTemplate, requireChatTokens } from '../tokenizer/chat-template.ts';
import { loadTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import type { SeededRng } from '../util/rng.ts';
import { EpochOrder } from './batches/epoch-order.ts';
import { runTrainingLoop, type BatchSource, type LoopSettings, type TrainProgress, type TrainResult } from './loop.ts';
import { readPreferenceData, type PreferencePair } from './preference-data.ts';
import { chatLmFiles } from './sft.ts';
import { createTrainingBackend } from './trainer.ts';

export type PreferenceMetrics = { loss: number; accuracy: number; margin: number; pairs: number };

const logSigmoid = (z: number) => (z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The DPO objective on a causal LM whose batch holds P pairs as 2P rows. */
export class DpoObjective implements Trainable {
  reference: number[] = [];     // (2P) reference log-probabilities of the current rows
  pairsInBatch = 0;             // P of the current batch (a last batch may be short)
  private last: number[] = [];  // z of each pair in the last forward

  constructor(readonly lm: CausalLM, readonly beta: number) {}

  get config() { return this.lm.config; }
  get backend() { return this.lm.backend; }
  get params() { return this.lm.params; }
  get grads() { return this.lm.grads; }
  get tape() { return this.lm.tape; }

  /** z of each pair from the model's current log-probabilities. */
  preferences(): number[] {
    this.lm.rowScales = null;
    this.lm.forward(0);
    const lp = this.lm.sequenceLogProbs(), ref = this.reference;
    return Array.from({ length: this.pairsInBatch }, (_, i) => this.beta * ((lp[2 * i] - ref[2 * i]) - (lp[2 * i + 1] - ref[2 * i + 1])));
  }

  trainForward(gradScale: number): void {
    const z = this.preferences(), P = this.pairsInBatch;
    const scales = new Array<number>(this.lm.B).fill(0);
    z.forEach((zi, i) => {
      const w = (this.beta * sigmoid(-zi)) / P; // −∂loss/∂log π(chosen) = ∂loss/∂log π(rejected)
      scales[2 * i] = w;                        // the rows' losses are −log π: the signs flip
      scales[2 * i + 1] = -w;
    });
    this.lm.rowScales = scales;
    this.lm.forward(gradScale);
    this.lm.rowScales = null;
    this.last = z;
  }

  backward(): void { this.lm.backward(); }
  zeroGrads(): void { this.lm.zeroGrads(); }

  meanLoss(): number {
    return this.last.reduce((s, z) => s - logSigmoid(z), 0) / Math.max(1, this.last.length);
  }
}

/** Pairs into the objective's rows, in a seeded order per epoch; held-out preference metrics. */
export class PreferenceBatches implements BatchSource {
  private readonly order: EpochOrder;
  private readonly tokens: Int32Array;
  private readonly mask: Uint8Array;

  constructor(private readonly obj: DpoObjective, private readonly train: PreferencePair[], private readonly trainRef: number[][],
              private readonly heldOut: PreferencePair[] = [], private readonly heldOutRef: number[][] = []) {
    this.order = new EpochOrder(train.length, train.map((p) => Math.max(p.chosen.ids.length, p.rejected.ids.length)));
    const W = obj.lm.T + 1;
    this.tokens = new Int32Array(obj.lm.B * W);
    this.mask = new Uint8Array(obj.lm.B * W);
  }

  /** Pairs into rows 2i (chosen) and 2i+1 (rejected); `refs` their reference log-probabilities. */
  put(pairs: PreferencePair[], refs: number[][]): number {
    const W = this.obj.lm.T + 1;
    this.tokens.fill(-1);
    this.mask.fill(0);
    let n = 0, longest = 2;
    pairs.forEach((p, i) => {
      for (const [r, e] of [[2 * i, p.chosen], [2 * i + 1, p.rejected]] as const) {
        this.tokens.set(e.ids, r * W);
        this.mask.set(e.train, r * W);
        n += e.ids.length;
        longest = Math.max(longest, e.ids.length);
      }
    });
    this.obj.lm.setBatch(this.tokens, this.mask, longest - 1);
    this.obj.pairsInBatch = pairs.length;
    this.obj.reference = refs.flat();
    return n;
  }

  next(rng: SeededRng): number {
    const idx = this.order.next(rng, this.obj.lm.B / 2);
    return this.put(idx.map((i) => this.train[i]), idx.map((i) => this.trainRef[i]));
  }

  metrics(): PreferenceMetrics | null {
    if (this.heldOut.length === 0) return null;
    const P = this.obj.lm.B / 2, z: number[] = [];
    for (let i = 0; i < this.heldOut.length; i += P) {
      this.put(this.heldOut.slice(i, i + P), this.heldOutRef.slice(i, i + P));
      z.push(...this.obj.preferences());
    }
    return {
      loss: z.reduce((s, zi) => s - logSigmoid(zi), 0) / z.length, accuracy: z.filter((zi) => zi > 0).length / z.length,
      margin: z.reduce((s, zi) => s + zi, 0) / z.length / this.obj.beta, pairs: z.length,
    };
  }

  evaluate(): number | null {
    return this.metrics()?.loss ?? null;
  }

  state(): unknown { return this.order.state(); }
  restore(state: unknown): void { this.order.restore(state); }
}

/** Log-probabilities of each pair's two replies under the model as it is now. */
function referenceLogProbs(obj: DpoObjective, batches: PreferenceBatches, pairs: PreferencePair[]): number[][] {
  const P = obj.lm.B / 2, out: number[][] = [];
  for (let i = 0; i < pairs.length; i += P) {
    const chunk = pairs.slice(i, i + P);
    batches.put(chunk, chunk.map(() => [0, 0]));
    obj.lm.rowScales = null;
    obj.lm.forward(0);
    const lp = obj.lm.sequenceLogProbs();
    chunk.forEach((_, k) => out.push([lp[2 * k], lp[2 * k + 1]]));
  }
  return out;
}

export type DpoOptions = {
  model: string; data: string; val?: string; out: string;
  pairsPerBatch: number; seqLen: number; beta: number; settings: LoopSettings;
  skipBad?: boolean; resume?: boolean; threads?: number; backend?: 'reference' | 'wasm' | 'native' | 'auto';
  signal?: AbortSignal; onProgress?: (p: TrainProgress) => void;
};

export async function runDpo(o: DpoOptions, backendIn?: Backend): Promise<TrainResult & { before: PreferenceMetrics | null; after: PreferenceMetrics | null }> {
  const files = resolveModelFiles(o.model);
  if (files.kind !== 'folder' || !files.tokenizer?.endsWith('.json') || !folderHasChatTemplate(o.model)) {
    throw new WrenError(`--model ${o.model}: DPO starts from a model folder with a chat template (what 'wren sft' writes)`);
  }
  if (!(o.beta > 0)) throw new WrenError(`--beta must be positive, got ${o.beta}`);
  const config = readConfigFile(files.config!), tokenizer = loadTokenizerJson(files.tokenizer);
  requireChatTokens(tokenizer);
  const train = await readPreferenceData(o.data, tokenizer, o.seqLen + 1, { skipBad: o.skipBad });
  const val = o.val ? await readPreferenceData(o.val, tokenizer, o.seqLen + 1, { skipBad: o.skipBad }) : undefined;
  ensureWritableDir(o.out);
  const backend = backendIn ?? await createTrainingBackend(o.backend, o.threads);
  const mark = backend.arena.mark();
  try {
    const lm = new CausalLM(config, backend, 2 * o.pairsPerBatch, o.seqLen);
    fromHfTensors(config, readSafetensors(files.weights).tensors, lm.params, files.weights);
    const obj = new DpoObjective(lm, o.beta);
    const refPath = join(o.out, 'reference-logps.json');
    const probe = new PreferenceBatches(obj, train.pairs, []);
    const refs = o.resume && existsSync(refPath)
      ? JSON.parse(readFileSync(refPath, 'utf8')) as { train: number[][]; val: number[][] }
      : { train: referenceLogProbs(obj, probe, train.pairs), val: val ? referenceLogProbs(obj, probe, val.pairs) : [] };
    if (!existsSync(refPath) || !o.resume) writeFileAtomic(refPath, JSON.stringify(refs) + '\n');
    const source = new PreferenceBatches(obj, train.pairs, refs.train, val?.pairs, refs.val);
    const before = o.resume ? null : source.metrics();
    const tokenizerPath = join(o.out, 'tokenizer.json');
    writeFileAtomic(tokenizerPath, readFileSync(files.tokenizer));
    const result = await runTrainingLoop({
      runDir: o.out, model: obj, source, settings: o.settings, files: chatLmFiles(config, lm.params, tokenizerPath, tokenizer),
      fingerprint: { sft_model: resolve(files.weights), pairs: String(train.pairs.length), beta: String(o.beta) },
      resume: o.resume, signal: o.signal, onProgress: o.onProgress,
    });
    return { ...result, before, after: source.metrics() };
  } finally {
    if (!backendIn) backend.dispose();
    else backend.arena.release(mark);
  }
}
