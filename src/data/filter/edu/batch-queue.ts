// Batching for scorers that run a model: score() queues the text and a flush on the next turn of
// the event loop runs every queued text through `run` at once. The pipeline calls score() for a
// whole window of documents before awaiting any, so a window is scored in batches.
type Pending = { text: string; resolve: (s: number) => void; reject: (e: unknown) => void };

export class BatchQueue {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private run: (texts: string[]) => number[]) {}

  score(text: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushing = false;
    try {
      const scores = this.run(batch.map((p) => p.text));
      batch.forEach((p, i) => p.resolve(scores[i]));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
