// Where a training step's time goes: a Backend that forwards every kernel call to the real one
// and adds its time to a total per kernel and shape (a matmul by M, K, N and its transposes, so
// the forward linears and the two gradient products of each show apart). `wren bench train
// --profile` prints the totals of a timed run, slowest first, with a matmul's GFLOP/s.
import type { Backend } from '../src/engine/backend.ts';
import type { KernelArgs, KernelName } from '../src/engine/kernels.ts';

export type KernelTotal = { kernel: string; shape: string; ms: number; calls: number; flops: number };

export class KernelTimingBackend implements Backend {
  readonly name: Backend['name'];
  readonly arena: Backend['arena'];
  readonly threads: number;
  readonly description: string;
  private readonly totals = new Map<string, KernelTotal>();

  constructor(private readonly inner: Backend) {
    this.name = inner.name;
    this.arena = inner.arena;
    this.threads = inner.threads;
    this.description = inner.description;
  }

  supports(kernel: KernelName): boolean {
    return this.inner.supports(kernel);
  }

  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    const t0 = performance.now();
    this.inner.run(kernel, ...args);
    const ms = performance.now() - t0;
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

  /** The totals so far, slowest first; `reset` starts a new count. */
  report(): KernelTotal[] {
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }

  reset(): void {
    this.totals.clear();
  }

  dispose(): void {
    this.inner.dispose();
  }
}
