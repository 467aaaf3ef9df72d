// `--teacher` specs → teachers:
//   builtin              the offline story grammar (no key, no network)
//   openai:MODEL         OpenAI or any compatible server: base URL from --base-url or
//                        OPENAI_BASE_URL (default https://api.openai.com/v1); key from
//                        OPENAI_API_KEY (or --api-key-env NAME), required for api.openai.com
//   azure:DEPLOYMENT     Azure OpenAI: endpoint from --base-url or AZURE_OPENAI_ENDPOINT, key from
//                        AZURE_OPENAI_API_KEY, api-version from --api-version or
//                        AZURE_OPENAI_API_VERSION (default 2024-10-21)
//   ollama:MODEL         Ollama's OpenAI-compatible API at OLLAMA_HOST (default 127.0.0.1:11434)
//   gguf:PATH            a local GGUF model via the optional node-llama-cpp package
//   wren:PATH            a model Wren loads (folder, llama2.c .bin, .gguf), batched in-process
//   wren                 the bundled teacher: a Wren model trained on real TinyStories text and
//                        fine-tuned to write from seed words (models/README.md)
import { fileURLToPath } from 'node:url';
import { WrenError } from '../errors.ts';
import { createBuiltinTeacher } from './builtin.ts';
import { GgufTeacher } from './gguf.ts';
import { OpenAITeacher } from './openai.ts';
import { WrenTeacher } from './wren.ts';
import type { RateLimits } from './rate-limit.ts';
import type { Teacher } from './teacher.ts';

export const TEACHER_FORMS = 'wren, builtin, openai:MODEL, azure:DEPLOYMENT, ollama:MODEL, gguf:PATH or wren:PATH';
/** The bundled teacher's model folder (`--teacher wren`). */
export const BUNDLED_TEACHER = fileURLToPath(new URL('../../models/tinystories-teacher.gguf', import.meta.url));
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export type TeacherOptions = {
  baseUrl?: string;
  apiKeyEnv?: string;
  apiVersion?: string;
  limits?: Partial<RateLimits>;
  timeoutMs?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  pricePerMillionInput?: number;
  pricePerMillionOutput?: number;
  /** wren: teachers whose model file has no tokenizer of its own (a llama2.c .bin) */
  tokenizer?: string;
  /** wren: teachers' logit boost for a story's seed words until written (default 1.5; 0: none) */
  seedWordBias?: number;
  /** where keys and hosts are read from (default process.env) */
  env?: Record<string, string | undefined>;
};

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function checkUrl(url: string, what: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new WrenError(`${what} '${url}' is not an http(s) URL`);
  }
  return trimSlash(url);
}

export async function createTeacher(spec: string, opts: TeacherOptions = {}): Promise<Teacher> {
  const env = opts.env ?? process.env;
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  const common = {
    limits: opts.limits, timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries, backoffBaseMs: opts.backoffBaseMs,
    pricePerMillionInput: opts.pricePerMillionInput, pricePerMillionOutput: opts.pricePerMillionOutput,
  };
  const needArg = (what: string): void => {
    if (!arg) throw new WrenError(`teacher '${spec}' needs ${what} after the colon (e.g. ${kind}:${what === 'a model name' ? 'gpt-4o-mini' : what === 'a deployment name' ? 'my-deployment' : 'model.gguf'})`);
  };
  switch (kind) {
    case 'builtin':
      if (arg) throw new WrenError(`teacher 'builtin' takes no argument (got '${spec}')`);
      return createBuiltinTeacher();
    case 'openai': {
      needArg('a model name');
      const base = checkUrl(opts.baseUrl ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', 'base URL');
      const keyEnv = opts.apiKeyEnv ?? 'OPENAI_API_KEY';
      const key = env[keyEnv];
      if (!key && new URL(base).hostname === 'api.openai.com') {
        throw new WrenError(`teacher '${spec}' needs an API key: set ${keyEnv} (or name another variable with --api-key-env), or point --base-url at a server that needs none`);
      }
      return new OpenAITeacher({ ...common, id: spec, url: `${base}/chat/completions`, model: arg, headers: key ? { authorization: `Bearer ${key}` } : {} });
    }
    case 'azure': {
      needArg('a deployment name');
      const endpoint = opts.baseUrl ?? env.AZURE_OPENAI_ENDPOINT;
      if (!endpoint) throw new WrenError(`teacher '${spec}' needs the Azure endpoint: set AZURE_OPENAI_ENDPOINT (https://NAME.openai.azure.com) or pass --base-url`);
      const keyEnv = opts.apiKeyEnv ?? 'AZURE_OPENAI_API_KEY';
      const key = env[keyEnv];
      if (!key) throw new WrenError(`teacher '${spec}' needs an API key: set ${keyEnv} (or name another variable with --api-key-env)`);
      const version = opts.apiVersion ?? env.AZURE_OPENAI_API_VERSION ?? DEFAULT_AZURE_API_VERSION;
      const url = `${checkUrl(endpoint, 'Azure endpoint')}/openai/deployments/${encodeURIComponent(arg)}/chat/completions?api-version=${encodeURIComponent(version)}`;
      return new OpenAITeacher({ ...common, id: spec, url, model: arg, headers: { 'api-key': key } });
    }
    case 'ollama': {
      needArg('a model name');
      const host = env.OLLAMA_HOST ?? '127.0.0.1:11434';
      const base = checkUrl(opts.baseUrl ?? (/^https?:\/\//.test(host) ? `${host}/v1` : `http://${host}/v1`), 'Ollama URL');
      const key = opts.apiKeyEnv ? env[opts.apiKeyEnv] : undefined;
      return new OpenAITeacher({ ...common, id: spec, url: `${base}/chat/completions`, model: arg, headers: key ? { authorization: `Bearer ${key}` } : {} });
    }
    case 'gguf':
      needArg('a path to a .gguf file');
      return GgufTeacher.open(arg, { timeoutMs: opts.timeoutMs });
    case 'wren':
      if (colon >= 0) needArg('a path to a model folder, .bin or .gguf (or plain `wren` for the bundled teacher)');
      return WrenTeacher.open(arg || BUNDLED_TEACHER, { tokenizer: opts.tokenizer, parallel: Math.min(32, opts.limits?.concurrency ?? 16), seedWordBias: opts.seedWordBias });
    default:
      throw new WrenError(`unknown teacher '${spec}'; use ${TEACHER_FORMS}`);
  }
}
