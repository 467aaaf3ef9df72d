// The target of a red-team run: an OpenAI-compatible chat endpoint (`wren serve`, or any server),
// sent one message or, for a multi-turn attack, the whole conversation so far.
// A guard's refusal (HTTP 400 with code content_filter, or finish_reason content_filter) is an
// answer: the system declined. A refused connection, a 5xx or a 429 is retried with backoff and,
// when the tries run out, reported as an error for that attempt — never counted as a refusal or
// a success.
import type { ChatMessage } from '../tokenizer/chat-template.ts';

export type TargetReply =
  | { status: 'ok'; text: string; finishReason: string; blocked: boolean; tries: number }
  | { status: 'error'; error: string; tries: number };

export type HttpTargetOptions = { model?: string; maxTokens: number; retries: number; backoffMs: number; timeoutMs: number; apiKey?: string };

export class HttpTarget {
  constructor(readonly baseUrl: string, readonly o: HttpTargetOptions) {}

  async ask(input: string | ChatMessage[]): Promise<TargetReply> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/v1/chat/completions`;
    const messages = typeof input === 'string' ? [{ role: 'user', content: input }] : input;
    const body = JSON.stringify({ ...(this.o.model ? { model: this.o.model } : {}), messages, max_tokens: this.o.maxTokens, temperature: 0, seed: 1 });
    let last = '';
    for (let tries = 1; tries <= this.o.retries + 1; tries++) {
      try {
        const r = await fetch(url, {
          method: 'POST', body, signal: AbortSignal.timeout(this.o.timeoutMs),
          headers: { 'content-type': 'application/json', ...(this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {}) },
        });
        const json = await r.json().catch(() => null) as { error?: { code?: string; message?: string }; choices?: { message?: { content?: string }; finish_reason?: string }[] } | null;
        if (r.status === 400 && json?.error?.code === 'content_filter') return { status: 'ok', text: '', finishReason: 'content_filter', blocked: true, tries };
        if (r.ok && json?.choices?.[0]) {
          const c = json.choices[0];
          return { status: 'ok', text: c.message?.content ?? '', finishReason: c.finish_reason ?? '', blocked: c.finish_reason === 'content_filter', tries };
        }
        last = `HTTP ${r.status}${json?.error?.message ? `: ${json.error.message}` : ''}`;
        if (r.status < 500 && r.status !== 429) return { status: 'error', error: last, tries }; // a client error: retrying will not help
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        last = e.cause?.code ? `${e.cause.code}: ${e.message}` : e.name === 'TimeoutError' ? `timeout after ${this.o.timeoutMs} ms` : e.message;
      }
      if (tries <= this.o.retries) await new Promise((r) => setTimeout(r, this.o.backoffMs * 2 ** (tries - 1)));
    }
    return { status: 'error', error: last, tries: this.o.retries + 1 };
  }
}
