// A persistent pool of kernel threads driven through a control block in shared memory: no
// postMessage per call. A job is cut into chunks (chunk c of `chunks` is the kernel run as thread
// c of `chunks`: the contract's static slices); the caller (tid 0) and the threads claim chunks
// until none is left, so a thread that is slow to wake, or descheduled on a busy machine, costs
// at most the chunk it took instead of stalling the caller. Threads spin briefly before sleeping
// in Atomics.wait, so back-to-back kernels cost a few microseconds instead of a ~20 µs wake-up.
// Control block layout (must match wasm-worker.js):
//   Int32 [0] seq  [1] op index (-1 quits)  [2] arg count  [3] chunks  [4] done chunks
//         [5] error flag  [6] claim word: (seq & 0xffffff) << 8 | next chunk
//   Float64 from byte 64: up to 32 arguments.
import type { KernelThread, WorkerInit } from './wasm-host.ts';
import { CHUNKS_PER_THREAD } from './fan-out.ts';

const SEQ = 0, OP = 1, NARGS = 2, CHUNKS = 3, DONE = 4, ERR = 5, CLAIM = 6;
const MAX_ARGS = 32;
/** Spin iterations before a waiting thread sleeps (~50–100 µs of polling). */
export const SPIN_ITERATIONS = 20000;

export class KernelPool {
  readonly control = new SharedArrayBuffer(64 + MAX_ARGS * 8);
  private readonly ctl = new Int32Array(this.control, 0, 16);
  private readonly args = new Float64Array(this.control, 64, MAX_ARGS);
  private threads: KernelThread[] = [];
  private seq = 0;

  /** Start `count` threads with tids 1..count; `init(tid)` gives each its setup. */
  async start(count: number, init: (tid: number, control: SharedArrayBuffer) => WorkerInit,
              spawn: (init: WorkerInit) => KernelThread): Promise<void> {
    for (let tid = 1; tid <= count; tid++) this.threads.push(spawn(init(tid, this.control)));
    await Promise.all(this.threads.map((t) => t.ready));
  }

  get size(): number {
    return this.threads.length;
  }

  /** Run `op` on the threads and the caller, cut into `perThread` chunks a thread (fan-out.ts);
   *  `runChunk(c, chunks)` runs one chunk on the caller. */
  run(op: number, args: readonly number[], runChunk: (c: number, chunks: number) => void,
      perThread = CHUNKS_PER_THREAD): void {
    const { ctl } = this;
    if (args.length > MAX_ARGS) throw new RangeError(`kernel has ${args.length} arguments, the pool carries ${MAX_ARGS}`);
    const chunks = Math.min(16, (this.threads.length + 1) * Math.max(1, perThread));
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    ctl[OP] = op;
    ctl[NARGS] = args.length;
    ctl[CHUNKS] = chunks;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ERR, 0);
    this.seq = (this.seq + 1) | 0;
    Atomics.store(ctl, CLAIM, (this.seq & 0xffffff) << 8);
    Atomics.store(ctl, SEQ, this.seq);
    Atomics.notify(ctl, SEQ);
    let error: unknown = null;
    for (let c = Atomics.add(ctl, CLAIM, 1) & 0xff; c < chunks; c = Atomics.add(ctl, CLAIM, 1) & 0xff) {
      try { runChunk(c, chunks); } catch (err) { error ??= err; }
      Atomics.add(ctl, DONE, 1);
    }
    let spins = 0;
    for (let done = Atomics.load(ctl, DONE); done !== chunks; done = Atomics.load(ctl, DONE)) {
      if (++spins > SPIN_ITERATIONS) { Atomics.wait(ctl, DONE, done, 1); spins = 0; }
    }
    // Close the job before the next one's chunk count is written: a thread that read this job's
    // seq but is slow to claim could otherwise pair it with the next job's larger count and
    // claim chunks this job never had, counting them into the next job's done.
    Atomics.store(ctl, CLAIM, ((this.seq & 0xffffff) << 8) | 0xff);
    if (error) throw error;
    if (Atomics.load(ctl, ERR)) throw new Error('a kernel thread trapped (out-of-bounds pointer or size?)');
  }

  async dispose(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    this.ctl[OP] = -1;
    Atomics.store(this.ctl, SEQ, (this.seq = (this.seq + 1) | 0));
    Atomics.notify(this.ctl, SEQ);
    await Promise.all(threads.map((t) => t.terminate()));
  }
}
