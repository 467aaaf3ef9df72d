// Wren in a browser (`wren/browser`): load a model from URLs or opened files, then stream text
// with `generate` or answer a conversation with `chat`, both async iterators. The engine is the
// WASM backend on the browser host (engine/wasm-host-browser.ts): threads over shared memory in
// a cross-origin isolated Web Worker, one thread elsewhere. Generation is synchronous compute, so
// a page keeps responsive by calling this from a Web Worker (as the playground does); the
// iterators still give the event loop a turn now and then so a stop request gets through.
import { Arena } from '../engine/arena.ts';
import type { Backend } from '../engine/backend.ts';
import { createWasmBackend, type WasmBackend } from '../engine/wasm-backend.ts';
import { createBrowserKernelHost, type KernelSources } from '../engine/wasm-host-browser.ts';
import type { KernelHost, SimdLevel } from '../engine/wasm-host.ts';
import { WrenError } from '../errors.ts';
import { generate as generateSteps, type FinishReason, type GenerateStep } from '../generate/generate.ts';
import type { SamplerOptions } from '../generate/sampler.ts';
import type { LlamaModel } from '../nn/llama.ts';
import { parameterCount } from '../nn/weights.ts';
import { ggufBytesHaveChatTemplate, loadModelFromBytes, parseTokenizerFor } from '../nn/load-bytes.ts';
import { chatStopIds, encodeChat, isChatTemplate, type ChatMessage } from '../tokenizer/chat-template.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { gatherModelFiles, resolveModelBytes, type ModelSource, type NamedBytes } from './model-source.ts';

export type { ModelSource, ModelUrls, NamedBytes } from './model-source.ts';
export type { ChatMessage } from '../tokenizer/chat-template.ts';
export type { FinishReason, GenerateStep } from '../generate/generate.ts';
export { WrenError } from '../errors.ts';

/** The bundle inlines the kernels (build-bundle.ts defines this); unbundled, they are fetched beside the module. */
declare const WREN_INLINE_KERNELS: { relaxed: string; plain: string } | undefined;

function inlineKernels(): KernelSources | undefined {
  if (typeof WREN_INLINE_KERNELS === 'undefined') return undefined;
  const decode = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return { relaxed: decode(WREN_INLINE_KERNELS.relaxed), plain: decode(WREN_INLINE_KERNELS.plain) };
}

let host: KernelHost | undefined;
/** The browser's kernel host (one per page or worker). */
export function kernelHost(): KernelHost {
  host ??= createBrowserKernelHost(inlineKernels());
  return host;
}

export type LoadOptions = {
  /** compute threads; default: all cores where the page is cross-origin isolated, else 1 */
  threads?: number;
  simd?: SimdLevel;
  /** the tokenizer's URL when `source` is a lone llama2.c .bin URL */
  tokenizer?: string | URL;
};

export type ModelInfo = {
  name: string;
  kind: 'folder' | 'llama2c' | 'gguf';
  threads: number;
  /** why only one thread runs, when that is so */
  threadNote?: string;
  simd: SimdLevel;
  backend: string;
  vocabSize: number;
  contextLength: number;
  parameters: number;
  chatTemplate: boolean;
};

export type WrenModel = { model: LlamaModel; tokenizer: Tokenizer; backend: Backend; info: ModelInfo; dispose(): void };

function hasChatTemplate(file: NamedBytes | undefined): boolean {
  if (!file) return false;
  let cfg: { chat_template?: unknown };
  try {
    cfg = JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (err) {
    throw new WrenError(`tokenizer_config.json: not valid JSON (${(err as Error).message})`);
  }
  return isChatTemplate(cfg.chat_template, 'tokenizer_config.json');
}

/** Load a model (and its tokenizer) onto a fresh WASM backend. */
export async function loadModel(source: ModelSource, opts: LoadOptions = {}): Promise<WrenModel> {
  const resolved = resolveModelBytes(await gatherModelFiles(source, opts.tokenizer));
  if (!resolved.tokenizer) throw new WrenError(`${resolved.label}: no tokenizer (tokenizer.json or tokenizer.bin) came with the model`);
  const h = kernelHost();
  const cores = Math.max(1, Math.min(16, globalThis.navigator?.hardwareConcurrency ?? 1));
  const threads = opts.threads ?? Math.min(cores, h.maxThreads);
  const backend: WasmBackend = await createWasmBackend(new Arena(), threads, { host: h, simd: opts.simd });
  try {
    const model = loadModelFromBytes(resolved.files, backend);
    const tokenizer = parseTokenizerFor(resolved.tokenizer.name, resolved.tokenizer.bytes, model.config);
    const info: ModelInfo = {
      name: resolved.label, kind: resolved.files.kind, threads, threadNote: threads === 1 ? h.threadLimitReason : undefined,
      simd: backend.simd, backend: backend.description, vocabSize: model.config.vocab_size, contextLength: model.contextLength,
      parameters: parameterCount(model.config),
      chatTemplate: resolved.files.kind === 'gguf' ? ggufBytesHaveChatTemplate(resolved.files.weights, resolved.label) : hasChatTemplate(resolved.tokenizerConfig),
    };
    return { model, tokenizer, backend, info, dispose: () => backend.dispose() };
  } catch (err) {
    backend.dispose();
    throw err;
  }
}

export type GenerateOptions = SamplerOptions & {
  /** new tokens at most (default 256; never past the context) */
  maxTokens?: number;
  stop?: string[];
  /** stops generation at the next token once aborted */
  signal?: AbortSignal;
};

/** Give the event loop a turn (a message port, not setTimeout: no 4 ms clamp). */
function nextTurn(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(0);
  });
}

const TURN_MS = 30; // how long compute runs between event-loop turns

async function* stream(m: WrenModel, ids: number[], opts: GenerateOptions, stopIds?: number[]): AsyncGenerator<GenerateStep, FinishReason> {
  if (ids.length === 0) throw new WrenError('the tokenizer has no BOS token; give a non-empty prompt');
  if (ids.length > m.model.contextLength) throw new WrenError(`the prompt is ${ids.length} tokens, longer than the model's context of ${m.model.contextLength}`);
  const maxTokens = Math.min(opts.maxTokens ?? 256, m.model.contextLength - ids.length);
  const it = generateSteps(m.model, m.tokenizer, ids, { ...opts, maxTokens, stopIds });
  let turn = performance.now();
  for (;;) {
    if (opts.signal?.aborted) return 'stop';
    const r = it.next();
    if (r.done) return r.value;
    yield r.value;
    if (performance.now() - turn > TURN_MS) { await nextTurn(); turn = performance.now(); }
  }
}

/** Continue `prompt` (empty: start from BOS), one step per token as it is made. */
export function generate(m: WrenModel, prompt: string, opts: GenerateOptions = {}): AsyncGenerator<GenerateStep, FinishReason> {
  const t = m.tokenizer;
  return stream(m, t.encode(prompt, { bos: t.bosId !== undefined, special: 'text' }), opts);
}

/** The assistant's answer to `messages`, rendered with the model's chat template (a folder from `wren sft`). */
export function chat(m: WrenModel, messages: ChatMessage[], opts: GenerateOptions = {}): AsyncGenerator<GenerateStep, FinishReason> {
  if (!m.info.chatTemplate) throw new WrenError(`${m.info.name}: this model has no chat template (tokenizer_config.json as 'wren sft' writes); use generate with a prompt`);
  const { ids } = encodeChat(m.tokenizer, messages, { addGenerationPrompt: true, bos: true });
  return stream(m, ids, opts, chatStopIds(m.tokenizer));
}
