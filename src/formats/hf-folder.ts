// The metadata files that make a Wren model folder a complete Hugging Face folder, one that
// transformers' AutoModelForCausalLM and AutoTokenizer load as is:
//
//   config.json               LlamaConfig names (nn/config.ts) + architectures, bos/eos/pad token ids
//   generation_config.json    bos/eos/pad ids generate() reads; a chat model's eos is a list
//                             (<|im_end|> ends a turn, end-of-text ends the text)
//   tokenizer_config.json     the tokenizer class, its special tokens, model_max_length, and the
//                             chat template (Jinja source) when the model has one
//   special_tokens_map.json   bos/eos/unk/pad and the chat markers
//
// The tokenizer itself (tokenizer.json for byte-level BPE, loaded by PreTrainedTokenizerFast;
// tokenizer.bin + tokenizer.model for a llama2.c/SentencePiece vocabulary, loaded by
// LlamaTokenizer) and model.safetensors are written by the caller.
import { join } from 'node:path';
import { toHfConfigJson, type LlamaConfig } from '../nn/config.ts';
import { CHATML_JINJA, CHATML_SPECIAL_TOKENS, IM_END } from '../tokenizer/chat-template.ts';
import { Llama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

export type HfFolderOptions = {
  /** the folder's tokenizer; without one only config.json and generation_config.json are written */
  tokenizer?: Tokenizer;
  /** the model speaks Wren's ChatML template (an SFT model): eos is <|im_end|>, the template is stored */
  chat?: boolean;
};

type SpecialTokens = { bos_token: string | null; eos_token: string | null; unk_token: string | null; pad_token: string | null };
type TokenIds = { bos_token_id: number | null; eos_token_id: number | null; pad_token_id: number | null };

const json = (x: unknown) => JSON.stringify(x, null, 2) + '\n';
/** Keys in alphabetical order, as transformers writes them: the same model gives the same bytes whatever it was read from. */
const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function contentOf(t: Tokenizer, id: number | undefined): string | null {
  if (id === undefined) return null;
  for (const [content, v] of t.specialTokens) if (v === id) return content;
  return null;
}

function specialTokens(t: Tokenizer, chat: boolean): { names: SpecialTokens; ids: TokenIds; stop: number[] } {
  const imEnd = chat ? t.specialTokens.get(IM_END) : undefined;
  const eos = imEnd ?? t.eosId;
  const names: SpecialTokens = {
    bos_token: contentOf(t, t.bosId), eos_token: contentOf(t, eos),
    unk_token: t instanceof Llama2cTokenizer ? '<unk>' : null,
    pad_token: t instanceof Llama2cTokenizer ? null : contentOf(t, t.eosId), // GPT-2 style: pad with end-of-text
  };
  const ids: TokenIds = { bos_token_id: t.bosId ?? null, eos_token_id: eos ?? null, pad_token_id: names.pad_token === null ? null : t.eosId ?? null };
  const stop = [eos, t.eosId].filter((x, i, a): x is number => x !== undefined && a.indexOf(x) === i);
  return { names, ids, stop };
}

/** [file name, contents] of every metadata file of a folder holding a model of `config`. */
export function hfFolderMetadata(config: LlamaConfig, o: HfFolderOptions = {}): [string, string][] {
  const t = o.tokenizer;
  if (!t) {
    const ids = { bos_token_id: config.bos_token_id ?? null, eos_token_id: config.eos_token_id ?? null };
    return [['config.json', json(sorted(toHfConfigJson(config)))], ['generation_config.json', json({ ...ids, _from_model_config: true })]];
  }
  const chat = o.chat === true;
  const { names, ids, stop } = specialTokens(t, chat);
  const extra = chat ? { additional_special_tokens: CHATML_SPECIAL_TOKENS } : {};
  const decoder: Record<string, unknown> = {};
  for (const [content, id] of [...t.specialTokens].sort((a, b) => a[1] - b[1])) {
    decoder[String(id)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  }
  const llama = t instanceof Llama2cTokenizer;
  const tokenizerConfig = {
    tokenizer_class: llama ? 'LlamaTokenizer' : 'PreTrainedTokenizerFast',
    ...names, ...extra,
    add_bos_token: t.bosId !== undefined, add_eos_token: false, // Wren prepends BOS whenever there is one
    ...(llama ? { legacy: true, sp_model_kwargs: {}, spaces_between_special_tokens: false } : {}),
    clean_up_tokenization_spaces: false,
    model_max_length: config.max_position_embeddings,
    added_tokens_decoder: decoder,
    ...(chat ? { chat_template: CHATML_JINJA } : {}),
  };
  return [
    ['config.json', json(sorted({ ...toHfConfigJson(config), ...ids }))],
    ['generation_config.json', json({ bos_token_id: ids.bos_token_id, eos_token_id: stop.length === 1 ? stop[0] : stop, pad_token_id: ids.pad_token_id, _from_model_config: true })],
    ['tokenizer_config.json', json(tokenizerConfig)],
    ['special_tokens_map.json', json(Object.fromEntries(Object.entries({ ...names, ...extra }).filter(([, v]) => v !== null)))],
  ];
}

/** Write the metadata files into `dir` through `writeFile` (atomic, or a test's double). */
export function writeHfFolderMetadata(dir: string, config: LlamaConfig, o: HfFolderOptions, writeFile: (path: string, data: string) => void): void {
  for (const [name, text] of hfFolderMetadata(config, o)) writeFile(join(dir, name), text);
}
