// Which files make up a model, for a browser: a folder's URL, a list of file URLs (what the
// playground server lists), or files the user opened (File objects: a folder or a .bin pair).
// Everything becomes named bytes, then the same rules as nn/load.ts pick the model's parts:
//   config.json + model.safetensors [+ tokenizer.json | tokenizer.bin] [+ tokenizer_config.json]
//   a llama2.c checkpoint .bin + its tokenizer .bin (the larger .bin is the checkpoint)
//   a .gguf file (F32, F16, Q8_0, Q4_0), its tokenizer and chat template inside
import { WrenError } from '../errors.ts';
import type { ModelBytes } from '../nn/load-bytes.ts';

export type NamedBytes = { name: string; bytes: Uint8Array };

/** File URLs of one model (relative URLs resolve against the page). */
export type ModelUrls = { kind: 'folder' | 'llama2c' | 'gguf'; weights: string; config?: string; tokenizer?: string; tokenizerConfig?: string };

/** Anything loadModel takes: a folder URL (ending in /), a .bin/.safetensors URL, file URLs, opened files, or bytes. */
export type ModelSource = string | URL | ModelUrls | ArrayLike<File> | NamedBytes[];

export type ResolvedModel = { files: ModelBytes; tokenizer?: NamedBytes; tokenizerConfig?: NamedBytes; label: string };

async function fetchBytes(url: string | URL, optional = false): Promise<Uint8Array | undefined> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new WrenError(`cannot fetch ${String(url)}: ${(err as Error).message}`);
  }
  if (optional && res.status === 404) return undefined;
  if (!res.ok) throw new WrenError(`cannot fetch ${String(url)}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;

function isFileList(x: unknown): x is ArrayLike<File> {
  return typeof File !== 'undefined' && typeof x === 'object' && x !== null && 'length' in x
    && (x as ArrayLike<unknown>).length > 0 && (x as ArrayLike<unknown>)[0] instanceof File;
}

/** Fetch or read every file of `source` into named bytes. */
export async function gatherModelFiles(source: ModelSource, tokenizerUrl?: string | URL): Promise<NamedBytes[]> {
  if (Array.isArray(source) && (source.length === 0 || 'bytes' in source[0])) return source as NamedBytes[];
  if (isFileList(source)) {
    return Promise.all(Array.from(source, async (f) => ({ name: baseName(f.name), bytes: new Uint8Array(await f.arrayBuffer()) })));
  }
  const out: NamedBytes[] = [];
  const add = async (url: string | URL | undefined, name?: string, optional = false) => {
    if (url === undefined) return;
    const bytes = await fetchBytes(url, optional);
    if (bytes) out.push({ name: name ?? baseName(new URL(url, globalThis.location?.href).pathname), bytes });
  };
  if (typeof source === 'object' && !(source instanceof URL) && 'weights' in source) {
    const u = source as ModelUrls;
    await add(u.weights, { folder: 'model.safetensors', llama2c: 'model.bin', gguf: 'model.gguf' }[u.kind]);
    await add(u.config, 'config.json');
    await add(u.tokenizer ?? tokenizerUrl, u.tokenizer ? tokenizerName(u.tokenizer) : undefined);
    await add(u.tokenizerConfig, 'tokenizer_config.json', true);
    return out;
  }
  const url = String(source);
  if (url.endsWith('/')) {
    await add(new URL('config.json', new URL(url, globalThis.location?.href)), 'config.json');
    await add(new URL('model.safetensors', new URL(url, globalThis.location?.href)), 'model.safetensors');
    await add(new URL('tokenizer_config.json', new URL(url, globalThis.location?.href)), 'tokenizer_config.json', true);
    const json = await fetchBytes(new URL('tokenizer.json', new URL(url, globalThis.location?.href)), true);
    if (json) out.push({ name: 'tokenizer.json', bytes: json });
    else await add(tokenizerUrl ?? new URL('tokenizer.bin', new URL(url, globalThis.location?.href)), 'tokenizer.bin', tokenizerUrl === undefined);
    return out;
  }
  await add(url);
  await add(tokenizerUrl);
  return out;
}

function tokenizerName(url: string): string {
  return url.endsWith('.json') ? 'tokenizer.json' : 'tokenizer.bin';
}

/** Pick the model's parts out of `files`, or say clearly why they are not a model. */
export function resolveModelBytes(files: NamedBytes[]): ResolvedModel {
  const byName = new Map(files.map((f) => [f.name, f]));
  const names = files.map((f) => f.name);
  const listed = names.length ? names.join(', ') : 'no files';
  const config = byName.get('config.json');
  const safetensors = files.filter((f) => f.name.endsWith('.safetensors'));
  const tokenizerConfig = byName.get('tokenizer_config.json');
  const ggufs = files.filter((f) => f.name.endsWith('.gguf'));
  if (ggufs.length > 1) throw new WrenError(`open one .gguf file at a time (got ${ggufs.map((f) => f.name).join(', ')})`);
  if (ggufs.length === 1) {
    const [gguf] = ggufs;
    const tokenizer = byName.get('tokenizer.json') ?? byName.get('tokenizer.bin') ?? gguf; // one given beside it overrides the one inside
    return { files: { kind: 'gguf', weights: gguf.bytes, weightsName: gguf.name }, tokenizer, label: gguf.name };
  }
  if (config || safetensors.length) {
    if (!config) throw new WrenError(`the model folder has no config.json (got ${listed})`);
    const weights = byName.get('model.safetensors') ?? (safetensors.length === 1 ? safetensors[0] : undefined);
    if (!weights) throw new WrenError(`the model folder has config.json but no model.safetensors (got ${listed})`);
    const tokenizer = byName.get('tokenizer.json') ?? byName.get('tokenizer.bin');
    return {
      files: { kind: 'folder', config: config.bytes, configName: 'config.json', weights: weights.bytes, weightsName: weights.name },
      tokenizer, tokenizerConfig, label: weights.name,
    };
  }
  const bins = files.filter((f) => f.name.endsWith('.bin')).sort((a, b) => b.bytes.length - a.bytes.length);
  if (bins.length === 0) {
    throw new WrenError(`not a model: expected a folder with config.json + model.safetensors, a .gguf file, or a llama2.c .bin with its tokenizer .bin (got ${listed})`);
  }
  const [weights, ...rest] = bins;
  const tokenizer = byName.get('tokenizer.json') ?? rest[0];
  if (!tokenizer) throw new WrenError(`${weights.name}: a llama2.c checkpoint needs its tokenizer (.bin or tokenizer.json) opened with it`);
  return { files: { kind: 'llama2c', weights: weights.bytes, weightsName: weights.name }, tokenizer, label: weights.name };
}
