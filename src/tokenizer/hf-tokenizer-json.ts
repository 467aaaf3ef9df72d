// Hugging Face tokenizer.json, the byte-level BPE subset (what GPT-2, Llama-3 and Wren-trained
// tokenizers use). Layout, as Wren writes it:
//   { "version": "1.0", "truncation": null, "padding": null,
//     "added_tokens": [ {"id", "content", "single_word", "lstrip", "rstrip", "normalized", "special"} ],
//     "normalizer": null,
//     "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}
//        or {"type": "Sequence", "pretokenizers": [ {"type": "Split", "pattern": {"Regex": P},
//            "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", ..., "use_regex": false} ]},
//     "post_processor": {"type": "ByteLevel", ...},  "decoder": {"type": "ByteLevel", ...},
//     "model": { "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
//                "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
//                "ignore_merges": false, "vocab": {"<byte-level string>": id}, "merges": ["a b", ...] } }
// On load, merges may also be [["a", "b"], ...] (newer HF), and anything outside this subset
// (normalizers, other models, prefix spaces) is refused with the field that caused it.
import { readFileSync } from 'node:fs';
import { WrenError } from '../errors.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { byteLevelToBytes, bytesToByteLevel } from './byte-level.ts';
import { BpeTokenizer, type BpeSpec } from './bpe-tokenizer.ts';
import { parseMerges, vocabById } from './gpt2-files.ts';
import { PRE_TOKENIZERS, preTokenizerForPattern, type PreTokenizerSpec } from './pretokenizer.ts';

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function byteLevelNode(useRegex: boolean): Json {
  return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex };
}

/** The tokenizer.json object for a spec. */
export function bpeSpecToJson(spec: BpeSpec): Json {
  const special = new Map(spec.specialTokens.map((s) => [s.id, s.content]));
  const names = spec.tokens.map((bytes, id) => special.get(id) ?? bytesToByteLevel(bytes));
  const vocab: Record<string, number> = {};
  names.forEach((name, id) => (vocab[name] = id));
  const pre = spec.preTokenizer;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: spec.specialTokens.map(({ id, content }) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: pre.name === 'gpt2'
      ? byteLevelNode(true)
      : { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: pre.pattern }, behavior: 'Isolated', invert: false }, byteLevelNode(false)] },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: spec.ignoreMerges ?? false,
      vocab,
      merges: spec.merges.map(([a, b]) => `${names[a]} ${names[b]}`),
    },
  };
}

export function saveTokenizerJson(tokenizer: BpeTokenizer | BpeSpec, path: string): void {
  const spec = tokenizer instanceof BpeTokenizer ? tokenizer.spec : tokenizer;
  writeFileAtomic(path, JSON.stringify(bpeSpecToJson(spec), null, 2) + '\n');
}

function preTokenizerFromJson(node: unknown, where: string): PreTokenizerSpec {
  if (!isObject(node)) throw new WrenError(`${where}: pre_tokenizer must be an object (ByteLevel, or Sequence of Split + ByteLevel)`);
  if (node.type === 'ByteLevel') {
    if (node.add_prefix_space === true) throw new WrenError(`${where}: pre_tokenizer.add_prefix_space=true is not supported`);
    if (node.use_regex === false) throw new WrenError(`${where}: ByteLevel with use_regex=false needs a Split before it`);
    return PRE_TOKENIZERS.gpt2;
  }
  const parts = node.pretokenizers;
  if (node.type === 'Sequence' && Array.isArray(parts) && parts.length === 2 && isObject(parts[0]) && isObject(parts[1])) {
    const [split, byteLevel] = parts;
    const pattern = isObject(split.pattern) ? split.pattern.Regex : undefined;
    if (split.type === 'Split' && typeof pattern === 'string' && split.behavior === 'Isolated' && split.invert !== true &&
        byteLevel.type === 'ByteLevel' && byteLevel.use_regex === false && byteLevel.add_prefix_space !== true) {
      return preTokenizerForPattern(pattern, `${where}: pre_tokenizer.pretokenizers[0].pattern.Regex`);
    }
  }
  throw new WrenError(`${where}: unsupported pre_tokenizer ${JSON.stringify(node).slice(0, 200)}; expected ByteLevel, or Sequence [Split(Regex, Isolated), ByteLevel(use_regex=false)]`);
}

/** A BpeSpec from a parsed tokenizer.json; `where` names the file in errors. */
export function bpeSpecFromJson(json: unknown, where: string): BpeSpec {
  if (!isObject(json)) throw new WrenError(`${where}: expected a JSON object (HF tokenizer.json)`);
  const model = json.model;
  if (!isObject(model)) throw new WrenError(`${where}: missing "model" object`);
  if (model.type !== undefined && model.type !== 'BPE') throw new WrenError(`${where}: model.type is ${JSON.stringify(model.type)}; only "BPE" is supported`);
  for (const field of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[field] != null && model[field] !== '') throw new WrenError(`${where}: model.${field} is not supported (byte-level BPE has none)`);
  }
  if (json.normalizer != null) throw new WrenError(`${where}: normalizer ${JSON.stringify((json.normalizer as Json).type)} is not supported; byte-level BPE uses none`);
  const strings = vocabById(model.vocab, `${where}: model.vocab`);
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) throw new WrenError(`${where}: added_tokens must be an array`);
  const specialTokens = added.map((t: unknown, i) => {
    if (!isObject(t) || typeof t.content !== 'string' || !Number.isInteger(t.id)) throw new WrenError(`${where}: added_tokens[${i}] needs a string "content" and an integer "id"`);
    return { content: t.content, id: t.id as number };
  });
  const n = Math.max(strings.length, ...specialTokens.map((s) => s.id + 1));
  const specialById = new Map(specialTokens.map((s) => [s.id, s.content]));
  const tokens: Uint8Array[] = [];
  for (let id = 0; id < n; id++) {
    const content = specialById.get(id);
    if (content !== undefined) {
      tokens.push(new TextEncoder().encode(content));
      continue;
    }
    const s = strings[id];
    if (s === undefined) throw new WrenError(`${where}: model.vocab has no token with id ${id}; ids must run 0..${n - 1} without gaps`);
    const bytes = byteLevelToBytes(s);
    if (bytes === undefined) throw new WrenError(`${where}: model.vocab token ${JSON.stringify(s)} (id ${id}) is not a byte-level string; only byte-level BPE is supported`);
    tokens.push(bytes);
  }
  if (!Array.isArray(model.merges)) throw new WrenError(`${where}: model.merges must be an array`);
  const ids = new Map(strings.map((s, i) => [s, i]));
  const merges = parseMerges(model.merges as (string | [string, string])[], ids, (i) => `${where}: model.merges[${i}]`);
  const preTokenizer = preTokenizerFromJson(json.pre_tokenizer, where);
  return { tokens, merges, specialTokens, preTokenizer, ignoreMerges: model.ignore_merges === true };
}

export function loadTokenizerJson(path: string): BpeTokenizer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WrenError(`cannot read tokenizer.json '${path}': ${(err as Error).message}`);
  }
  return parseTokenizerJson(text, path);
}

/** A tokenizer.json from its text (a fetched or opened file); `source` names it in errors. */
export function parseTokenizerJson(text: string, source = 'tokenizer.json'): BpeTokenizer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new WrenError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  return new BpeTokenizer(bpeSpecFromJson(json, source), source);
}
