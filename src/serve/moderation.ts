// The guard in the serving path: the prompt is checked before any generation, and the answer
// as it streams, in windows, so a harmful stream is cut mid-way (finish_reason "content_filter").
// Results are in the shape of Azure OpenAI's content filter: prompt_filter_results
// [{prompt_index, content_filter_results}] and per choice content_filter_results, each category
// {filtered, severity: safe|low|medium|high} (jailbreak: {filtered, detected}).
//
// A long text is read in overlapping windows (the guard reads its first maxLen tokens only), and
// a category's severity is the worst over the windows. Output tokens are held back until the
// window holding them is checked, so text that gets a stream cut is never sent.
import { ApiError } from './api-error.ts';
import type { JobResult, TokenEvent } from './scheduler.ts';
import { GUARD_CATEGORIES, type GuardCategory, type GuardRole, type Severity } from '../safety/categories.ts';
import type { Guard } from '../safety/guard-model.ts';
import type { GuardPolicy } from './guard-policy.ts';

export type SeverityName = 'safe' | 'low' | 'medium' | 'high';
export type CategoryFilterResult = { filtered: boolean; severity: SeverityName } | { filtered: boolean; detected: boolean };
export type ContentFilterResults = Record<GuardCategory, CategoryFilterResult>;
export type PromptFilterResult = { prompt_index: number; content_filter_results: ContentFilterResults };
export type ModeratedResult = Omit<JobResult, 'finishReason'> & { finishReason: JobResult['finishReason'] | 'content_filter'; contentFilter?: ContentFilterResults };
export type GuardCheckHook = (role: GuardRole, blocked: boolean, seconds: number) => void;

const NAMES: Record<Severity, SeverityName> = { 0: 'safe', 2: 'low', 4: 'medium', 6: 'high' };
const INPUT_WINDOW = 256, INPUT_STRIDE = 128; // characters

/** Overlapping windows of `text`: [0, w), [s, s+w), … covering it all (one window when short). */
export function textWindows(text: string, window: number, stride: number): string[] {
  if (text.length <= window) return [text];
  const out: string[] = [];
  for (let start = 0; ; start += stride) {
    out.push(text.slice(start, start + window));
    if (start + window >= text.length) return out;
  }
}

export class Moderation {
  onCheck?: GuardCheckHook; // the server's metrics

  constructor(readonly guard: Guard, readonly policy: GuardPolicy) {}

  /** Worst severity per category over the windows of `texts`. */
  severities(texts: string[], role: GuardRole, window: number, stride: number): Record<GuardCategory, Severity> {
    const worst = Object.fromEntries(GUARD_CATEGORIES.map((c) => [c, 0])) as Record<GuardCategory, Severity>;
    const windows = texts.filter((t) => t.trim() !== '').flatMap((t) => textWindows(t, window, stride)); // no words, nothing to judge
    if (windows.length === 0) return worst;
    for (const v of this.guard.check(windows, role)) for (const c of GUARD_CATEGORIES) if (v.categories[c] > worst[c]) worst[c] = v.categories[c];
    return worst;
  }

  /** Azure-shaped results of severities under the policy, and whether any category blocks. */
  results(sev: Record<GuardCategory, Severity>): { results: ContentFilterResults; blocked: boolean } {
    const results = {} as ContentFilterResults;
    let blocked = false;
    for (const c of GUARD_CATEGORIES) {
      const rule = this.policy.categories[c];
      const hit = rule.action !== 'allow' && sev[c] >= rule.severity;
      const filtered = hit && rule.action === 'block';
      blocked ||= filtered;
      results[c] = c === 'jailbreak' ? { filtered, detected: hit } : { filtered, severity: rule.action === 'allow' ? 'safe' : NAMES[sev[c]] };
    }
    return { results, blocked };
  }

  private timed<T>(role: GuardRole, f: () => { results: ContentFilterResults; blocked: boolean } & T) {
    const t0 = performance.now();
    const r = f();
    this.onCheck?.(role, r.blocked, (performance.now() - t0) / 1000);
    return r;
  }

  /** Checks the prompts (a completion's prompts, or a chat's user messages as prompt 0) before
   *  generation; a blocked one throws OpenAI/Azure's 400 with code content_filter. A prompt given as
   *  parts (a chat's user messages) is judged by its worst part and by all parts joined: benign
   *  turns around a harmful one must not dilute it (a multi-turn attack's escalation). */
  checkInput(prompts: (string | string[])[], param: string): PromptFilterResult[] | undefined {
    if (!this.policy.input.check) return undefined;
    const out: PromptFilterResult[] = [];
    prompts.forEach((p, prompt_index) => {
      const texts = typeof p === 'string' ? [p] : p.length > 1 ? [...p, p.join('\n')] : p;
      const { results, blocked } = this.timed('prompt', () => this.results(this.severities(texts, 'prompt', INPUT_WINDOW, INPUT_STRIDE)));
      if (blocked) {
        const which = GUARD_CATEGORIES.filter((c) => results[c].filtered).join(', ');
        throw new ApiError(400, `the prompt was filtered by the server's content policy (${which})`, 'invalid_request_error', param, 'content_filter',
          { innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: results } });
      }
      out.push({ prompt_index, content_filter_results: results });
    });
    return out;
  }

  /** One choice's tokens, checked as they come: each `stride` new characters, the last `window`
   *  are checked; a blocked window stops generation (the slot is freed) and its tokens are dropped. */
  async *moderateOutput(events: AsyncGenerator<TokenEvent, JobResult>, promptTokens: number): AsyncGenerator<TokenEvent, ModeratedResult> {
    const { check, window, stride } = this.policy.output;
    if (!check) return yield* events;
    let text = '', checkedTo = 0, tokens = 0, pending: TokenEvent[] = [];
    let worst = Object.fromEntries(GUARD_CATEGORIES.map((c) => [c, 0])) as Record<GuardCategory, Severity>;
    const checkTail = () => {
      const sev = this.severities([text.slice(Math.max(0, text.length - window))], 'response', window, window);
      for (const c of GUARD_CATEGORIES) if (sev[c] > worst[c]) worst = { ...worst, [c]: sev[c] };
      checkedTo = text.length;
      return this.timed('response', () => this.results(worst));
    };
    for (;;) {
      const r = await events.next();
      if (!r.done) {
        tokens++;
        pending.push(r.value);
        text += r.value.text;
        if (text.length - checkedTo < stride) continue;
      }
      const verdict = text.length > checkedTo || r.done ? checkTail() : this.results(worst);
      if (verdict.blocked) {
        if (!r.done) await events.return({ finishReason: 'stop', promptTokens, completionTokens: tokens });
        return { finishReason: 'content_filter', promptTokens, completionTokens: tokens, contentFilter: verdict.results };
      }
      yield* pending;
      pending = [];
      if (r.done) return { ...r.value, contentFilter: verdict.results };
    }
  }
}
