// A Wren model as a teacher (`wren:PATH`: a model folder, llama2.c .bin or .gguf that Wren loads).
// Requests share the server's continuous batching: a synth run's concurrent jobs decode together
// in one forward per step, so a local model writes many stories at once. A folder with a chat
// template (from `wren sft`) answers the conversation; a base model continues the prompt text.
// A story job is asked for in the short request Wren's chat models are trained on
// (storyRequest: `wren data chat`), not in the original TinyStories prompt, whose 80 tokens a
// small model's context cannot spare beside a story.
import { createBackend, type Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { ServedModel } from '../serve/served-model.ts';
import { storyRequest } from '../data/synth/chat-examples.ts';
import { defaultVocabulary, wordForms } from '../data/seeds/vocabulary.ts';
import { SeedWordBoost } from '../generate/seed-word-boost.ts';
import { emptyTeacherStats, type StorySeeds, type Teacher, type TeacherJob, type TeacherReply, type TeacherRequest, type TeacherStats } from './teacher.ts';

/** `seedWordBias`: logit boost for a story's seed words until each is written (0: none; SeedWordBoost).
 *  `topP`: 1 by default, so the teacher samples its whole distribution at the request's temperature:
 *  a student learns the teacher's distribution, and a cut nucleus makes it narrower than real text
 *  (the quickstart's student, on the recipe's real held-out split: 1.519 bits per byte from top-p
 *  0.9 stories, 1.438 from top-p 1; docs/recipes.md). */
export type WrenTeacherOptions = { parallel?: number; threads?: number; tokenizer?: string; topP?: number; seedWordBias?: number };

// Chosen on 200 prompts of seed stream 424242 (bias 1–3, ramp 0–0.08) and checked on a fresh stream (docs/recipes.md).
export const DEFAULT_SEED_WORD_BIAS = 1.5, SEED_WORD_RAMP = 0.05;

export class WrenTeacher implements Teacher {
  readonly id: string;
  private readonly totals: TeacherStats = emptyTeacherStats();

  private constructor(private readonly model: ServedModel, private readonly backend: Backend, private readonly topP: number, private readonly seedWordBias: number, path: string) {
    this.id = `wren:${path}`;
  }

  /** `parallel`: requests decoded together (default 16; a synth run's --concurrency fills them). */
  static async open(path: string, o: WrenTeacherOptions = {}): Promise<WrenTeacher> {
    const backend = await createBackend({ threads: o.threads });
    try {
      const model = ServedModel.load(path, backend, { tokenizer: o.tokenizer, parallel: o.parallel ?? 16, queueLimit: 1 << 20 });
      return new WrenTeacher(model, backend, o.topP ?? 1, o.seedWordBias ?? DEFAULT_SEED_WORD_BIAS, path);
    } catch (err) {
      backend.dispose();
      throw err;
    }
  }

  supports(_kind: TeacherJob['kind']): boolean {
    return true;
  }

  async complete(request: TeacherRequest): Promise<TeacherReply> {
    const m = this.model;
    const messages = request.job?.kind === 'story' && m.hasChatTemplate ? [{ role: 'user' as const, content: storyRequest(request.job.seeds) }] : request.messages;
    const prompt = m.hasChatTemplate ? m.encodeChat(messages) : {
      ids: m.encodePrompt(request.messages.map((x) => x.content).join('\n\n')), stopIds: m.stopIds, stop: [] as string[],
    };
    if (prompt.ids.length >= m.contextLength) {
      this.totals.failures++;
      throw new WrenError(`${this.id}: the prompt is ${prompt.ids.length} tokens; the model's context is ${m.contextLength}`);
    }
    const [events] = m.scheduler.submit([{
      promptIds: prompt.ids, maxTokens: request.maxTokens ?? m.contextLength,
      sampling: { temperature: request.temperature ?? 1, topP: this.topP, seed: request.seed ?? Math.floor(Math.random() * 2 ** 31) },
      stop: prompt.stop, stopIds: prompt.stopIds, topLogprobs: null,
      rule: request.job?.kind === 'story' && this.seedWordBias > 0 ? this.boostFor(request.job.seeds, prompt.stopIds) : undefined,
    }], request.signal);
    let text = '';
    try {
      for (;;) {
        const r = await events.next();
        if (r.done) {
          const usage = { promptTokens: r.value.promptTokens, completionTokens: r.value.completionTokens };
          this.totals.requests++;
          this.totals.promptTokens += usage.promptTokens;
          this.totals.completionTokens += usage.completionTokens;
          return { text, usage, model: this.id, finishReason: r.value.finishReason };
        }
        text += r.value.text;
      }
    } catch (err) {
      this.totals.failures++;
      throw err;
    }
  }

  private boostFor(seeds: StorySeeds, stopIds: number[]): SeedWordBoost {
    const vocab = defaultVocabulary();
    return new SeedWordBoost(this.model.tokenizer, (['verb', 'noun', 'adjective'] as const).map((pos) => wordForms(vocab, seeds[pos], pos)), this.seedWordBias, SEED_WORD_RAMP, stopIds);
  }

  stats(): TeacherStats {
    return { ...this.totals };
  }

  async close(): Promise<void> {
    this.backend.dispose();
  }
}
