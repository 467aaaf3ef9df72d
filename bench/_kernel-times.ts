// Where a training step's time goes: a Backend that forwards every kernel call to the real one
// and adds its time to a total per kernel and shape (a matmul by M, K, N and its transposes, so
// the forward linears and the two gradient products of each show apart). `wren bench train
// --profile` prints the totals of a timed run, slowest first, with a matmul's GFLOP/s.
import type { KernelArgs, KernelName } from '../src/engine/kernels.ts';
import { TimedBackend } from './_timed-backend.ts';

export type KernelTotal = { kernel: string; shape: string; ms: number; calls: number; flops: number };

export class KernelTimingBackend extends TimedBackend {
  private readonly totals = new Map<string, KernelTotal>();

  protected record<K extends KernelName>(kernel: K, args: KernelArgs[K], ms: number): void {
    let shape = '', flops = 0;
    if (kernel === 'matmul') {
      const [, , , M, K, N, transA, transB] = args as unknown as number[];
      shape = `M${M} K${K} N${N}${transA ? ' transA' : ''}${transB ? ' transB' : ''}`;
      flops = 2 * M * K * N;
    }
    const key = `${kernel} ${shape}`;
    const t = this.totals.get(key) ?? this.totals.set(key, { kernel, shape, ms: 0, calls: 0, flops: 0 }).get(key)!;
    t.ms += ms; t.calls++; t.flops += flops;
  }

  /** The totals so far, slowest first. */
  report(): KernelTotal[] {
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }
}
