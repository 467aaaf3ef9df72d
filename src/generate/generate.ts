// Streaming generation: prefill the prompt in one batched forward, then sample one token at a
// time against the KV cache, yielding text as soon as it is complete UTF-8. Stops at the token
// budget, a stop token (EOS, or BOS as llama2.c's run.c does), a stop string, or the context end,
// and returns why, in OpenAI's words: 'stop' (a stop token or string) or 'length' (the budget or
// the context ran out; OpenAI says 'length' for both).
import type { LlamaModel } from '../nn/llama.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { WrenError } from '../errors.ts';
import { Sampler, type SamplerOptions } from './sampler.ts';
import type { LogitRule } from './logit-rule.ts';
import { pieceBytes, StopText } from './stop-text.ts';

export type GenerateOptions = SamplerOptions & {
  maxTokens: number;         // new tokens at most
  stop?: string[];           // stop strings (not included in the output)
  stopIds?: number[];        // default: the tokenizer's EOS and BOS
  rule?: LogitRule;          // edits each step's logits (seed words to lean towards, grounded numbers)
};

export type GenerateStep = { id: number; text: string };
export type FinishReason = 'stop' | 'length';
export type Completion = { text: string; ids: number[]; finishReason: FinishReason };

export { pieceBytes };

/** Tokens that end a completion unless told otherwise: EOS, and BOS (a new story begins, as run.c stops). */
export function defaultStopIds(tokenizer: Tokenizer): number[] {
  return [tokenizer.eosId, tokenizer.bosId].filter((x): x is number => x !== undefined);
}

export function* generate(model: LlamaModel, tokenizer: Tokenizer, promptIds: number[], opts: GenerateOptions): Generator<GenerateStep, FinishReason> {
  if (promptIds.length === 0) throw new WrenError('the prompt has no tokens (pass at least BOS)');
  if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 0) throw new WrenError(`max tokens must be a non-negative integer, got ${opts.maxTokens}`);
  if (promptIds.length > model.contextLength) {
    throw new WrenError(`the prompt is ${promptIds.length} tokens, longer than the model's context of ${model.contextLength}`);
  }
  const V = model.config.vocab_size;
  const sampler = new Sampler(V, opts);
  const stopIds = new Set(opts.stopIds ?? defaultStopIds(tokenizer));
  const text = new StopText(tokenizer, opts.stop);
  const history = [...promptIds];
  let written = '';

  model.reset();
  let logits = model.forward(promptIds);
  let prev = promptIds[promptIds.length - 1];
  for (let n = 0; n < opts.maxTokens; n++) {
    const row = model.backend.arena.f32At(logits, V);
    opts.rule?.apply(row, written, history, n);
    const id = sampler.sample(row, history);
    if (stopIds.has(id)) return 'stop';
    history.push(id);
    const out = text.push(prev, id);
    if (opts.rule) written += out.text;
    prev = id;
    if (out.stopped) {
      if (out.text) yield { id, text: out.text };
      return 'stop';
    }
    yield { id, text: out.text };
    if (n + 1 === opts.maxTokens) break;
    if (model.pos >= model.contextLength) break;
    logits = model.forward([id]);
  }
  const rest = text.flush();
  if (rest) yield { id: -1, text: rest };
  return 'length';
}

/** Runs `generate` to the end: the text, the new token ids and why it stopped. */
export function complete(model: LlamaModel, tokenizer: Tokenizer, promptIds: number[], opts: GenerateOptions): Completion {
  const it = generate(model, tokenizer, promptIds, opts);
  const ids: number[] = [];
  let text = '';
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { text, ids, finishReason: r.value };
    if (r.value.id >= 0) ids.push(r.value.id);
    text += r.value.text;
  }
}
