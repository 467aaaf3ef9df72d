// The playground page: picks a model (one the server has, or files opened from disk), runs it
// on this device (engine-worker.js: the WASM engine in a Web Worker) or on the server (the
// OpenAI-compatible stream), and streams tokens into #output. For automation the page keeps
// #status (idle | loading | generating | done | error) and #output, and reads the URL parameters
// prompt, temperature, top_p, max_tokens, seed, device (browser | server), model and mode
// (prompt | chat); with `prompt` present it runs once the model is ready.
import { readSse } from './sse.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const state = { device: 'browser', models: [], serverModels: [], loaded: null, history: [], worker: null, running: null, loads: 0 };

function setStatus(status, message, isError = false) {
  $('status').textContent = status;
  if (message !== undefined) {
    $('message').textContent = message;
    $('message').className = isError ? 'error' : '';
  }
}

// ---- the engine worker ------------------------------------------------------------------------
// Every message carries an id and every answer names it, so an answer never reaches the wrong
// caller (a model loading at start while the user opens another from disk).
const pending = new Map(); // id → { resolve, reject, onToken }
let lastId = 0;
function startWorker() {
  const w = new Worker(new URL('engine-worker.js', import.meta.url), { type: 'module', name: 'wren engine' });
  w.onmessage = (e) => {
    const m = e.data, p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'token') return p.onToken?.(m);
    pending.delete(m.id);
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m);
  };
  w.onerror = (e) => { // the worker itself died (a bundle that fails to load): start a fresh one
    e.preventDefault();
    state.worker = null; state.loaded = null;
    const err = new Error(`the engine stopped: ${e.message || 'unknown error'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  return w;
}
function engine() {
  state.worker ??= startWorker();
  return state.worker;
}
/** Send a message; resolves with the engine's answer ('loaded' | 'done'), streaming tokens to onToken. */
function ask(msg, onToken) {
  const id = ++lastId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onToken });
    engine().postMessage({ ...msg, id });
  });
}

// ---- models -------------------------------------------------------------------------------------
async function listModels() {
  try {
    const res = await fetch('playground/models.json');
    if (res.ok) state.models = (await res.json()).models;
  } catch { /* a page without the list: files from disk still work */ }
  try {
    const res = await fetch('v1/models');
    if (res.ok) state.serverModels = (await res.json()).data.map((m) => m.id);
  } catch { /* a static site: no server to run on */ }
  const names = [...new Set([...state.models.map((m) => m.name), ...state.serverModels])];
  $('model').replaceChildren(new Option('(none)', ''), ...names.map((n) => new Option(n, n)));
  document.querySelector('input[name=device][value=server]').disabled = state.serverModels.length === 0;
}

function describe(info, label) {
  const threads = `${info.threads} thread${info.threads > 1 ? 's' : ''}`;
  $('engine').textContent = `engine: ${label}, ${(info.parameters / 1e6).toFixed(2)}M parameters, wasm ${info.simd}, ${threads}`;
  return info.threadNote ? `Loaded ${label}. Note: ${info.threadNote}.` : `Loaded ${label} (${threads}).`;
}

async function loadSource(source, label) {
  const mine = ++state.loads; // a later load supersedes this one: its answer then changes nothing
  setStatus('loading', `loading ${label}…`);
  lockModel(true);
  try {
    const { info } = await ask({ type: 'load', source });
    if (mine !== state.loads) return false;
    state.loaded = info;
    setStatus('idle', describe(info, label));
    return true;
  } catch (err) {
    if (mine !== state.loads) return false;
    state.loaded = null;
    $('engine').textContent = 'engine: not loaded';
    setStatus('error', `${label}: ${err.message}`, true);
    return false;
  } finally {
    if (mine === state.loads) lockModel(false);
  }
}

async function loadServerModel(name) {
  const m = state.models.find((x) => x.name === name);
  if (!m) { setStatus('error', `the server offers no files for model '${name}' to run on this device`, true); return false; }
  // The list's URLs are relative to the page; the worker resolves against its own URL, so make them absolute.
  const files = Object.fromEntries(Object.entries(m.files).map(([k, v]) => [k, k === 'kind' ? v : new URL(v, location.href).href]));
  return loadSource(files, name);
}

async function openFiles(fileList) {
  const files = [...fileList];
  if (files.length === 0) return false;
  // Read here, send bytes: File objects from a folder pick do not always survive postMessage.
  const named = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  $('model').value = '';
  return loadSource(named, files.length === 1 ? files[0].name : `${files.length} files`);
}

// ---- generation ---------------------------------------------------------------------------------
function options() {
  const num = (id) => ($(id).value === '' ? undefined : Number($(id).value));
  return { temperature: num('temperature'), topP: num('top_p'), maxTokens: num('max_tokens'), seed: num('seed') };
}

/** While a run is going, the model cannot change under it. */
function lockModel(locked) {
  for (const id of ['model', 'files', 'folder']) $(id).disabled = locked;
}

function finish(status, message, isError = false) {
  state.running = null;
  $('run').disabled = false;
  $('stop').disabled = true;
  lockModel(false);
  setStatus(status, message, isError);
}

function showSpeed(tokens, seconds) {
  const rate = seconds > 0 && tokens > 1 ? (tokens - 1) / seconds : 0;
  $('speed').textContent = `${tokens} tokens${rate ? `, ${rate.toFixed(1)} tokens/s` : ''}`;
}

async function run() {
  if (state.running) return;
  const chatMode = $('mode').value === 'chat';
  const prompt = $('prompt').value;
  const messages = chatMode ? [...state.history, { role: 'user', content: prompt }] : undefined;
  $('output').textContent = '';
  $('speed').textContent = '';
  state.running = state.device;
  lockModel(true);
  $('run').disabled = true;
  $('stop').disabled = false;
  setStatus('generating', '');
  const out = [];
  const onText = (text) => { out.push(text); $('output').textContent += text; };
  try {
    const r = state.device === 'server'
      ? await runOnServer(prompt, messages, onText)
      : await runOnDevice(prompt, messages, onText);
    showSpeed(r.tokens, r.seconds);
    if (chatMode) { state.history = [...messages, { role: 'assistant', content: out.join('') }]; drawTranscript(); }
    finish('done', `finished: ${r.finishReason}${r.answeredBy ? `; answered by ${r.answeredBy} on the server` : ''}${r.guard ? `; guard: ${r.guard}` : ''}`);
  } catch (err) {
    finish('error', err.message, true);
  }
}

async function runOnDevice(prompt, messages, onText) {
  if (!state.loaded) throw new Error('no model is loaded on this device: pick a model or open one from disk');
  const t0 = performance.now();
  return ask({ type: 'generate', prompt, messages, options: options() }, (m) => {
    onText(m.text);
    showSpeed(m.tokens, (performance.now() - t0) / 1000);
  });
}

async function runOnServer(prompt, messages, onText) {
  const model = $('model').value || state.serverModels[0];
  if (!model) throw new Error('the server has no model');
  const o = options();
  const body = { model, stream: true, temperature: o.temperature, top_p: o.topP, max_tokens: o.maxTokens, seed: o.seed };
  const url = messages ? 'v1/chat/completions' : 'v1/completions';
  state.abort = new AbortController();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, signal: state.abort.signal,
    body: JSON.stringify(messages ? { ...body, messages } : { ...body, prompt }) });
  if (!res.ok) {
    const err = await res.json().catch(() => ({}));
    const verdict = err.error?.code === 'content_filter' ? ' (the guard blocked the prompt)' : '';
    throw new Error(`the server said ${res.status}: ${err.error?.message ?? res.statusText}${verdict}`);
  }
  let tokens = 0, tFirst = 0, finishReason = 'stop', answeredBy = model;
  const verdicts = [];
  for await (const chunk of readSse(res.body)) {
    if (chunk.model) answeredBy = chunk.model; // a router may answer with another model
    if (chunk.wren_route) answeredBy = `${chunk.wren_route.model} (${chunk.wren_route.reason})`;
    if (chunk.prompt_filter_results) verdicts.push(`prompt: ${flagged(chunk.prompt_filter_results[0]?.content_filter_results)}`);
    const choice = chunk.choices?.[0];
    if (choice?.content_filter_results) verdicts.push(`answer: ${flagged(choice.content_filter_results)}`);
    if (!choice) continue;
    const text = messages ? choice.delta?.content : choice.text;
    if (text) { if (!tFirst) tFirst = performance.now(); tokens++; onText(text); showSpeed(tokens, (performance.now() - tFirst) / 1000); }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  return { tokens, seconds: tFirst ? (performance.now() - tFirst) / 1000 : 0, finishReason, answeredBy, guard: verdicts.join('; ') };
}

/** A guard verdict in words: the categories it filtered or flagged, or "passed". */
function flagged(results) {
  const hits = Object.entries(results ?? {}).filter(([, r]) => r.filtered || r.detected || (r.severity && r.severity !== 'safe'))
    .map(([c, r]) => `${c}${r.severity ? ` ${r.severity}` : ''}${r.filtered ? ' (blocked)' : ''}`);
  return hits.length ? hits.join(', ') : 'passed the guard';
}

function stop() {
  if (state.running === 'browser') state.worker?.postMessage({ type: 'stop' });
  if (state.running === 'server') state.abort?.abort();
}

function drawTranscript() {
  $('transcript').replaceChildren(...state.history.map((m) => {
    const div = document.createElement('div');
    div.className = `turn ${m.role}`;
    div.textContent = `${m.role}: ${m.content}`;
    return div;
  }));
}

// ---- wiring -------------------------------------------------------------------------------------
function setDevice(device) {
  state.device = device;
  document.querySelector(`input[name=device][value=${device}]`).checked = true;
}

async function main() {
  const isolated = globalThis.crossOriginIsolated === true;
  $('isolation').textContent = isolated ? 'cross-origin isolated: threads on'
    : 'this page is not cross-origin isolated (no COOP/COEP headers): models run on one thread';
  await listModels();
  for (const [param, id] of [['temperature', 'temperature'], ['top_p', 'top_p'], ['max_tokens', 'max_tokens'], ['seed', 'seed'], ['mode', 'mode']]) {
    if (params.has(param)) $(id).value = params.get(param);
  }
  if (params.has('prompt')) $('prompt').value = params.get('prompt');
  const device = params.get('device') === 'server' ? 'server' : 'browser';
  if (device === 'server' && state.serverModels.length === 0) {
    setStatus('error', 'device=server, but this page has no server to run on (GET v1/models failed)', true);
    return;
  }
  setDevice(device);
  document.querySelectorAll('input[name=device]').forEach((r) => r.addEventListener('change', () => setDevice(r.value)));
  $('model').addEventListener('change', () => { if (state.device === 'browser' && $('model').value) loadServerModel($('model').value); });
  $('files').addEventListener('change', () => openFiles($('files').files));
  $('folder').addEventListener('change', () => openFiles($('folder').files));
  $('run').addEventListener('click', run);
  $('stop').addEventListener('click', stop);
  $('clear').addEventListener('click', () => { state.history = []; drawTranscript(); $('output').textContent = ''; });
  const wanted = params.get('model') ?? (state.models[0]?.name || state.serverModels[0]);
  if (wanted) $('model').value = wanted;
  let ready = true;
  if (device === 'browser' && wanted) ready = await loadServerModel(wanted);
  if (ready && params.has('prompt')) await run();
}

main().catch((err) => setStatus('error', err.message, true));
