// A Wren model as a teacher (`wren:PATH`: a model folder, llama2.c .bin or .gguf that Wren loads).
// Requests share the server's continuous batching: a synth run's concurrent jobs decode together
// in one forward per step, so a local model writes many stories at once. A folder with a chat
// template (from `wren sft`) answers the conversation; a base model continues the prompt text.
import { createBackend, type Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { ServedModel } from '../serve/served-model.ts';
import { emptyTeacherStats, type Teacher, type TeacherJob, type TeacherReply, type TeacherRequest, type TeacherStats } from './teacher.ts';

export type WrenTeacherOptions = { parallel?: number; threads?: number; tokenizer?: string; topP?: number };

export class WrenTeacher implements Teacher {
  readonly id: string;
  private readonly totals: TeacherStats = emptyTeacherStats();

  private constructor(private readonly model: ServedModel, private readonly backend: Backend, private readonly topP: number, path: string) {
    this.id = `wren:${path}`;
  }

  /** `parallel`: requests decoded together (default 16; a synth run's --concurrency fills them). */
  static async open(path: string, o: WrenTeacherOptions = {}): Promise<WrenTeacher> {
    const backend = await createBackend({ threads: o.threads });
    try {
      const model = ServedModel.load(path, backend, { tokenizer: o.tokenizer, parallel: o.parallel ?? 16, queueLimit: 1 << 20 });
      return new WrenTeacher(model, backend, o.topP ?? 0.9, path);
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
    const prompt = m.hasChatTemplate ? m.encodeChat(request.messages) : {
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

  stats(): TeacherStats {
    return { ...this.totals };
  }

  async close(): Promise<void> {
    this.backend.dispose();
  }
}
