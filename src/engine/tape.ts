// Reverse-mode autograd over arena tensors. Ops (src/nn/ops.ts) run their forward kernel through
// the tape and record a closure that runs their backward kernels; `backward()` plays the closures
// in reverse. A training step's shapes never change, so activation memory is planned once: a dry
// run of the forward (`plan`) hands out offsets without running kernels, then one block is
// allocated for all values and one for all activation gradients, and every later step gets the
// same addresses again. Zeroing the activation gradients is one kernel call, split across threads.
import type { Ptr } from './arena.ts';
import type { Backend } from './backend.ts';
import type { KernelArgs, KernelName } from './kernels.ts';

/** A float32 tensor in the arena: its values and (when `grad` is non-zero) its gradient. */
export type Tensor = { ptr: Ptr; grad: Ptr; size: number };

const ALIGN_FLOATS = 16; // 64 bytes

export class Tape {
  private steps: (() => void)[] = [];
  private valueTop = 0;  // floats handed out this pass
  private gradTop = 0;
  private valueBase: Ptr = 0;
  private gradBase: Ptr = 0;
  private planned: { values: number; grads: number } | null = null;
  private dry = false;

  constructor(readonly backend: Backend) {}

  /** Run `forward` once without kernels to size the activation blocks, then allocate them. */
  plan(forward: () => void): void {
    if (this.planned) throw new Error('Tape.plan: already planned');
    this.dry = true;
    this.valueTop = this.gradTop = 0;
    try {
      forward();
    } finally {
      this.dry = false;
    }
    this.planned = { values: this.valueTop, grads: this.gradTop };
    this.valueBase = this.backend.arena.allocF32(this.valueTop);
    this.gradBase = this.backend.arena.allocF32(this.gradTop);
    this.steps = [];
  }

  /** Bytes of activation memory (values + gradients). */
  get bytes(): number {
    return this.planned ? (this.planned.values + this.planned.grads) * 4 : 0;
  }

  /** Start a pass: reuse the planned block from its start, zero the activation gradients. */
  begin(): void {
    if (this.dry) return;
    if (!this.planned) throw new Error('Tape.begin: call plan() first');
    this.valueTop = this.gradTop = 0;
    this.steps = [];
    this.backend.run('zero', this.gradBase, this.planned.grads);
  }

  /** A new activation of `size` floats, with a gradient buffer unless `withGrad` is false. */
  tensor(size: number, withGrad = true): Tensor {
    const ptr = this.valueBase + this.valueTop * 4;
    this.valueTop += Math.ceil(size / ALIGN_FLOATS) * ALIGN_FLOATS;
    let grad = 0;
    if (withGrad) {
      grad = this.gradBase + this.gradTop * 4;
      this.gradTop += Math.ceil(size / ALIGN_FLOATS) * ALIGN_FLOATS;
    }
    if (this.planned && (this.valueTop > this.planned.values || this.gradTop > this.planned.grads)) {
      throw new Error('Tape: this pass allocates more than the planned pass did (shapes changed?)');
    }
    return { ptr, grad, size };
  }

  /** Run a kernel now (skipped during planning). */
  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    if (!this.dry) this.backend.run(kernel, ...args);
  }

  /** Record the backward of the op just run. */
  record(backward: () => void): void {
    if (!this.dry) this.steps.push(backward);
  }

  /** Run every recorded backward, last op first. */
  backward(): void {
    for (let i = this.steps.length - 1; i >= 0; i--) this.steps[i]();
    this.steps = [];
  }
}
