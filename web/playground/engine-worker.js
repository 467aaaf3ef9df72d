// The playground's engine: a module Web Worker that holds the model and runs generation, so the
// page never blocks. Messages in:  {type: 'load', source, threads?} | {type: 'generate', prompt?,
// messages?, options} | {type: 'stop'}, each with the page's `id`. Messages out, with the `id` of
// the message they answer: {type: 'loaded', info} | {type: 'token', text} | {type: 'done',
// finishReason, tokens, seconds} | {type: 'error', message}. Jobs run one after another, so a load
// asked for later always ends later (the model the page asked for last is the one held).
import { chat, generate, loadModel } from './wren-browser.js';

let current = null;   // the loaded model
let abort = null;     // AbortController of the running generation

let queue = Promise.resolve(); // the jobs, in the order asked
const fail = (err, id) => postMessage({ type: 'error', id, message: err && err.message ? err.message : String(err) });

async function load(msg) {
  const next = await loadModel(msg.source, { threads: msg.threads });
  current?.dispose();
  current = next;
  postMessage({ type: 'loaded', id: msg.id, info: current.info });
}

async function run(msg) {
  if (!current) throw new Error('no model is loaded: pick a model or open one from disk');
  abort = new AbortController();
  const opts = { ...msg.options, signal: abort.signal };
  const steps = msg.messages ? chat(current, msg.messages, opts) : generate(current, msg.prompt ?? '', opts);
  const t0 = performance.now();
  let tokens = 0, tFirst = 0;
  for (;;) {
    const r = await steps.next();
    if (r.done) {
      const seconds = (performance.now() - (tFirst || t0)) / 1000;
      postMessage({ type: 'done', id: msg.id, finishReason: r.value, tokens, seconds });
      return;
    }
    if (tokens === 0) tFirst = performance.now();
    if (r.value.id >= 0) tokens++;
    if (r.value.text) postMessage({ type: 'token', id: msg.id, text: r.value.text, tokens });
  }
}

onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'stop') { abort?.abort(); return; }
  const job = () => (msg.type === 'load' ? load(msg) : msg.type === 'generate' ? run(msg) : Promise.reject(new Error(`unknown message ${msg.type}`)));
  queue = queue.then(job).catch((err) => fail(err, msg.id));
};
postMessage({ type: 'ready' });
