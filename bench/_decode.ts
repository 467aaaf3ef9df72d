// The decode loop the generate and browser benchmarks time: greedy from BOS, one token a
// forward against the KV cache; tokens/s of the loop alone. Runs in Node and in a browser worker.
import type { Backend } from '../src/engine/backend.ts';
import { Sampler } from '../src/generate/sampler.ts';
import { parseLlamaConfig } from '../src/nn/config.ts';
import { initParameters } from '../src/nn/init.ts';
import { LlamaModel } from '../src/nn/llama.ts';
import { loadModelFromBytes } from '../src/nn/load-bytes.ts';
import { PRESETS } from '../src/nn/presets.ts';

export function timeDecode(model: LlamaModel, tokens: number): number {
  const sampler = new Sampler(model.config.vocab_size, { temperature: 0 });
  model.reset();
  const t0 = performance.now();
  let token = 1;
  for (let i = 0; i < tokens; i++) {
    const logits = model.forward([token]);
    token = sampler.sample(model.backend.arena.f32At(logits, model.config.vocab_size));
  }
  return tokens / ((performance.now() - t0) / 1000);
}

/** One prompt through an empty cache, in chunks of the model's rows; tokens/s. */
export function timePrefill(model: LlamaModel, prompt: number[]): number {
  model.reset();
  const t0 = performance.now();
  model.forward(prompt);
  return prompt.length / ((performance.now() - t0) / 1000);
}

export function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export type DecodeCase = { name: string; preset?: string; threads: number; tokens: number; runs: number; bytes?: Uint8Array };

/** The case's model on `backend`: stories260K from its bytes, or a preset shape with seeded random
 *  weights; `rows` a forward holds (1 for a decode, up to 64 for a prefill). */
export function decodeModel(c: DecodeCase, backend: Backend, rows = 1): LlamaModel {
  if (c.bytes) return loadModelFromBytes({ kind: 'llama2c', weights: c.bytes }, backend, { maxRows: rows });
  const config = parseLlamaConfig(PRESETS[c.preset ?? c.name], c.name);
  const model = new LlamaModel(config, backend, rows);
  initParameters(model.params, config, 1);
  return model;
}
