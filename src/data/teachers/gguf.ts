// A teacher that runs a local GGUF model through node-llama-cpp (3.21.1), an optional package
// loaded only when a gguf: teacher is asked for, so Wren installs and runs without it.
import { existsSync } from 'node:fs';
import { WrenError } from '../../errors.ts';
import { estimateTokens } from './teacher.ts';
import { emptyTeacherStats, type Teacher, type TeacherJob, type TeacherReply, type TeacherRequest, type TeacherStats } from './teacher.ts';

export const NODE_LLAMA_CPP_VERSION = '3.21.1';
const INSTALL_HINT = `install it with: npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`;

// The slice of node-llama-cpp's API this file uses (typed here, since the package is optional).
type LlamaChatSession = { prompt(text: string, opts: { maxTokens?: number; temperature?: number; seed?: number; signal?: AbortSignal }): Promise<string>; dispose?(): void };
type LlamaContext = { getSequence(): unknown; dispose(): Promise<void> };
type LlamaModel = { createContext(opts?: { contextSize?: number }): Promise<LlamaContext>; dispose(): Promise<void> };
type NodeLlamaCpp = {
  getLlama(): Promise<{ loadModel(opts: { modelPath: string }): Promise<LlamaModel> }>;
  LlamaChatSession: new (opts: { contextSequence: unknown; systemPrompt?: string }) => LlamaChatSession;
};

/** Loads node-llama-cpp, or says how to install it. `load` is replaceable for tests. */
export async function loadNodeLlamaCpp(load: () => Promise<unknown> = () => import(/* optional */ 'node-llama-' + 'cpp')): Promise<NodeLlamaCpp> {
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

export class GgufTeacher implements Teacher {
  readonly id: string;
  private readonly totals: TeacherStats = emptyTeacherStats();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: unknown,
    path: string,
  ) {
    this.id = `gguf:${path}`;
  }

  static async open(path: string, opts: { contextSize?: number } = {}): Promise<GgufTeacher> {
    if (!existsSync(path)) throw new WrenError(`gguf teacher: no model file at ${path}`);
    const lib = await loadNodeLlamaCpp();
    const llama = await lib.getLlama();
    const model = await llama.loadModel({ modelPath: path });
    const context = await model.createContext({ contextSize: opts.contextSize ?? 4096 });
    return new GgufTeacher(lib, model, context, context.getSequence(), path);
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
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n') || undefined;
    const user = request.messages.filter((m) => m.role !== 'system').map((m) => m.content).join('\n\n');
    // a fresh session per request on the one sequence (sessions do not dispose it by default):
    // no chat history leaks from one story into the next
    const session = new this.lib.LlamaChatSession({ contextSequence: this.sequence, systemPrompt: system });
    try {
      const text = await session.prompt(user, { maxTokens: request.maxTokens, temperature: request.temperature, seed: request.seed, signal: request.signal });
      const usage = { promptTokens: estimateTokens(user), completionTokens: estimateTokens(text) };
      this.totals.requests++;
      this.totals.promptTokens += usage.promptTokens;
      this.totals.completionTokens += usage.completionTokens;
      return { text, usage, model: this.id, finishReason: 'stop' };
    } catch (err) {
      this.totals.failures++;
      throw err;
    } finally {
      session.dispose?.();
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
