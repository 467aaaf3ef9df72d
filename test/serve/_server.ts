// A real `wren serve` stack on 127.0.0.1 (port 0) over stories260K, in this process.
import { createBackend } from '../../src/engine/backend.ts';
import { ServedModel } from '../../src/serve/served-model.ts';
import { WrenServer, type ServerOptions } from '../../src/serve/server.ts';
import { sharedFile } from '../_helpers.ts';

export const stories = sharedFile('llama2c-stories260K/stories260K.bin');
export const storiesTok = sharedFile('llama2c-stories260K/tok512.bin');
export const skip = stories.skip || storiesTok.skip;

export type Running = { url: string; server: WrenServer; model: ServedModel; close(): Promise<void> };

export async function startServer(o: { parallel?: number; queue?: number } & Omit<ServerOptions, 'models'> = {}): Promise<Running> {
  const backend = await createBackend({ threads: 2 });
  const model = ServedModel.load(stories.path, backend, { tokenizer: storiesTok.path, parallel: o.parallel ?? 4, queueLimit: o.queue ?? 64 });
  const server = new WrenServer({ ...o, models: [model] });
  const url = await server.listen(0, '127.0.0.1');
  return { url, server, model, close: async () => { await server.drain(1000); backend.dispose(); } };
}

/** POST a JSON body (or raw text) and read the JSON answer. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, json: await r.json(), headers: r.headers };
}

/** The `data:` payloads of an SSE response, [DONE] included. */
export async function sse(res: Response): Promise<string[]> {
  const text = await res.text();
  return text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
}
