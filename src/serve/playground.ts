// The playground's routes, registered by `wren serve` before its /v1 routes:
//   GET /                                 the page (web/playground/index.html)
//   GET /playground/{app,sse,engine-worker}.js, style.css   its static files
//   GET /playground/wren-browser.js       the engine bundle (built on first request, kept in memory)
//   GET /playground/models.json           the loaded models whose files a page can run itself
//   GET /playground/models/:name/:file    those files, by role (model.safetensors, config.json, …)
// Every response carries COOP/COEP so the page is cross-origin isolated (threads over shared
// memory). Model files are named only by the server's loaded set, never by a client path. The
// page and its assets are public (config.public: an API key, when the server has one, is not
// asked for them); the model list and files follow the server's API-key rule like /v1.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { browserBundle } from '../browser/build-bundle.ts';

export type PlaygroundModel = { name: string; files: { weights: string; config?: string; tokenizer?: string; kind: 'folder' | 'llama2c' | 'gguf' } };
export type PlaygroundContext = { models: PlaygroundModel[] };
export type PlaygroundOptions = { /** send COOP/COEP (default true); false serves the page as a plain static host would */ crossOriginIsolation?: boolean };

const webDir = fileURLToPath(new URL('../../web/playground/', import.meta.url));
const STATIC: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'sse.js': 'text/javascript; charset=utf-8',
  'engine-worker.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** The files of one model a page may fetch, by the name it fetches them under. */
export function servedModelFiles(m: PlaygroundModel): Map<string, string> {
  const f = m.files, out = new Map<string, string>();
  const tokenizerName = (p: string) => (p.endsWith('.json') ? 'tokenizer.json' : 'tokenizer.bin');
  if (f.kind === 'folder') {
    out.set('model.safetensors', f.weights);
    if (f.config) {
      out.set('config.json', f.config);
      const tc = join(dirname(f.config), 'tokenizer_config.json');
      if (existsSync(tc)) out.set('tokenizer_config.json', tc);
    }
  } else if (f.kind === 'llama2c') {
    out.set('model.bin', f.weights);
  } else {
    out.set('model.gguf', f.weights); // its tokenizer and chat template are inside
  }
  if (f.tokenizer && f.tokenizer !== f.weights) out.set(tokenizerName(f.tokenizer), f.tokenizer);
  return out;
}

/** What GET /playground/models.json lists: file URLs relative to the page. */
export function playgroundModelList(ctx: PlaygroundContext): { models: { name: string; kind: string; files: Record<string, string> }[] } {
  const models = [];
  for (const m of ctx.models) {
    const served = servedModelFiles(m);
    if (!m.files.tokenizer) continue;
    const url = (file: string) => `playground/models/${encodeURIComponent(m.name)}/${file}`;
    const files: Record<string, string> = { kind: m.files.kind, weights: url({ folder: 'model.safetensors', llama2c: 'model.bin', gguf: 'model.gguf' }[m.files.kind]) };
    if (served.has('config.json')) files.config = url('config.json');
    for (const t of ['tokenizer.json', 'tokenizer.bin']) if (served.has(t)) files.tokenizer = url(t);
    if (served.has('tokenizer_config.json')) files.tokenizerConfig = url('tokenizer_config.json');
    models.push({ name: m.name, kind: m.files.kind, files });
  }
  return { models };
}

function isolate(reply: FastifyReply, on: boolean): FastifyReply {
  if (on) reply.header('cross-origin-opener-policy', 'same-origin').header('cross-origin-embedder-policy', 'require-corp');
  return reply.header('cross-origin-resource-policy', 'same-origin').header('cache-control', 'no-cache');
}

export async function registerPlayground(app: FastifyInstance, ctx: PlaygroundContext, opts: PlaygroundOptions = {}): Promise<void> {
  const iso = opts.crossOriginIsolation ?? true;
  const page = (file: string) => readFileSync(join(webDir, file));
  const pub = { config: { public: true } };
  app.get('/', pub, async (_req, reply) => isolate(reply, iso).type('text/html; charset=utf-8').send(page('index.html')));
  for (const [file, type] of Object.entries(STATIC)) {
    app.get(`/playground/${file}`, pub, async (_req, reply) => isolate(reply, iso).type(type).send(page(file)));
  }
  app.get('/playground/wren-browser.js', pub, async (_req, reply) => isolate(reply, iso).type('text/javascript; charset=utf-8').send(await browserBundle()));
  app.get('/playground/models.json', async (_req, reply) => isolate(reply, iso).type('application/json; charset=utf-8').send(playgroundModelList(ctx)));
  app.get<{ Params: { name: string; file: string } }>('/playground/models/:name/:file', async (req, reply) => {
    const model = ctx.models.find((m) => m.name === req.params.name);
    const path = model && servedModelFiles(model).get(req.params.file);
    if (!path) {
      return isolate(reply, iso).code(404).send({ error: { message: `no file '${req.params.file}' for model '${req.params.name}'`, type: 'not_found_error' } });
    }
    const type = path.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream';
    return isolate(reply, iso).type(type).header('content-length', statSync(path).size).send(createReadStream(path));
  });
}
