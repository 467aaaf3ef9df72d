// Bits per byte on held-out documents, the protocol every figure of real-text quality uses
// (docs/training.md, "Measuring on held-out text"): the text is split into documents at the
// `<|endoftext|>` separator (or one per JSONL line) and each is trimmed; a document is BOS followed
// by its tokens, cut into windows of the context — window k holds ids[kT … kT+T] and predicts
// ids[kT+1 … kT+T], so every token after BOS is predicted exactly once and a later window starts
// without the earlier context. Bits per byte = Σ −log₂ p(token) over the predicted tokens ÷ the
// UTF-8 bytes of the trimmed documents (EOS is not predicted). scripts/bits-per-byte.py is the same
// protocol in PyTorch with transformers' own tokenizer.
import { WrenError } from '../errors.ts';
import type { CausalLM } from '../nn/heads/causal-lm.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { readDocuments } from './tokenize.ts';

export type DocumentEval = { bitsPerByte: number; lossPerToken: number; tokens: number; bytes: number; documents: number };

/** The model's windows for `docs`, each T + 1 ids padded with -1 (no target). */
export function documentWindows(docs: string[], tokenizer: Tokenizer, T: number): Int32Array[] {
  if (tokenizer.bosId === undefined) throw new WrenError('the held-out protocol starts each document with BOS, and this tokenizer has none');
  const windows: Int32Array[] = [];
  for (const d of docs) {
    const ids = [tokenizer.bosId, ...tokenizer.encode(d, { special: 'text' })];
    for (let at = 0; at < ids.length - 1; at += T) {
      const w = new Int32Array(T + 1).fill(-1);
      w.set(ids.slice(at, at + T + 1));
      windows.push(w);
    }
  }
  return windows;
}

/** Reads the documents of a text or JSONL file, as `wren tokenize` splits them. */
export async function readHeldOutDocuments(path: string): Promise<string[]> {
  const docs: string[] = [];
  for await (const d of readDocuments(path)) docs.push(d);
  return docs;
}

/** Σ NLL over every predicted token of `docs`, B windows per forward. */
export function evaluateDocuments(model: CausalLM, tokenizer: Tokenizer, docs: string[]): DocumentEval {
  const B = model.B, T = model.T, windows = documentWindows(docs, tokenizer, T);
  const batch = new Int32Array(B * (T + 1));
  let nats = 0, tokens = 0;
  for (let first = 0; first < windows.length; first += B) {
    batch.fill(-1);
    for (let b = 0; b < B && first + b < windows.length; b++) batch.set(windows[first + b], b * (T + 1));
    model.setBatch(batch);
    const losses = model.backend.arena.f32At(model.forward(0), B * T);
    const targets = model.backend.arena.i32At(model.targets, B * T);
    for (let r = 0; r < B * T; r++) if (targets[r] >= 0) { nats += losses[r]; tokens++; }
  }
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  return { bitsPerByte: nats / Math.LN2 / bytes, lossPerToken: nats / tokens, tokens, bytes, documents: docs.length };
}
