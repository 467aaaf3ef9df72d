// Client-side limits for a remote teacher: at most `concurrency` requests in flight, `rpm`
// requests and `tpm` tokens in any sliding window (60 s unless a test shortens it). A request
// reserves its estimated tokens before it is sent and settles to the real count after.
export type RateLimits = { concurrency: number; rpm?: number; tpm?: number; windowMs?: number };

type Entry = { at: number; tokens: number };

export class RateLimiter {
  private readonly limits: Required<Omit<RateLimits, 'rpm' | 'tpm'>> & { rpm: number; tpm: number };
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly window: Entry[] = [];

  constructor(limits: RateLimits) {
    this.limits = { concurrency: limits.concurrency, rpm: limits.rpm ?? Infinity, tpm: limits.tpm ?? Infinity, windowMs: limits.windowMs ?? 60_000 };
  }

  /** Waits for a slot and for room in the window; returns the entry to settle later. */
  async acquire(tokens: number, signal?: AbortSignal): Promise<Entry> {
    while (this.inFlight >= this.limits.concurrency) await new Promise<void>((r) => this.waiters.push(r));
    this.inFlight++;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = Date.now();
        while (this.window.length > 0 && now - this.window[0].at >= this.limits.windowMs) this.window.shift();
        const used = this.window.reduce((a, e) => a + e.tokens, 0);
        // a request bigger than the whole budget still goes, alone in its window
        const tokensOk = used + tokens <= this.limits.tpm || this.window.length === 0;
        if (this.window.length < this.limits.rpm && tokensOk) {
          const entry = { at: now, tokens };
          this.window.push(entry);
          return entry;
        }
        const wait = this.limits.windowMs - (now - this.window[0].at) + 1;
        await new Promise((r) => setTimeout(r, wait));
      }
    } catch (err) {
      this.release();
      throw err;
    }
  }

  /** The request is over: free its slot and count its real tokens. */
  release(entry?: Entry, actualTokens?: number): void {
    if (entry && actualTokens !== undefined) entry.tokens = actualTokens;
    this.inFlight--;
    this.waiters.shift()?.();
  }
}
