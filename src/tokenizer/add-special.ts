// Adding special tokens to a trained byte-level BPE tokenizer without retraining it: each new
// token takes the next id after the vocabulary (so every earlier id, and every model trained on
// them, keeps its meaning); merges are untouched. Special tokens it already has are kept as they
// are; a string that is already an ordinary token is refused (two ids with one string cannot be
// written as tokenizer.json's vocab, and the file would no longer load).
import { WrenError } from '../errors.ts';
import { BpeTokenizer } from './bpe-tokenizer.ts';

export function addSpecialTokens(tokenizer: BpeTokenizer, contents: string[]): { tokenizer: BpeTokenizer; added: string[] } {
  const spec = tokenizer.spec, enc = new TextEncoder();
  const added = [...new Set(contents)].filter((c) => !tokenizer.specialTokens.has(c));
  for (const c of added) if (c === '') throw new WrenError('a special token cannot be empty');
  const key = (b: Uint8Array) => Buffer.from(b).toString('latin1');
  const ordinary = new Map(spec.tokens.map((t, id) => [key(t), id]));
  for (const c of added) {
    const id = ordinary.get(key(enc.encode(c)));
    if (id !== undefined) throw new WrenError(`'${c}' is already an ordinary token of this tokenizer (id ${id}); a special token needs a string the vocabulary lacks, e.g. '<|${c}|>'`);
  }
  const tokens = [...spec.tokens], specialTokens = [...spec.specialTokens];
  for (const content of added) {
    specialTokens.push({ content, id: tokens.length });
    tokens.push(enc.encode(content));
  }
  return { tokenizer: new BpeTokenizer({ ...spec, tokens, specialTokens }, tokenizer.source), added };
}
