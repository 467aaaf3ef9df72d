// A Llama sequence classifier (HF's LlamaForSequenceClassification): the decoder trunk
// (../llama-trunk.ts), then each sequence pooled to one row, the final RMSNorm, and a linear head
// `score` (K, C) to K class logits. Pooling 'last' takes the hidden state of the last real token
// (what HF does: with causal attention and right padding that token has read the whole text and
// no padding); 'mean' averages the real tokens' states (Wren-only; HF has no such option).
// Pooling is one matmul with a pooling matrix P (B, M), so both kinds share one op and gradient.
//
// Parameters and gradients are two ParameterBlocks from the LM's [name, shape] table without an
// LM head, plus 'score'. The tape is planned once at (B, T); a pass on b ≤ B sequences of t ≤ T
// tokens reuses the same block (every tensor is no bigger), so a batch is only as long as its
// longest text.
//
// Shape letters: B batch, T time, M = B·T rows, C hidden, K classes, V vocabulary.
import type { Ptr } from '../../engine/arena.ts';
import type { Backend } from '../../engine/backend.ts';
import { Tape, type Tensor } from '../../engine/tape.ts';
import type { LlamaConfig } from '../config.ts';
import { llamaTrunk } from '../llama-trunk.ts';
import { crossEntropy, linear, poolRows, rmsnorm } from '../ops.ts';
import type { Trainable } from '../trainable.ts';
import { ParameterBlock, parameterTable, type ParamName } from '../weights.ts';

export type Pooling = 'last' | 'mean';
export const POOLINGS: readonly Pooling[] = ['last', 'mean'];

/** The LM's table without the LM head, plus the head `score` (K, C). */
export function classifierParameterTable(c: LlamaConfig, numClasses: number): [ParamName, number[]][] {
  return [...parameterTable({ ...c, tie_word_embeddings: true }), ['score', [numClasses, c.hidden_size]]];
}

export class SequenceClassifier implements Trainable {
  readonly params: ParameterBlock;   // the weights
  readonly grads: ParameterBlock;    // ∂loss/∂weights, same layout
  readonly tape: Tape;
  readonly ids: Ptr;                 // (B,T) int32 tokens, right-padded
  readonly labels: Ptr;              // (B) int32 class of each sequence
  readonly pool: Ptr;                // (B, B·T) float pooling matrix P
  private b = 0;                     // sequences in the current batch
  private t = 0;                     // its length
  private out = 0 as Ptr;            // (b) losses after a training pass, (b,K) probabilities after inference

  constructor(readonly config: LlamaConfig, readonly numClasses: number, readonly pooling: Pooling,
              readonly backend: Backend, readonly B: number, readonly T: number) {
    const a = backend.arena, table = classifierParameterTable(config, numClasses);
    this.params = new ParameterBlock(a, table);
    this.grads = new ParameterBlock(a, table);
    this.ids = a.alloc(B * T * 4);
    this.labels = a.alloc(B * 4);
    this.pool = a.allocF32(B * B * T);
    this.tape = new Tape(backend);
    this.b = B;
    this.t = T;
    this.tape.plan(() => this.forward(true));
  }

  private p = (name: ParamName, layer = 0): Tensor =>
    ({ ptr: this.params.ptr(name, layer), grad: this.grads.ptr(name, layer), size: 0 });

  /** Put b ≤ B token sequences in (each 1…T ids), padded with `padId` to the longest; `labels`
   *  (classes 0…K-1) for training. Sets the pooling matrix for their real lengths. */
  setBatch(seqs: ArrayLike<number>[], padId: number, labels?: ArrayLike<number>): void {
    const b = seqs.length, V = this.config.vocab_size, K = this.numClasses;
    if (b < 1 || b > this.B) throw new Error(`setBatch: ${b} sequences, this model takes 1…${this.B}`);
    let t = 1;
    for (const s of seqs) t = Math.max(t, s.length);
    if (t > this.T) throw new Error(`setBatch: a sequence of ${t} tokens, this model takes at most ${this.T}`);
    const a = this.backend.arena, ids = a.i32At(this.ids, b * t), P = a.f32At(this.pool, b * b * t);
    ids.fill(padId);
    P.fill(0);
    for (let i = 0; i < b; i++) {
      const s = seqs[i], n = Math.max(1, s.length);
      for (let j = 0; j < s.length; j++) {
        if (!(s[j] >= 0 && s[j] < V)) throw new Error(`setBatch: token id ${s[j]} outside the vocabulary (${V})`);
        ids[i * t + j] = s[j];
      }
      if (this.pooling === 'last') P[i * b * t + i * t + n - 1] = 1;
      else for (let j = 0; j < n; j++) P[i * b * t + i * t + j] = 1 / n;
    }
    if (labels) {
      const y = a.i32At(this.labels, b);
      for (let i = 0; i < b; i++) {
        if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < K)) throw new Error(`setBatch: label ${labels[i]} is not a class 0…${K - 1}`);
        y[i] = labels[i];
      }
    }
    this.b = b;
    this.t = t;
  }

  /** Forward on the current batch. Training: per-sequence cross-entropy against `labels`, the
   *  logits' gradient (scaled by `gradScale`) already in place for `backward()`. Inference: class
   *  probabilities. Returns the pointer to the (b) losses or (b,K) probabilities. */
  forward(train: boolean, gradScale = 1): Ptr {
    const c = this.config, t = this.tape, b = this.b, T = this.t, M = b * T, C = c.hidden_size, K = this.numClasses;
    t.begin();
    const x = llamaTrunk(t, c, this.p, this.ids, b, T);                      // x (M, C)
    const pooled = poolRows(t, this.pool, x, b, M, C);                       // pooled (b, C)
    const xn = rmsnorm(t, pooled, this.p('finalNorm'), b, C, c.rms_norm_eps); // xn (b, C)
    const logits = linear(t, xn, this.p('score'), b, C, K, true);            // logits (b, K), gradient in place
    if (train) {
      this.out = crossEntropy(t, logits, this.labels, b, K, gradScale).ptr;  // losses (b)
    } else {
      t.run('softmax', logits.ptr, logits.ptr, b, K);                        // probabilities (b, K)
      this.out = logits.ptr;
    }
    return this.out;
  }

  /** The gradient of the mean loss over the batch's sequences, times `gradScale`. */
  trainForward(gradScale: number): void {
    this.forward(true, gradScale / this.b);
  }

  /** Accumulate ∂loss/∂weights of the last training forward into `grads`. */
  backward(): void {
    this.tape.backward();
  }

  zeroGrads(): void {
    this.grads.all().fill(0);
  }

  /** Mean loss of the last training forward. */
  meanLoss(): number {
    const losses = this.backend.arena.f32At(this.out, this.b);
    let s = 0;
    for (const l of losses) s += l;
    return s / this.b;
  }

  /** Class probabilities (b, K) of the last inference forward, copied out. */
  probabilities(): Float32Array {
    return this.backend.arena.f32At(this.out, this.b * this.numClasses).slice();
  }
}
