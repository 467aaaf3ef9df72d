// Pre-tokenizer regexes: text is split into pre-tokens (words, numbers, punctuation runs,
// whitespace) and BPE runs inside each one, so merges never cross these boundaries.
//
// GPT-2's pattern is written exactly as @huggingface/tokenizers (JS) writes its ByteLevel regex,
// so `\s` is JavaScript's whitespace. The Rust `tokenizers` crate (Oniguruma) differs on two code
// points only: it counts U+0085 as whitespace and U+FEFF as not. The Llama-3 pattern is stored in
// tokenizer.json in its Oniguruma form and run here in a JS translation (no inline `(?i:)` in
// Node 20) with Oniguruma's whitespace set, as @huggingface/tokenizers translates Split regexes.
import { WrenError } from '../errors.ts';

export interface PreTokenizerSpec {
  /** 'gpt2', 'llama3', or 'custom' (a tokenizer.json Split pattern we run as a JS regex). */
  name: 'gpt2' | 'llama3' | 'custom';
  /** The pattern as tokenizer.json stores it (Oniguruma syntax). */
  pattern: string;
  /** The JS RegExp source actually run (flags 'gu'). */
  jsSource: string;
}

export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

export const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const ONIG_SPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LLAMA3_JS =
  `'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${ONIG_SPACE}\\p{L}\\p{N}]+[\\r\\n]*` +
  `|[${ONIG_SPACE}]*[\\r\\n]+|[${ONIG_SPACE}]+(?![^${ONIG_SPACE}])|[${ONIG_SPACE}]+`;

export const PRE_TOKENIZERS = {
  gpt2: { name: 'gpt2', pattern: GPT2_PATTERN, jsSource: GPT2_PATTERN },
  llama3: { name: 'llama3', pattern: LLAMA3_PATTERN, jsSource: LLAMA3_JS },
} as const satisfies Record<string, PreTokenizerSpec>;

/** A spec for a pattern from a tokenizer.json Split pre-tokenizer. */
export function preTokenizerForPattern(pattern: string, where: string): PreTokenizerSpec {
  if (pattern === GPT2_PATTERN) return PRE_TOKENIZERS.gpt2;
  if (pattern === LLAMA3_PATTERN) return PRE_TOKENIZERS.llama3;
  try {
    new RegExp(pattern, 'gu');
  } catch (err) {
    throw new WrenError(`${where}: pre-tokenizer regex is not valid as a JavaScript regex (${(err as Error).message}); Wren runs GPT-2's and Llama-3's patterns and JS-compatible custom ones`);
  }
  return { name: 'custom', pattern, jsSource: pattern };
}

export function compilePreTokenizer(spec: PreTokenizerSpec): RegExp {
  return new RegExp(spec.jsSource, 'gu');
}

/**
 * Call `fn` on each pre-token of `text` in order: each regex match, and (HF's Split "Isolated"
 * behaviour) any text between matches as its own pre-token, so no text is ever dropped. GPT-2's
 * and Llama-3's patterns match everything, so for them only matches occur. Uses exec, not
 * match(): as fast, and memory stays flat on a very long text.
 */
export function forEachPreToken(text: string, re: RegExp, fn: (word: string) => void): void {
  re.lastIndex = 0;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > end) fn(text.slice(end, m.index));
    if (m[0].length === 0) {
      re.lastIndex += (text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1; // an empty match: step past it
      end = m.index;
      continue;
    }
    fn(m[0]);
    end = re.lastIndex;
  }
  if (end < text.length) fn(text.slice(end));
}

/** All pre-tokens of `text`. */
export function preTokenize(text: string, re: RegExp): string[] {
  const out: string[] = [];
  forEachPreToken(text, re, (w) => out.push(w));
  return out;
}
