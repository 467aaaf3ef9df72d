// A model the server holds: weights, tokenizer, how chats become prompts, and its scheduler.
// Names come from the command line (or the file/folder name); a request's `model` is looked up
// among them only, never used as a path.
import { basename, extname } from 'node:path';
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { defaultStopIds } from '../generate/generate.ts';
import { MAX_BATCH_ROWS } from '../nn/llama.ts';
import { loadModel, loadTokenizerFor, modelHasChatTemplate, type ModelFiles } from '../nn/load.ts';
import { chatStopIds, encodeChat, IM_END, renderChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { Scheduler } from './scheduler.ts';

export type ServedModelOptions = { name?: string; tokenizer?: string; parallel: number; queueLimit: number };

export type ChatPrompt = { ids: number[]; stopIds: number[]; stop: string[] };

export class ServedModel {
  readonly created = Math.floor(Date.now() / 1000);
  /** True when the model has a chat template ('wren sft', or a GGUF exported from one); otherwise chats are ChatML as plain text. */
  readonly hasChatTemplate: boolean;

  constructor(
    readonly name: string,
    readonly path: string,
    readonly files: ModelFiles,
    readonly tokenizerPath: string,
    readonly tokenizer: Tokenizer,
    readonly scheduler: Scheduler,
  ) {
    this.hasChatTemplate = modelHasChatTemplate(files);
  }

  static load(path: string, backend: Backend, o: ServedModelOptions): ServedModel {
    const { model, files } = loadModel(path, backend, { maxRows: MAX_BATCH_ROWS });
    const tokenizerPath = o.tokenizer ?? files.tokenizer;
    if (!tokenizerPath) throw new WrenError(`${path}: no tokenizer in the model folder; pass --tokenizer PATH`);
    const tokenizer = loadTokenizerFor(tokenizerPath, model.config);
    const name = o.name ?? defaultName(path);
    return new ServedModel(name, path, files, tokenizerPath, tokenizer, new Scheduler(model, tokenizer, { parallel: o.parallel, queueLimit: o.queueLimit }));
  }

  get contextLength(): number {
    return this.scheduler.model.contextLength;
  }

  /** Token ids of a completion prompt: text after BOS (as `wren generate` does), or ids as given. */
  encodePrompt(prompt: string | number[]): number[] {
    if (typeof prompt !== 'string') return prompt;
    const ids = this.tokenizer.encode(prompt, { bos: this.tokenizer.bosId !== undefined, special: 'text' });
    if (ids.length === 0) throw new WrenError('the prompt is empty and this tokenizer has no BOS token to start from');
    return ids;
  }

  get stopIds(): number[] {
    return defaultStopIds(this.tokenizer);
  }

  /** The chat as the model was taught it: its template's tokens, or ChatML text for a plain LM. */
  encodeChat(messages: ChatMessage[]): ChatPrompt {
    if (this.hasChatTemplate) {
      return { ids: encodeChat(this.tokenizer, messages, { addGenerationPrompt: true, bos: true }).ids, stopIds: chatStopIds(this.tokenizer), stop: [] };
    }
    const ids = this.tokenizer.encode(renderChat(messages, { addGenerationPrompt: true }), { bos: this.tokenizer.bosId !== undefined, special: 'text' });
    return { ids, stopIds: this.stopIds, stop: [IM_END] };
  }
}

function defaultName(path: string): string {
  const base = basename(path.replace(/[/\\]+$/, ''));
  const ext = extname(base);
  return ext === '.bin' || ext === '.gguf' || ext === '.safetensors' ? base.slice(0, -ext.length) : base;
}
