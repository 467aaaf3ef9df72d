// Text embeddings from a frozen, pretrained Wren trunk (an LM folder: config.json,
// model.safetensors, tokenizer.json, e.g. `wren train`'s checkpoint): each text's first maxLen
// tokens run through the trunk (nn/llama-trunk.ts), the hidden states of its real tokens are
// averaged, and the trunk's own final RMSNorm is applied — what FineWeb-Edu's and phi-1's
// classifiers took from their embedding models, read off a Wren LM. Forward only: no gradients
// are kept, so the tape plans values only once at (B, T) and reuses them for every batch.
//
// Shape letters: B batch, T time, M = B·T rows, C hidden.
import type { Ptr } from '../engine/arena.ts';
import { createBackend, type Backend } from '../engine/backend.ts';
import { Tape, type Tensor } from '../engine/tape.ts';
import { WrenError } from '../errors.ts';
import { fromHfTensors } from '../formats/hf-llama.ts';
import { readSafetensors } from '../formats/safetensors.ts';
import type { LlamaConfig } from '../nn/config.ts';
import { llamaTrunk } from '../nn/llama-trunk.ts';
import { readConfigFile, resolveModelFiles } from '../nn/load.ts';
import { poolRows, rmsnorm } from '../nn/ops.ts';
import { ParameterBlock, parameterTable, type ParamName } from '../nn/weights.ts';
import type { BpeTokenizer } from '../tokenizer/bpe-tokenizer.ts';
import { loadTokenizerJson } from '../tokenizer/hf-tokenizer-json.ts';
import { encodeForClassifier } from './text-classifier.ts';
import { PAD_TOKEN } from './train-text-classifier.ts';

const FEATURE_BATCH = 16;

export class TrunkFeatures {
  private readonly params: ParameterBlock;
  private readonly tape: Tape;
  private readonly ids: Ptr;    // (B,T) int32, right-padded
  private readonly pool: Ptr;   // (B, B·T) mean-pooling matrix
  private out = 0 as Ptr;       // (b, C) features of the last batch
  private b = FEATURE_BATCH;
  private t: number;
  readonly padId: number;

  private constructor(readonly config: LlamaConfig, readonly tokenizer: BpeTokenizer, readonly maxLen: number, readonly backend: Backend,
                      tensors: Map<string, { shape: number[]; data: Float32Array }>, source: string) {
    const a = backend.arena, B = FEATURE_BATCH;
    this.t = maxLen;
    this.params = new ParameterBlock(a, parameterTable({ ...config, tie_word_embeddings: true }));
    fromHfTensors(config, tensors, this.params, source);
    this.padId = tokenizer.specialTokens.get(PAD_TOKEN) ?? tokenizer.eosId ?? 0;
    this.ids = a.alloc(B * maxLen * 4);
    this.pool = a.allocF32(B * B * maxLen);
    this.tape = new Tape(backend);
    this.tape.plan(() => this.forward());
  }

  /** Hidden size C: the length of each feature vector. */
  get dim(): number { return this.config.hidden_size; }

  /** Loads the LM folder `dir` (its lm_head, if any, is not needed). `maxLen` ≤ its context. */
  static async load(dir: string, maxLen: number, backend?: Backend): Promise<TrunkFeatures> {
    const files = resolveModelFiles(dir);
    if (files.kind !== 'folder' || !files.tokenizer?.endsWith('.json')) throw new WrenError(`${dir}: expected an LM folder with config.json, model.safetensors and tokenizer.json`);
    const config = readConfigFile(files.config!);
    if (maxLen > config.max_position_embeddings) throw new WrenError(`${dir}: maxLen ${maxLen} is past the model's context (${config.max_position_embeddings} tokens)`);
    const tokenizer = loadTokenizerJson(files.tokenizer);
    if (tokenizer.vocabSize !== config.vocab_size) throw new WrenError(`${files.tokenizer}: ${tokenizer.vocabSize} tokens, the model's vocabulary is ${config.vocab_size}`);
    const { tensors } = readSafetensors(files.weights);
    tensors.delete('lm_head.weight');
    const be = backend ?? await createBackend();
    try {
      return new TrunkFeatures(config, tokenizer, maxLen, be, tensors, files.weights);
    } catch (err) {
      if (!backend) be.dispose();
      throw err;
    }
  }

  private p = (name: ParamName, layer = 0): Tensor => ({ ptr: this.params.ptr(name, layer), grad: 0 as Ptr, size: 0 });

  private forward(): void {
    const c = this.config, t = this.tape, b = this.b, M = b * this.t, C = c.hidden_size;
    t.begin();
    const x = llamaTrunk(t, c, this.p, this.ids, b, this.t);                     // x (M, C)
    const pooled = poolRows(t, this.pool, x, b, M, C);                           // pooled (b, C): mean of real tokens
    this.out = rmsnorm(t, pooled, this.p('finalNorm'), b, C, c.rms_norm_eps).ptr; // (b, C)
  }

  /** One C-vector per text, FEATURE_BATCH texts a forward pass. */
  features(texts: string[]): Float32Array[] {
    const a = this.backend.arena, C = this.dim, out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += FEATURE_BATCH) {
      const seqs = texts.slice(i, i + FEATURE_BATCH).map((s) => encodeForClassifier(this.tokenizer, s, this.maxLen, this.padId));
      const b = seqs.length, T = Math.max(...seqs.map((s) => s.length));
      const ids = a.i32At(this.ids, b * T), P = a.f32At(this.pool, b * b * T);
      ids.fill(this.padId);
      P.fill(0);
      seqs.forEach((s, r) => s.forEach((id, j) => { ids[r * T + j] = id; P[r * b * T + r * T + j] = 1 / s.length; }));
      this.b = b;
      this.t = T;
      this.forward();
      const f = a.f32At(this.out, b * C);
      for (let r = 0; r < b; r++) out.push(f.slice(r * C, (r + 1) * C));
    }
    return out;
  }

  close(): void {
    this.backend.dispose();
  }
}
