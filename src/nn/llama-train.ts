// The Llama-style decoder for training: the same math as llama.ts, run on B sequences of T tokens
// at once (M = B·T rows) through the autograd tape, ending in the fused cross-entropy. Parameters
// and their gradients are two ParameterBlocks from the one [name, shape] table; activations are
// the tape's planned block, reused every step.
//
// Shape letters: B batch, T time, M = B·T rows, C hidden, F intermediate, H heads, Hkv kv heads,
// D head size, V vocab, L layers.
import type { Ptr } from '../engine/arena.ts';
import type { Backend } from '../engine/backend.ts';
import { Tape, type Tensor } from '../engine/tape.ts';
import { headSize, type LlamaConfig } from './config.ts';
import { add, attention, crossEntropy, embedding, linear, rmsnorm, ropeInPlace, swiglu } from './ops.ts';
import { ParameterBlock, parameterTable, type ParamName } from './weights.ts';

export class LlamaTrainModel {
  readonly params: ParameterBlock;   // the weights
  readonly grads: ParameterBlock;    // ∂loss/∂weights, same layout
  readonly tape: Tape;
  readonly ids: Ptr;                 // (B,T) int32 input tokens
  readonly targets: Ptr;             // (B,T) int32 next tokens (negative: ignored)
  private losses = 0 as Ptr;         // (B,T) per-token loss of the last forward

  constructor(readonly config: LlamaConfig, readonly backend: Backend, readonly B: number, readonly T: number) {
    const a = backend.arena, table = parameterTable(config);
    this.params = new ParameterBlock(a, table);
    this.grads = new ParameterBlock(a, table);
    this.ids = a.alloc(B * T * 4);
    this.targets = a.alloc(B * T * 4);
    this.tape = new Tape(backend);
    this.tape.plan(() => this.forward(1));
  }

  private p(name: ParamName, layer = 0): Tensor {
    return { ptr: this.params.ptr(name, layer), grad: this.grads.ptr(name, layer), size: 0 };
  }

  /** Forward pass on `ids`/`targets`; returns the per-token losses (B·T floats) pointer. The
   *  logits' gradient (scaled by `gradScale`) is already computed; call `backward()` next. */
  forward(gradScale: number): Ptr {
    const c = this.config, t = this.tape, B = this.B, T = this.T, M = B * T;
    const C = c.hidden_size, F = c.intermediate_size, H = c.num_attention_heads, Hkv = c.num_key_value_heads;
    const D = headSize(c), V = c.vocab_size, eps = c.rms_norm_eps, theta = c.rope_theta;
    t.begin();

    let x = embedding(t, this.p('embed'), this.ids, M, C);                  // x (M, C)
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const xb = rmsnorm(t, x, this.p('attnNorm', l), M, C, eps);            // xb (M, C)
      const q = ropeInPlace(t, linear(t, xb, this.p('wq', l), M, C, H * D), M, T, H, D, theta);   // q (M, H*D)
      const k = ropeInPlace(t, linear(t, xb, this.p('wk', l), M, C, Hkv * D), M, T, Hkv, D, theta); // k (M, Hkv*D)
      const v = linear(t, xb, this.p('wv', l), M, C, Hkv * D);               // v (M, Hkv*D)
      const att = attention(t, q, k, v, B, T, H, Hkv, D);                    // att (M, H*D)
      x = add(t, x, linear(t, att, this.p('wo', l), M, H * D, C), M * C);    // residual

      const xf = rmsnorm(t, x, this.p('ffnNorm', l), M, C, eps);             // xf (M, C)
      const gate = linear(t, xf, this.p('w1', l), M, C, F);                  // gate (M, F)
      const up = linear(t, xf, this.p('w3', l), M, C, F);                    // up (M, F)
      const h = swiglu(t, gate, up, M * F);                                  // silu(gate)·up (M, F)
      x = add(t, x, linear(t, h, this.p('w2', l), M, F, C), M * C);          // residual
    }
    const xn = rmsnorm(t, x, this.p('finalNorm'), M, C, eps);                // xn (M, C)
    const head = this.p(this.params.has('lmHead') ? 'lmHead' : 'embed');
    const logits = linear(t, xn, head, M, C, V, true);                       // logits (M, V)
    this.losses = crossEntropy(t, logits, this.targets, M, V, gradScale).ptr; // losses (M)
    return this.losses;
  }

  /** Accumulate ∂loss/∂weights of the last forward into `grads`. */
  backward(): void {
    this.tape.backward();
  }

  /** Mean loss over the rows of the last forward whose target is not ignored. */
  meanLoss(): number {
    const M = this.B * this.T;
    const losses = this.backend.arena.f32At(this.losses, M), targets = this.backend.arena.i32At(this.targets, M);
    let sum = 0, n = 0;
    for (let m = 0; m < M; m++) if (targets[m] >= 0) { sum += losses[m]; n++; }
    return n ? sum / n : 0;
  }

  /** Put a batch in: `tokens` holds B rows of T + 1 ids (inputs and, shifted by one, targets);
   *  a negative id is padding: as a target it is ignored. */
  setBatch(tokens: ArrayLike<number>): void {
    const B = this.B, T = this.T, ids = this.backend.arena.i32At(this.ids, B * T), tg = this.backend.arena.i32At(this.targets, B * T);
    if (tokens.length !== B * (T + 1)) throw new Error(`setBatch: expected ${B * (T + 1)} ids, got ${tokens.length}`);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        ids[b * T + t] = Math.max(0, tokens[b * (T + 1) + t]);
        tg[b * T + t] = tokens[b * (T + 1) + t + 1];
      }
    }
  }

  zeroGrads(): void {
    this.grads.all().fill(0);
  }
}
