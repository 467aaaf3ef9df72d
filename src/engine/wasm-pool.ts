// A persistent pool of kernel threads driven through a control block in shared memory: no
// postMessage per call. The caller (tid 0) publishes a job, wakes the threads, runs its own
// slice, then waits for the rest; threads spin briefly before sleeping in Atomics.wait, so
// back-to-back kernels cost a few microseconds instead of a ~20 µs wake-up.
// Control block layout (must match wasm-worker.js):
//   Int32 [0] seq  [1] op index (-1 quits)  [2] arg count  [3] nth  [4] done count  [5] error flag
//   Float64 from byte 64: up to 32 arguments.
import type { KernelThread, WorkerInit } from './wasm-node.ts';

const SEQ = 0, OP = 1, NARGS = 2, NTH = 3, DONE = 4, ERR = 5;
const MAX_ARGS = 32;
/** Spin iterations before a waiting thread sleeps (~50–100 µs of polling). */
export const SPIN_ITERATIONS = 20000;

export class KernelPool {
  readonly control = new SharedArrayBuffer(64 + MAX_ARGS * 8);
  private readonly ctl = new Int32Array(this.control, 0, 16);
  private readonly args = new Float64Array(this.control, 64, MAX_ARGS);
  private threads: KernelThread[] = [];

  /** Start `count` threads with tids 1..count; `init(tid)` gives each its setup. */
  async start(count: number, init: (tid: number, control: SharedArrayBuffer) => WorkerInit,
              spawn: (init: WorkerInit) => KernelThread): Promise<void> {
    for (let tid = 1; tid <= count; tid++) this.threads.push(spawn(init(tid, this.control)));
    await Promise.all(this.threads.map((t) => t.ready));
  }

  get size(): number {
    return this.threads.length;
  }

  /** Run `op` on all threads plus the caller (`self` runs tid 0 of nth = size + 1). */
  run(op: number, args: readonly number[], self: () => void): void {
    const { ctl } = this;
    if (args.length > MAX_ARGS) throw new RangeError(`kernel has ${args.length} arguments, the pool carries ${MAX_ARGS}`);
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    ctl[OP] = op;
    ctl[NARGS] = args.length;
    ctl[NTH] = this.threads.length + 1;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ERR, 0);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    let error: unknown = null;
    try { self(); } catch (err) { error = err; }
    const want = this.threads.length;
    let spins = 0;
    for (let done = Atomics.load(ctl, DONE); done !== want; done = Atomics.load(ctl, DONE)) {
      if (++spins > SPIN_ITERATIONS) { Atomics.wait(ctl, DONE, done, 1); spins = 0; }
    }
    if (error) throw error;
    if (Atomics.load(ctl, ERR)) throw new Error('a kernel thread trapped (out-of-bounds pointer or size?)');
  }

  async dispose(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    this.ctl[OP] = -1;
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    await Promise.all(threads.map((t) => t.terminate()));
  }
}
