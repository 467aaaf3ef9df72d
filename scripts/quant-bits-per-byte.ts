// Bits per byte of models on a held-out text, through the inference forward (LlamaModel: a
// quantized GGUF runs the quantized kernels, its blocks kept as they are), so F32, Q8_0 and
// Q4_0 files of one model compare on the same tokens.
//
// usage: node --import tsx scripts/quant-bits-per-byte.ts --text FILE [--lines N] [--tokenizer PATH]
//          [--backend B] [--threads N] MODEL...
// The text's first N lines (default 400) are split into documents at <|endoftext|> lines; each
// document is encoded with BOS and cut into windows of the model's context; every token after
// the first of a window is predicted from the window before it. Bits per byte = Σ −log₂ p over
// the predicted tokens ÷ the UTF-8 bytes of the documents. Prints one JSON line per model.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBackend, type BackendName } from '../src/engine/backend.ts';
import { loadModel, loadTokenizerFor } from '../src/nn/load.ts';
import type { KvCache } from '../src/nn/kv-cache.ts';

const { values: v, positionals: models } = parseArgs({
  options: { text: { type: 'string' }, lines: { type: 'string' }, tokenizer: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' } },
  allowPositionals: true,
});
if (!v.text || models.length === 0) {
  console.error('usage: node --import tsx scripts/quant-bits-per-byte.ts --text FILE [--lines N] [--tokenizer PATH] [--backend B] [--threads N] MODEL...');
  process.exit(2);
}
const lines = readFileSync(v.text, 'utf8').split('\n').slice(0, Number(v.lines ?? 400));
const docs = lines.join('\n').split(/\n?<\|endoftext\|>\n?/).map((d) => d.trim()).filter((d) => d.length > 0);
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
const backend = await createBackend({ backend: (v.backend ?? 'auto') as BackendName | 'auto', threads: Number(v.threads ?? 2) });

for (const path of models) {
  const mark = backend.arena.mark();
  const { model, files } = loadModel(path, backend);
  const tokenizer = loadTokenizerFor(v.tokenizer ?? files.tokenizer ?? '', model.config);
  const S = model.contextLength, V = model.config.vocab_size;
  const windows: number[][] = [];
  for (const d of docs) {
    const ids = tokenizer.encode(d, { bos: true });
    for (let at = 0; at < ids.length - 1; at += S) windows.push(ids.slice(at, at + S));
  }
  // Decode many windows side by side (one row each per step) through forwardBatch.
  const lanes = Math.min(16, model.maxRows), caches: KvCache[] = Array.from({ length: lanes }, () => model.newCache());
  const active: { w: number[]; t: number; cache: KvCache }[] = [];
  let next = 0, nats = 0, tokens = 0;
  const t0 = performance.now();
  while (next < windows.length || active.length) {
    while (active.length < lanes && next < windows.length) {
      const cache = caches.find((c) => !active.some((a) => a.cache === c))!;
      cache.reset();
      active.push({ w: windows[next++], t: 0, cache });
    }
    const logits = model.forwardBatch(active.map((a) => ({ cache: a.cache, tokens: [a.w[a.t]], logits: true })));
    const rows = backend.arena.f32At(logits, active.length * V);
    active.forEach((a, r) => {
      const row = rows.subarray(r * V, (r + 1) * V);
      let max = -Infinity, sum = 0;
      for (const x of row) if (x > max) max = x;
      for (const x of row) sum += Math.exp(x - max);
      nats += Math.log(sum) + max - row[a.w[a.t + 1]];
      tokens++;
      a.t++;
    });
    for (let i = active.length - 1; i >= 0; i--) if (active[i].t + 1 >= active[i].w.length) active.splice(i, 1);
  }
  const q = [...new Set(model.quantized?.types().values() ?? [])].join('+') || 'F32';
  console.log(JSON.stringify({
    model: path, weights: q, file_bytes: statSync(files.weights).size, documents: docs.length, tokens, bytes,
    bits_per_byte: +(nats / Math.LN2 / bytes).toFixed(5), nats_per_token: +(nats / tokens).toFixed(5),
    backend: backend.description, seconds: +((performance.now() - t0) / 1000).toFixed(1),
  }));
  backend.arena.release(mark);
}
backend.dispose();
