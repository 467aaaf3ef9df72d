// The large model behind `wren serve --large`: any OpenAI-compatible chat endpoint, reached
// through the shared client (src/llm/openai.ts) with its rate limits and, for serving, a short
// timeout and no retries by default, so a failing large model falls back at once.
//   openai:MODEL | azure:DEPLOYMENT | ollama:MODEL   as src/llm/create.ts reads them
//   http(s)://HOST[:PORT]/v1                          a server (e.g. another `wren serve`); the
//                                                     request's model is --large-model, or none
import { WrenError } from '../errors.ts';
import { createTeacher } from '../llm/create.ts';
import { OpenAITeacher } from '../llm/openai.ts';

export type LargeModelOptions = { model?: string; timeoutMs?: number; retries?: number; baseUrl?: string; concurrency?: number };

export type LargeModel = { name: string; client: OpenAITeacher };

export async function openLargeModel(spec: string, o: LargeModelOptions = {}): Promise<LargeModel> {
  const common = { timeoutMs: o.timeoutMs ?? 60_000, maxRetries: o.retries ?? 0, backoffBaseMs: 250, limits: { concurrency: o.concurrency ?? 64 } };
  if (/^https?:\/\//.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new WrenError(`--large '${spec}' is not a URL`);
    }
    const base = url.href.replace(/\/+$/, '');
    const client = new OpenAITeacher({ ...common, id: `large:${base}`, url: `${base}/chat/completions`, model: o.model ?? '', headers: {} });
    return { name: o.model ?? url.host, client };
  }
  if (!/^(openai|azure|ollama):./.test(spec)) throw new WrenError(`--large must be openai:MODEL, azure:DEPLOYMENT, ollama:MODEL or an http(s) URL of an OpenAI-compatible server, got '${spec}'`);
  const client = await createTeacher(spec, { ...common, baseUrl: o.baseUrl });
  if (!(client instanceof OpenAITeacher)) throw new WrenError(`--large ${spec}: not an OpenAI-compatible client`);
  return { name: spec.slice(spec.indexOf(':') + 1), client };
}
