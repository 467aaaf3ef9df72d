// A teacher that runs a local GGUF model through node-llama-cpp (3.22), an optional package
// loaded only when a gguf: teacher is asked for, so Wren installs and runs without it.
// A model with a chat template answers through a chat session; a base model (no template, e.g.
// a TinyStories model) continues the prompt as plain text. The context is sized from the model
// (never past what it was trained on), every request has a timeout, usage is the model's own
// token counts, and a reply cut at maxTokens says finish_reason 'length'.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WrenError } from '../errors.ts';
import { readGguf } from '../formats/gguf.ts';
import { emptyTeacherStats, type Teacher, type TeacherJob, type TeacherReply, type TeacherRequest, type TeacherStats } from './teacher.ts';

export const NODE_LLAMA_CPP_VERSION = '3.22.1';
const INSTALL_HINT = `install it with: npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION} (or point WREN_NODE_LLAMA_CPP at a node_modules folder holding it)`;

// The slice of node-llama-cpp's API this file uses (typed here, since the package is optional).
type StopReason = 'eogToken' | 'stopGenerationTrigger' | 'maxTokens' | 'abort' | 'customStopTrigger' | 'functionCalls';
type GenerateOptions = { maxTokens?: number; temperature?: number; seed?: number; signal?: AbortSignal; onToken?: (tokens: number[]) => void };
type LlamaChatSession = { promptWithMeta(text: string, opts: GenerateOptions): Promise<{ responseText: string; stopReason: StopReason }>; dispose(): void };
type LlamaCompletion = { generateCompletionWithMeta(text: string, opts: GenerateOptions): Promise<{ response: string; metadata: { stopReason: StopReason } }>; dispose(): void };
type LlamaContext = { getSequence(): unknown; dispose(): Promise<void> };
type LlamaModel = {
  trainContextSize: number;
  fileInfo: { metadata: { tokenizer?: { chat_template?: string } } };
  tokenize(text: string): number[];
  createContext(opts?: { contextSize?: number }): Promise<LlamaContext>;
  dispose(): Promise<void>;
};
type NodeLlamaCpp = {
  getLlama(): Promise<{ loadModel(opts: { modelPath: string }): Promise<LlamaModel> }>;
  LlamaChatSession: new (opts: { contextSequence: unknown; systemPrompt?: string }) => LlamaChatSession;
  LlamaCompletion: new (opts: { contextSequence: unknown }) => LlamaCompletion;
};

/** node-llama-cpp from the folder WREN_NODE_LLAMA_CPP names (a node_modules holding it, installed
 *  apart from this project), else as the project resolves it. */
function importNodeLlamaCpp(): Promise<unknown> {
  const dir = process.env.WREN_NODE_LLAMA_CPP;
  if (!dir) return import(/* optional */ 'node-llama-' + 'cpp');
  return import(pathToFileURL(createRequire(join(dir, 'wren.js')).resolve('node-llama-cpp')).href);
}

/** Loads node-llama-cpp, or says how to install it. `load` is replaceable for tests. */
export async function loadNodeLlamaCpp(load: () => Promise<unknown> = importNodeLlamaCpp): Promise<NodeLlamaCpp> {
  try {
    return (await load()) as NodeLlamaCpp;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new WrenError(`the gguf teacher needs the optional package node-llama-cpp, which is not installed; ${INSTALL_HINT}`);
    }
    throw new WrenError(`node-llama-cpp failed to load (${(err as Error).message}); ${INSTALL_HINT}`);
  }
}

export type GgufTeacherOptions = {
  contextSize?: number;  // tokens; default 4096, never more than the model was trained on
  timeoutMs?: number;    // per request (default 120 s)
  load?: () => Promise<unknown>;
};

export class GgufTeacher implements Teacher {
  readonly id: string;
  private readonly totals: TeacherStats = emptyTeacherStats();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: unknown,
    private readonly timeoutMs: number,
    readonly contextSize: number,
    path: string,
  ) {
    this.id = `gguf:${path}`;
  }

  static async open(path: string, opts: GgufTeacherOptions = {}): Promise<GgufTeacher> {
    if (!existsSync(path)) throw new WrenError(`gguf teacher: no model file at ${path}`);
    readGguf(path, { metadataOnly: true }); // a damaged file gets Wren's clear error, not llama.cpp's
    const lib = await loadNodeLlamaCpp(opts.load);
    const llama = await lib.getLlama();
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: path });
    } catch (err) {
      throw new WrenError(`gguf teacher: llama.cpp could not load ${path}: ${(err as Error).message}`);
    }
    const contextSize = Math.min(opts.contextSize ?? 4096, model.trainContextSize);
    const context = await model.createContext({ contextSize });
    return new GgufTeacher(lib, model, context, context.getSequence(), opts.timeoutMs ?? 120_000, contextSize, path);
  }

  supports(_kind: TeacherJob['kind']): boolean {
    return true;
  }

  /** One request at a time: a context sequence serves one conversation. */
  complete(request: TeacherRequest): Promise<TeacherReply> {
    const run = this.queue.then(() => this.completeNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async completeNow(request: TeacherRequest): Promise<TeacherReply> {
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    const user = request.messages.filter((m) => m.role !== 'system').map((m) => m.content).join('\n\n');
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let completionTokens = 0;
    const opts: GenerateOptions = {
      maxTokens: request.maxTokens, temperature: request.temperature, seed: request.seed,
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
      onToken: (tokens) => { completionTokens += tokens.length; },
    };
    const chat = this.model.fileInfo.metadata.tokenizer?.chat_template !== undefined;
    // A fresh session per request on the one sequence: no history leaks from one job into the next.
    const session = chat
      ? new this.lib.LlamaChatSession({ contextSequence: this.sequence, systemPrompt: system || undefined })
      : new this.lib.LlamaCompletion({ contextSequence: this.sequence });
    const promptText = chat ? user : [system, user].filter(Boolean).join('\n\n');
    try {
      const { text, stopReason } = 'promptWithMeta' in session
        ? await session.promptWithMeta(promptText, opts).then((r) => ({ text: r.responseText, stopReason: r.stopReason }))
        : await session.generateCompletionWithMeta(promptText, opts).then((r) => ({ text: r.response, stopReason: r.metadata.stopReason }));
      if (timeout.aborted) throw new WrenError(`gguf teacher: no answer within ${this.timeoutMs / 1000} s`);
      const usage = { promptTokens: this.model.tokenize(promptText).length, completionTokens };
      this.totals.requests++;
      this.totals.promptTokens += usage.promptTokens;
      this.totals.completionTokens += usage.completionTokens;
      return { text, usage, model: this.id, finishReason: stopReason === 'maxTokens' ? 'length' : 'stop' };
    } catch (err) {
      this.totals.failures++;
      if (timeout.aborted && !request.signal?.aborted) throw new WrenError(`gguf teacher: no answer within ${this.timeoutMs / 1000} s`);
      throw err;
    } finally {
      session.dispose();
    }
  }

  stats(): TeacherStats {
    return { ...this.totals };
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}
