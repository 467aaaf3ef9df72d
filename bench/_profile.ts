// Where a decode token's time goes: a Backend that forwards every kernel call to the real one and
// times it, labelled by what the call is in LlamaModel.forward's order (embedding; per layer
// rmsnorm, wq+wk+wv, rope, attention, wo, add, rmsnorm, w1+w3, swiglu, w2, add — or wq, wk, wv
// and w1, w3 one by one where the weights are quantized; final rmsnorm, classifier), with the
// layer it belongs to and whether the backend split it across threads (a hand-off: wake the pool,
// wait for the last chunk). The time outside kernels (JS in forward(),
// the sampler) is the token's wall time minus the kernels'; the profiler's own bookkeeping (two
// clock reads a call, ~0.1 µs) falls there too, which matters only for stories260K.
import type { Backend } from '../src/engine/backend.ts';
import { estimateNs, FAN_OUT_NS, NATIVE_FAN_OUT_NS } from '../src/engine/fan-out.ts';
import type { KernelArgs, KernelName } from '../src/engine/kernels.ts';
import { TimedBackend } from './_timed-backend.ts';

/** The split threshold each backend applies (fan-out.ts). */
function splitThresholdNs(b: Backend): number {
  return b.name === 'native' ? NATIVE_FAN_OUT_NS : FAN_OUT_NS;
}

const LAYER_MATMULS = ['wq', 'wk', 'wv', 'wo', 'w1', 'w3', 'w2'];
const LAYER_MATMULS_FUSED = ['wq+wk+wv', 'wo', 'w1+w3', 'w2']; // matmul3 for the shared inputs

export type OpTotal = { op: string; ns: number; calls: number; splitCalls: number };

/** One call site of the token's kernel sequence: its labels and what it has cost so far. */
type Site = { kernel: KernelName; op: string; where: string; ms: number; calls: number; splitCalls: number };

export class ProfilingBackend extends TimedBackend {
  /** the model's layer count, set once the model is made on this backend (before timing) */
  nLayers = Infinity;
  private readonly splitNs: number;
  // Call sites by position since the token's embedding call: the labels are made once per site,
  // so a call costs two clock reads and an add (a decode token makes the same calls every time).
  private sites: Site[] = [];
  private pos = 0;
  private norms = 0;
  private matmuls = 0;
  private fused = false;

  constructor(inner: Backend, splitNs?: number) {
    super(inner);
    this.splitNs = splitNs ?? splitThresholdNs(inner);
  }

  protected record<K extends KernelName>(kernel: K, args: KernelArgs[K], ms: number): void {
    if (kernel === 'embedding') { this.pos = 0; this.norms = 0; this.matmuls = 0; }
    let site = this.sites[this.pos];
    if (site?.kernel !== kernel) site = this.sites[this.pos] = this.label(kernel);
    else if (kernel === 'rmsnorm') this.norms++;
    else if (kernel.startsWith('matmul')) this.matmuls++;
    this.pos++;
    site.ms += ms;
    site.calls++;
    if (this.threads > 1 && estimateNs(kernel, args) >= this.splitNs) site.splitCalls++;
  }

  private label(kernel: KernelName): Site {
    if (kernel === 'rmsnorm') this.norms++;
    const layer = Math.floor((this.norms - 1) / 2);
    const final = layer >= this.nLayers;
    let op: string = kernel;
    if (kernel === 'matmul3') this.fused = true;
    const names = this.fused ? LAYER_MATMULS_FUSED : LAYER_MATMULS;
    if (kernel.startsWith('matmul')) op = `${kernel} ${final ? 'classifier' : names[this.matmuls % names.length]}`;
    else if (kernel === 'rmsnorm' && final) op = 'rmsnorm final';
    if (kernel.startsWith('matmul')) this.matmuls++;
    const where = kernel === 'embedding' ? 'embedding' : final ? 'final' : `layer ${layer}`;
    return { kernel, op, where, ms: 0, calls: 0, splitCalls: 0 };
  }

  private totals(key: 'op' | 'where'): Map<string, OpTotal> {
    const out = new Map<string, OpTotal>();
    for (const s of this.sites) {
      if (!s) continue;
      const t = out.get(s[key]) ?? { op: s[key], ns: 0, calls: 0, splitCalls: 0 };
      t.ns += s.ms * 1e6; t.calls += s.calls; t.splitCalls += s.splitCalls;
      out.set(s[key], t);
    }
    return out;
  }

  /** per op ("matmul wq", "attention", …) */
  get ops(): Map<string, OpTotal> { return this.totals('op'); }
  /** per layer ("embedding", "layer 0", …, "final") */
  get layers(): Map<string, OpTotal> { return this.totals('where'); }

  reset(): void {
    this.sites = [];
  }
}
