// Validation loss: the mean cross-entropy per token over the first `batches` batches of an
// in-order walk of a split (the same tokens every time), and bits per byte, which compares
// models with different tokenizers: nats/token × tokens/byte ÷ ln 2, with the token/byte ratio
// of the whole split.
import type { CausalLM } from '../nn/heads/causal-lm.ts';
import type { TokenWindowLoader } from './loader.ts';

export type EvalResult = { loss: number; tokens: number };

export function evaluateLoss(model: CausalLM, loader: TokenWindowLoader, batches: number): EvalResult {
  const B = model.B, T = model.T, batch = new Int32Array(B * (T + 1));
  let sum = 0, count = 0;
  for (let i = 0; i < batches; i++) {
    const rows = loader.sequential(i * B, B, batch);
    if (rows === 0) break;
    model.setBatch(batch);
    const losses = model.backend.arena.f32At(model.forward(0), B * T);
    for (let r = 0; r < rows * T; r++) { sum += losses[r]; count++; }
    if (rows < B) break;
  }
  return { loss: count ? sum / count : NaN, tokens: count };
}

export function bitsPerByte(lossPerToken: number, tokens: number, bytes: number): number {
  return (lossPerToken * tokens) / bytes / Math.LN2;
}
