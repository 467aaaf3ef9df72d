// Adding special tokens to a trained byte-level BPE tokenizer without retraining it: each new
// token takes the next id after the vocabulary (so every earlier id, and every model trained on
// them, keeps its meaning); merges are untouched. Tokens it already has are kept as they are.
import { WrenError } from '../errors.ts';
import { BpeTokenizer } from './bpe-tokenizer.ts';

export function addSpecialTokens(tokenizer: BpeTokenizer, contents: string[]): { tokenizer: BpeTokenizer; added: string[] } {
  const spec = tokenizer.spec, enc = new TextEncoder();
  const added = [...new Set(contents)].filter((c) => !tokenizer.specialTokens.has(c));
  for (const c of added) if (c === '') throw new WrenError('a special token cannot be empty');
  const tokens = [...spec.tokens], specialTokens = [...spec.specialTokens];
  for (const content of added) {
    specialTokens.push({ content, id: tokens.length });
    tokens.push(enc.encode(content));
  }
  return { tokenizer: new BpeTokenizer({ ...spec, tokens, specialTokens }, tokenizer.source), added };
}
