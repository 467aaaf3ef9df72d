// The work a tokenizer worker thread does: count pre-tokens of a text chunk (training), or
// encode texts with a byte-level BPE tokenizer it was sent once (batch encoding).
import { BpeTokenizer, type BpeSpec } from './bpe-tokenizer.ts';
import { countPreTokens } from './pretoken-count.ts';
import type { PreTokenizerSpec } from './pretokenizer.ts';
import type { EncodeOptions } from './tokenizer.ts';

export type TokenizerTask =
  | { kind: 'count'; text: string; preTokenizer: PreTokenizerSpec; specials: string[] }
  | { kind: 'load'; spec: BpeSpec }
  | { kind: 'encode'; text: string; options: EncodeOptions };

let tokenizer: BpeTokenizer | undefined;

export function handle(task: TokenizerTask): unknown {
  switch (task.kind) {
    case 'count':
      return [...countPreTokens(task.text, task.preTokenizer, task.specials)];
    case 'load':
      tokenizer = new BpeTokenizer(task.spec, 'worker');
      return true;
    case 'encode':
      if (!tokenizer) throw new Error('encode before load');
      return Int32Array.from(tokenizer.encode(task.text, task.options));
  }
}
