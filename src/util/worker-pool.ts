// A small pool of worker threads running one TypeScript module's `handle(task)`.
//
// Wren runs from .ts sources through tsx, and a worker thread does not inherit the loader that
// `bin/wren.js` registers, so each worker boots from a tiny eval'd script that registers tsx
// (when the parent found it) and then imports the handler module by URL.
import { Worker } from 'node:worker_threads';
import { WrenError } from '../errors.ts';

const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  const mod = await import(workerData.moduleUrl);
  parentPort.on('message', async ({ id, task }) => {
    try {
      const result = await mod.handle(task);
      const transfer = ArrayBuffer.isView(result) ? [result.buffer] : [];
      parentPort.postMessage({ id, ok: true, result }, transfer);
    } catch (err) {
      parentPort.postMessage({ id, ok: false, message: String(err && err.message || err), name: err && err.name });
    }
  });
  parentPort.postMessage({ id: -1, ok: true });
})().catch((err) => parentPort.postMessage({ id: -1, ok: false, message: String(err && err.stack || err) }));
`;

function tsxApiUrl(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined; // not running under tsx (e.g. a bundled build): plain import works
  }
}

type Reply = { id: number; ok: boolean; result?: unknown; message?: string; name?: string };

export class WorkerPool {
  private nextId = 0;
  private pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: Reply) => this.settle(m));
      w.on('error', (err) => this.failAll(err));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  static async create(moduleUrl: URL, threads: number): Promise<WorkerPool> {
    if (!Number.isInteger(threads) || threads < 1) throw new WrenError(`threads must be a positive integer, got ${threads}`);
    const workerData = { moduleUrl: moduleUrl.href, tsxApi: tsxApiUrl() };
    const workers = Array.from({ length: threads }, () => new Worker(BOOT, { eval: true, workerData }));
    try {
      await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
        const onMessage = (m: Reply) => {
          if (m.id !== -1) return;
          w.off('message', onMessage);
          if (m.ok) resolve();
          else reject(new Error(`worker failed to start: ${m.message}`));
        };
        w.on('message', onMessage);
        w.once('error', reject);
      })));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new WorkerPool(workers);
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else {
      const err = m.name === 'WrenError' ? new WrenError(m.message ?? 'worker error') : new Error(m.message);
      p.reject(err);
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Run one task on worker `i`. */
  runOn<R>(i: number, task: unknown): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.workers[i].postMessage({ id, task });
    });
  }

  /** Run tasks round-robin over the workers; results in task order. */
  map<R>(tasks: unknown[]): Promise<R[]> {
    return Promise.all(tasks.map((t, i) => this.runOn<R>(i % this.workers.length, t)));
  }

  /** The same task on every worker (e.g. loading a tokenizer). */
  broadcast<R>(task: unknown): Promise<R[]> {
    return Promise.all(this.workers.map((_, i) => this.runOn<R>(i, task)));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
