// Where a decode token's time goes: a Backend that forwards every kernel call to the real one and
// times it, labelled by what the call is in LlamaModel.forward's order (embedding; per layer
// rmsnorm, wq, wk, wv, rope, attention, wo, add, rmsnorm, w1, w3, swiglu, w2, add; final rmsnorm,
// classifier), with the layer it belongs to and whether the backend split it across threads (a
// hand-off: wake the pool, wait for the last chunk). The time outside kernels (JS in forward(),
// the sampler) is the token's wall time minus the kernels'. Each timed call costs ~0.1 µs of
// timer, which matters only for stories260K (~100 µs a token).
import type { Backend } from '../src/engine/backend.ts';
import { estimateNs, FAN_OUT_NS } from '../src/engine/fan-out.ts';
import type { KernelArgs, KernelName } from '../src/engine/kernels.ts';

/** The split threshold each backend applies (native-backend.ts splits at 5 × FAN_OUT_NS, wasm at FAN_OUT_NS). */
function splitThresholdNs(b: Backend): number {
  return b.name === 'native' ? 5 * FAN_OUT_NS : FAN_OUT_NS;
}

const LAYER_MATMULS = ['wq', 'wk', 'wv', 'wo', 'w1', 'w3', 'w2'];

export type OpTotal = { op: string; ns: number; calls: number; splitCalls: number };

export class ProfilingBackend implements Backend {
  readonly name: Backend['name'];
  readonly arena: Backend['arena'];
  readonly threads: number;
  readonly description: string;
  /** per op ("matmul wq", "attention", …) and per layer ("layer 0", "final", "embedding") */
  readonly ops = new Map<string, OpTotal>();
  readonly layers = new Map<string, OpTotal>();
  private readonly splitNs: number;
  private norms = 0;
  private matmuls = 0;

  /** the model's layer count, set once the model is made on this backend (before timing) */
  nLayers = Infinity;

  constructor(private readonly inner: Backend) {
    this.name = inner.name;
    this.arena = inner.arena;
    this.threads = inner.threads;
    this.description = inner.description;
    this.splitNs = splitThresholdNs(inner);
  }

  supports(kernel: KernelName): boolean {
    return this.inner.supports(kernel);
  }

  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    const t0 = process.hrtime.bigint();
    this.inner.run(kernel, ...args);
    const ns = Number(process.hrtime.bigint() - t0);
    if (kernel === 'embedding') { this.norms = 0; this.matmuls = 0; }
    if (kernel === 'rmsnorm') this.norms++;
    const layer = Math.floor((this.norms - 1) / 2);
    const final = layer >= this.nLayers;
    let op: string = kernel;
    if (kernel.startsWith('matmul')) op = `${kernel} ${final ? 'classifier' : LAYER_MATMULS[this.matmuls++ % LAYER_MATMULS.length] ?? '?'}`;
    else if (kernel === 'rmsnorm' && final) op = 'rmsnorm final';
    const where = kernel === 'embedding' ? 'embedding' : final ? 'final' : `layer ${layer}`;
    const split = this.threads > 1 && estimateNs(kernel, args) >= this.splitNs ? 1 : 0;
    for (const [map, key] of [[this.ops, op], [this.layers, where]] as const) {
      const t = map.get(key) ?? { op: key, ns: 0, calls: 0, splitCalls: 0 };
      t.ns += ns; t.calls++; t.splitCalls += split;
      map.set(key, t);
    }
  }

  reset(): void {
    this.ops.clear();
    this.layers.clear();
  }

  dispose(): void {
    this.inner.dispose();
  }
}
