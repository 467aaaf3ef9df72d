// A Backend that forwards every kernel call to the real one and hands each call's time to
// `record`: the base of the decode profiler (_profile.ts) and the training one (_kernel-times.ts).
import type { Backend } from '../src/engine/backend.ts';
import type { KernelArgs, KernelName } from '../src/engine/kernels.ts';

export abstract class TimedBackend implements Backend {
  readonly name: Backend['name'];
  readonly arena: Backend['arena'];
  readonly threads: number;
  readonly description: string;

  constructor(protected readonly inner: Backend) {
    this.name = inner.name;
    this.arena = inner.arena;
    this.threads = inner.threads;
    this.description = inner.description;
  }

  /** What one call cost, in milliseconds. */
  protected abstract record<K extends KernelName>(kernel: K, args: KernelArgs[K], ms: number): void;

  supports(kernel: KernelName): boolean {
    return this.inner.supports(kernel);
  }

  run<K extends KernelName>(kernel: K, ...args: KernelArgs[K]): void {
    const t0 = performance.now();
    this.inner.run(kernel, ...args);
    this.record(kernel, args, performance.now() - t0);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
