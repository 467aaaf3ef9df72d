// The causal language-model head on the Llama trunk, for training: B sequences of T tokens at
// once (M = B·T rows) through the autograd tape — trunk (llama-trunk.ts), final RMSNorm, the LM
// head (tied to the embedding or not), fused cross-entropy against the next tokens. Targets that
// are negative are ignored: padding, and for SFT every token that is not the assistant's.
// Parameters and gradients are two ParameterBlocks from the one [name, shape] table; activations
// are the tape's planned block, reused every step. (llama.ts is the KV-cache inference pass.)
//
// Shape letters: B batch, T time, M = B·T rows, C hidden, V vocab.
import type { Ptr } from '../../engine/arena.ts';
import type { Backend } from '../../engine/backend.ts';
import { Tape, type Tensor } from '../../engine/tape.ts';
import type { LlamaConfig } from '../config.ts';
import { llamaTrunk } from '../llama-trunk.ts';
import { crossEntropy, crossEntropyRows, linear, rmsnorm } from '../ops.ts';
import type { Trainable } from '../trainable.ts';
import { ParameterBlock, parameterTable, type ParamName } from '../weights.ts';

export class CausalLM implements Trainable {
  readonly params: ParameterBlock;   // the weights
  readonly grads: ParameterBlock;    // ∂loss/∂weights, same layout
  readonly tape: Tape;
  readonly ids: Ptr;                 // (B,T) int32 input tokens
  readonly targets: Ptr;             // (B,T) int32 next tokens (negative: ignored)
  private losses = 0 as Ptr;         // (B,T) per-token loss of the last forward
  private targetCount = 0;           // targets of the current batch that are not ignored
  private t: number;                 // time steps of the current batch (≤ T)
  /** Per-sequence gradient weights (B) for the next forward, or null for one weight (DPO sets them). */
  rowScales: number[] | null = null;

  /** `dropout`: the trunk's training noise (0: none); evaluation forwards never drop. */
  constructor(readonly config: LlamaConfig, readonly backend: Backend, readonly B: number, readonly T: number, readonly dropout = 0) {
    const a = backend.arena, table = parameterTable(config);
    this.t = T;
    this.params = new ParameterBlock(a, table);
    this.grads = new ParameterBlock(a, table);
    this.ids = a.alloc(B * T * 4);
    this.targets = a.alloc(B * T * 4);
    this.tape = new Tape(backend);
    this.tape.plan(() => this.forward(1, 0)); // with the dropout buffers a training pass needs
  }

  private p = (name: ParamName, layer = 0): Tensor =>
    ({ ptr: this.params.ptr(name, layer), grad: this.grads.ptr(name, layer), size: 0 });

  /** Forward pass on `ids`/`targets`; returns the per-token losses (B·T floats) pointer. The
   *  logits' gradient (scaled by `gradScale`) is already computed; call `backward()` next. With a
   *  `noiseSeed` (training) the trunk applies its dropout, masks drawn from that seed. */
  forward(gradScale: number, noiseSeed?: number): Ptr {
    const c = this.config, t = this.tape, M = this.B * this.t, C = c.hidden_size, V = c.vocab_size;
    t.begin();
    const drop = this.dropout > 0 && noiseSeed !== undefined ? { p: this.dropout, seed: noiseSeed } : undefined;
    const x = llamaTrunk(t, c, this.p, this.ids, this.B, this.t, drop);    // x (M, C)
    const xn = rmsnorm(t, x, this.p('finalNorm'), M, C, c.rms_norm_eps);      // xn (M, C)
    const head = this.p(this.params.has('lmHead') ? 'lmHead' : 'embed');
    const logits = linear(t, xn, head, M, C, V, true);                       // logits (M, V)
    this.losses = (this.rowScales
      ? crossEntropyRows(t, logits, this.targets, this.B, this.t, V, this.rowScales.map((w) => w * gradScale))
      : crossEntropy(t, logits, this.targets, M, V, gradScale)).ptr;         // losses (M)
    return this.losses;
  }

  /** Σ log p(target) over each sequence's counted targets, from the last forward (B numbers). */
  sequenceLogProbs(): number[] {
    const T = this.t, a = this.backend.arena, losses = a.f32At(this.losses, this.B * T), tg = a.i32At(this.targets, this.B * T);
    return Array.from({ length: this.B }, (_, b) => {
      let s = 0;
      for (let t = b * T; t < (b + 1) * T; t++) if (tg[t] >= 0) s -= losses[t];
      return s;
    });
  }

  /** Targets of the current batch that count (not padding, not masked). */
  countedTargets(): number {
    return this.targetCount;
  }

  /** The gradient of the mean loss over the batch's real targets, times `gradScale`. */
  trainForward(gradScale: number, noiseSeed?: number): void {
    this.forward(gradScale / Math.max(1, this.targetCount), noiseSeed);
  }

  /** Accumulate ∂loss/∂weights of the last forward into `grads`. */
  backward(): void {
    this.tape.backward();
  }

  /** Mean loss over the rows of the last forward whose target is not ignored. */
  meanLoss(): number {
    const M = this.B * this.t;
    const losses = this.backend.arena.f32At(this.losses, M), targets = this.backend.arena.i32At(this.targets, M);
    let sum = 0, n = 0;
    for (let m = 0; m < M; m++) if (targets[m] >= 0) { sum += losses[m]; n++; }
    return n ? sum / n : 0;
  }

  /** Put a batch in: `tokens` holds B rows of T + 1 ids (inputs and, shifted by one, targets);
   *  a negative id is padding: as a target it is ignored. With `lossMask` (B·(T+1), one per
   *  token), only tokens whose mask is 1 are targets (SFT: the assistant's tokens). With `length`
   *  ≤ T, only each row's first length + 1 ids are used and the passes run on (B, length): a batch
   *  of short conversations costs what they hold (the tape, planned at T, is reused). */
  setBatch(tokens: ArrayLike<number>, lossMask?: ArrayLike<number>, length = this.T): void {
    const B = this.B, W = this.T + 1;
    if (tokens.length !== B * W) throw new Error(`setBatch: expected ${B * W} ids, got ${tokens.length}`);
    if (lossMask && lossMask.length !== tokens.length) throw new Error(`setBatch: the loss mask has ${lossMask.length} entries, the tokens ${tokens.length}`);
    if (!(Number.isInteger(length) && length >= 1 && length <= this.T)) throw new Error(`setBatch: length ${length} outside 1…${this.T}`);
    const T = length, ids = this.backend.arena.i32At(this.ids, B * T), tg = this.backend.arena.i32At(this.targets, B * T);
    let count = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const at = b * W + t;
        ids[b * T + t] = Math.max(0, tokens[at]);
        tg[b * T + t] = lossMask && !lossMask[at + 1] ? -1 : tokens[at + 1];
        if (tg[b * T + t] >= 0) count++;
      }
    }
    this.targetCount = count;
    this.t = T;
  }

  zeroGrads(): void {
    this.grads.all().fill(0);
  }
}
