// The `llm` policy (RouteLLM's causal-LLM router, asked through an API): a large model rates how
// well an assistant could answer the prompt, 1–5, with RouteLLM's prompt (system_ft_v5.txt and
// classifier_ft_v5.txt from lm-sys/RouteLLM, Apache-2.0; copies in ../shared/data/router, checked
// by a test). RouteLLM sends a prompt to the strong model when P(rating ≥ 4) is low; an API that
// returns text gives one rating r, and the score is (5 − r) / 4, so at threshold 0.5 a rating of
// 1–3 goes to the strong model and 4–5 to the weak one, as RouteLLM's score_threshold = 4 does.
// A reply with no [[1]]…[[5]] scores 1 (RouteLLM routes an invalid output to the strong model).
// Ratings are cached in the router folder (llm-cache.jsonl, keyed by client and prompt), so a
// prompt is paid for once; the client bounds concurrency and rate (src/llm/rate-limit.ts).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { WrenError } from '../../errors.ts';
import { AppendLog, readLog } from '../../formats/append-log.ts';
import type { Teacher } from '../../llm/teacher.ts';
import type { Router } from '../router.ts';

export const ROUTELLM_SYSTEM_PROMPT = `[Instruction]
Based on the question provided below, predict the score an expert evaluator would give to an AI assistant's response, considering its helpfulness, relevance, adherence to facts, depth, creativity, and detail. Your prediction should infer the level of proficiency needed to address the question effectively. Use a scale from 1 to 5, where a higher score indicates a higher anticipated quality of response. Provide your prediction as: "[[predicted rating]]".

Score criteria:
- **4-5**: The AI assistant can produce a very strong answer, showing deep understanding, creativity, detailed insight, and high relevance.
- **3**: The AI assistant can provide an adequate answer with moderate detail, relevance, and factual accuracy.
- **1-2**: The AI assistant will struggle to produce a strong answer due to the question's difficulty, vagueness, or the assistant's limitations.
`;
export const ROUTELLM_CLASSIFIER_PROMPT = `[Question]
{question}

Prediction:
`;

/** The rating in a reply: the first [[1]]…[[5]], or undefined. */
export function parseRating(text: string): number | undefined {
  const m = /\[\[([1-5])\]\]/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export const ratingScore = (r: number | undefined): number => (r === undefined ? 1 : (5 - r) / 4);

type CacheEntry = { key: string; rating: number | null; reply: string };

export class LlmRouter implements Router {
  readonly policy = 'llm';
  private readonly cache = new Map<string, number | null>();
  private readonly pending = new Map<string, Promise<number | null>>();
  private log: AppendLog | undefined;
  requests = 0;

  constructor(readonly client: Teacher, cacheFile?: string) {
    if (cacheFile) {
      readLog(cacheFile, 'line').records.forEach((bytes, i) => {
        let e: CacheEntry;
        try {
          e = JSON.parse(bytes.toString('utf8'));
        } catch {
          throw new WrenError(`${cacheFile}:${i + 1}: not a JSON cache entry; fix or delete that line`);
        }
        if (typeof e.key === 'string') this.cache.set(e.key, e.rating);
      });
      this.log = AppendLog.open(cacheFile, 'line');
    }
  }

  static cacheFile(routerDir: string): string {
    return join(routerDir, 'llm-cache.jsonl');
  }

  private keyOf(prompt: string): string {
    return createHash('sha256').update(this.client.id).update('\0').update(prompt).digest('hex').slice(0, 32);
  }

  /** The model's 1–5 rating of `prompt` (undefined when its reply had none), cached. */
  async rate(prompt: string): Promise<number | undefined> {
    const key = this.keyOf(prompt);
    if (this.cache.has(key)) return this.cache.get(key) ?? undefined;
    let p = this.pending.get(key);
    if (!p) {
      p = this.ask(key, prompt).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return (await p) ?? undefined;
  }

  private async ask(key: string, prompt: string): Promise<number | null> {
    this.requests++;
    const reply = await this.client.complete({
      messages: [{ role: 'system', content: ROUTELLM_SYSTEM_PROMPT }, { role: 'user', content: ROUTELLM_CLASSIFIER_PROMPT.replace('{question}', prompt) }],
      maxTokens: 16, temperature: 0, seed: 0,
    });
    const rating = parseRating(reply.text) ?? null;
    this.cache.set(key, rating);
    this.log?.append(JSON.stringify({ key, rating, reply: reply.text.slice(0, 200).replace(/\n/g, ' ') } satisfies CacheEntry));
    return rating;
  }

  async scoreAll(prompts: string[]): Promise<number[]> {
    return Promise.all(prompts.map(async (p) => ratingScore(await this.rate(p))));
  }

  async close(): Promise<void> {
    this.log?.close();
    this.log = undefined;
    await this.client.close();
  }
}
