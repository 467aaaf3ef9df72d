// Wren's Llama model ⇄ a GGUF file of architecture `llama`, as llama.cpp loads it.
//
// Tensors (GGUF shapes are ne = [in, out]; here row-major (out, in) as Wren stores them):
//   token_embd.weight (V, C)                       embed
//   blk.N.attn_norm.weight (C)                     attnNorm[N]
//   blk.N.attn_q / attn_k / attn_v / attn_output   wq / wk / wv / wo [N]
//   blk.N.ffn_norm.weight (C)                      ffnNorm[N]
//   blk.N.ffn_gate / ffn_up / ffn_down             w1 / w3 / w2 [N]
//   output_norm.weight (C)                         finalNorm
//   output.weight (V, C)                           lmHead, absent when tied (llama.cpp reuses token_embd)
// Rotary order: llama.cpp's LLAMA architecture wants Meta's interleaved pairs (2i, 2i+1), which is
// how Wren holds wq/wk in memory (convert_hf_to_gguf.py un-permutes HF's rotate-half rows to get
// there; Wren does the same once, in formats/hf-llama.ts, when it loads an HF folder). So the
// parameters go to GGUF and back as they are: no second permutation here.
//
// Tokenizers: a llama2.c tokenizer.bin becomes tokenizer.ggml.model "llama" (SentencePiece: '▁'
// for space, <0xXX> byte tokens, scores), written as llama.cpp's convert-llama2c-to-ggml does;
// a byte-level BPE becomes "gpt2" (GPT-2 byte-to-unicode token strings and merges). A chat model's
// ChatML template goes in tokenizer.chat_template, where llama.cpp and Wren's loaders look for it.
import { WrenError } from '../errors.ts';
import { ggufGet, ggufTensor, gguf, GGML_TYPES, encodeGguf, readGguf, tensorToF32, type GgmlType, type GgufFile, type GgufMetadata, type GgufTensor } from '../formats/gguf.ts';
import { bytesToByteLevel, byteLevelToBytes } from '../tokenizer/byte-level.ts';
import { CHATML_JINJA } from '../tokenizer/chat-template.ts';
import { BpeTokenizer } from '../tokenizer/bpe-tokenizer.ts';
import { parseMerges } from '../tokenizer/gpt2-files.ts';
import { LLAMA2C_BOS, LLAMA2C_EOS, LLAMA2C_UNK, Llama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import { PRE_TOKENIZERS } from '../tokenizer/pretokenizer.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { checkConsistent, DEFAULTS, headSize, type LlamaConfig } from './config.ts';
import { parameterTable, type ParameterBlock, type ParamName } from './weights.ts';

export type GgufExportType = 'f32' | 'f16' | 'q8_0' | 'q4_0';

const NAMES: Partial<Record<ParamName, string>> = {
  embed: 'token_embd', attnNorm: 'blk.%d.attn_norm', wq: 'blk.%d.attn_q', wk: 'blk.%d.attn_k', wv: 'blk.%d.attn_v',
  wo: 'blk.%d.attn_output', ffnNorm: 'blk.%d.ffn_norm', w1: 'blk.%d.ffn_gate', w2: 'blk.%d.ffn_down', w3: 'blk.%d.ffn_up',
  finalNorm: 'output_norm', lmHead: 'output',
};
const EXPORT_TYPES: Record<GgufExportType, { type: GgmlType; fileType: number }> = { // fileType: llama.cpp's LLAMA_FTYPE_*
  f32: { type: 'F32', fileType: 0 }, f16: { type: 'F16', fileType: 1 }, q4_0: { type: 'Q4_0', fileType: 2 }, q8_0: { type: 'Q8_0', fileType: 7 },
};
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 }; // llama.cpp's llama_token_type
const SPACE = '\u2581'; // SentencePiece's '▁'

/** Every GGUF tensor of a model of config `c`: its name, row-major shape, and slice of the Wren parameter. */
export function* slots(c: LlamaConfig): Generator<{ param: ParamName; name: string; shape: number[]; start: number; size: number }> {
  for (const [param, full] of parameterTable(c)) {
    const template = NAMES[param];
    if (!template) continue;
    const stacked = template.includes('%d'), layers = stacked ? full[0] : 1, shape = stacked ? full.slice(1) : full;
    const size = shape.reduce((a, b) => a * b, 1);
    for (let l = 0; l < layers; l++) yield { param, name: template.replace('%d', String(l)) + '.weight', shape, start: l * size, size };
  }
}

// ---- export ---------------------------------------------------------------------------------

/** The GGUF bytes of a model and its tokenizer; `kept` lists matrices not stored as the asked type, and why. */
export function encodeLlamaGguf(model: { config: LlamaConfig; params: ParameterBlock }, tokenizer: Tokenizer, opts: { type: GgufExportType; name: string; chatTemplate?: boolean }): { bytes: Uint8Array; kept: string[] } {
  const c = model.config, want = EXPORT_TYPES[opts.type];
  const meta: GgufMetadata = new Map([
    ['general.architecture', gguf.string('llama')],
    ['general.name', gguf.string(opts.name)],
    ['general.file_type', gguf.u32(want.fileType)],
    ['llama.context_length', gguf.u32(c.max_position_embeddings)],
    ['llama.embedding_length', gguf.u32(c.hidden_size)],
    ['llama.feed_forward_length', gguf.u32(c.intermediate_size)],
    ['llama.block_count', gguf.u32(c.num_hidden_layers)],
    ['llama.attention.head_count', gguf.u32(c.num_attention_heads)],
    ['llama.attention.head_count_kv', gguf.u32(c.num_key_value_heads)],
    ['llama.rope.dimension_count', gguf.u32(headSize(c))],
    ['llama.rope.freq_base', gguf.f32(c.rope_theta)],
    ['llama.attention.layer_norm_rms_epsilon', gguf.f32(c.rms_norm_eps)],
    ['llama.vocab_size', gguf.u32(c.vocab_size)],
  ]);
  if (want.type === 'Q8_0' || want.type === 'Q4_0') meta.set('general.quantization_version', gguf.u32(2));
  if (tokenizer.vocabSize !== c.vocab_size) throw new WrenError(`the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${c.vocab_size}`);
  if (tokenizer instanceof Llama2cTokenizer) llamaTokenizerMetadata(tokenizer, meta);
  else if (tokenizer instanceof BpeTokenizer) gpt2TokenizerMetadata(tokenizer, meta);
  else throw new WrenError('GGUF export needs a llama2.c tokenizer.bin or a byte-level BPE tokenizer.json');
  if (opts.chatTemplate) meta.set('tokenizer.chat_template', gguf.string(CHATML_JINJA)); // llama.cpp knows ChatML by this text

  const tensors: GgufTensor[] = [], kept = new Set<string>();
  for (const { param, name, shape, start, size } of slots(c)) {
    const values = model.params.view(param).subarray(start, start + size);
    let type = want.type;
    if (shape.length === 1) type = 'F32'; // llama.cpp keeps norm weights in F32
    else if (shape[1] % GGML_TYPES[type].block !== 0) {
      type = 'F16';
      kept.add(`${name.replace(/^blk\.\d+\./, 'blk.*.')} stored as F16: its rows of ${shape[1]} are not whole ${GGML_TYPES[want.type].block}-value ${want.type} blocks`);
    }
    tensors.push(ggufTensor(name, shape, values, type));
  }
  return { bytes: encodeGguf(meta, tensors), kept: [...kept] };
}

function llamaTokenizerMetadata(t: Llama2cTokenizer, meta: GgufMetadata): void {
  const fixed: Record<number, string> = { [LLAMA2C_UNK]: '<unk>', [LLAMA2C_BOS]: '<s>', [LLAMA2C_EOS]: '</s>' }; // tokenizer.bin spells BOS '\n<s>\n'
  const tokens = t.pieces.map((p, id) => fixed[id] ?? utf8Text(p, id).replaceAll(' ', SPACE));
  const types = tokens.map((_, id) => id === LLAMA2C_UNK ? TOKEN_TYPE.unknown : id === LLAMA2C_BOS || id === LLAMA2C_EOS ? TOKEN_TYPE.control
    : id >= 3 && id < 259 ? TOKEN_TYPE.byte : TOKEN_TYPE.normal);
  meta.set('tokenizer.ggml.model', gguf.string('llama'));
  meta.set('tokenizer.ggml.tokens', gguf.array('string', tokens));
  meta.set('tokenizer.ggml.scores', gguf.array('f32', t.scores));
  meta.set('tokenizer.ggml.token_type', gguf.array('i32', types));
  meta.set('tokenizer.ggml.bos_token_id', gguf.u32(LLAMA2C_BOS));
  meta.set('tokenizer.ggml.eos_token_id', gguf.u32(LLAMA2C_EOS));
  meta.set('tokenizer.ggml.unknown_token_id', gguf.u32(LLAMA2C_UNK));
  meta.set('tokenizer.ggml.add_bos_token', gguf.bool(true));
  meta.set('tokenizer.ggml.add_eos_token', gguf.bool(false));
  meta.set('tokenizer.ggml.add_space_prefix', gguf.bool(true)); // run.c's dummy prefix
}

function gpt2TokenizerMetadata(t: BpeTokenizer, meta: GgufMetadata): void {
  const { spec } = t;
  const pre = spec.preTokenizer.name === 'gpt2' ? 'gpt-2' : spec.preTokenizer.name === 'llama3' ? 'llama-bpe' : undefined;
  if (!pre) throw new WrenError(`${t.source}: llama.cpp has no pre-tokenizer for the custom pattern ${JSON.stringify(spec.preTokenizer.pattern).slice(0, 80)}; GGUF export supports GPT-2's and Llama-3's`);
  const specials = new Map(spec.specialTokens.map((s) => [s.id, s.content]));
  const tokens = spec.tokens.map((bytes, id) => specials.get(id) ?? bytesToByteLevel(bytes));
  meta.set('tokenizer.ggml.model', gguf.string('gpt2'));
  meta.set('tokenizer.ggml.pre', gguf.string(pre));
  meta.set('tokenizer.ggml.tokens', gguf.array('string', tokens));
  meta.set('tokenizer.ggml.token_type', gguf.array('i32', tokens.map((_, id) => specials.has(id) ? TOKEN_TYPE.control : TOKEN_TYPE.normal)));
  meta.set('tokenizer.ggml.merges', gguf.array('string', spec.merges.map(([a, b]) => `${tokens[a]} ${tokens[b]}`)));
  if (t.bosId !== undefined) meta.set('tokenizer.ggml.bos_token_id', gguf.u32(t.bosId));
  if (t.eosId !== undefined) meta.set('tokenizer.ggml.eos_token_id', gguf.u32(t.eosId));
  if (t.eosId !== undefined) meta.set('tokenizer.ggml.padding_token_id', gguf.u32(t.eosId)); // GPT-2 has no pad; EOS by convention
  meta.set('tokenizer.ggml.add_bos_token', gguf.bool(t.bosId !== undefined)); // Wren prepends BOS whenever there is one
  meta.set('tokenizer.ggml.add_eos_token', gguf.bool(false));
}

function utf8Text(bytes: Uint8Array, id: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new WrenError(`token ${id} is not valid UTF-8, which a GGUF token string must be`);
  }
}

// ---- import ---------------------------------------------------------------------------------

/** A llama GGUF's config and its parameters as float32 (every tensor type dequantized). */
export function readLlamaGguf(path: string): { config: LlamaConfig; tensors: Map<ParamName, Float32Array> } {
  const file = readGguf(path);
  const config = llamaConfigFromGguf(file, path);
  const tensors = new Map<ParamName, Float32Array>(), used = new Set<string>();
  for (const [param, shape] of parameterTable(config)) if (NAMES[param]) tensors.set(param, new Float32Array(shape.reduce((a, b) => a * b, 1)));
  for (const { param, name, shape, start } of slots(config)) {
    const t = file.tensors.get(name);
    if (!t) throw new WrenError(`${path}: missing tensor '${name}' (expected shape ${JSON.stringify(shape)})`);
    if (t.shape.join(',') !== shape.join(',')) throw new WrenError(`${path}: tensor '${name}' has shape ${JSON.stringify(t.shape)}, the metadata implies ${JSON.stringify(shape)}`);
    tensors.get(param)!.set(tensorToF32(t), start);
    used.add(name);
  }
  const extra = [...file.tensors.keys()].filter((n) => !used.has(n));
  if (extra.length) throw new WrenError(`${path}: tensors Wren's Llama has no place for: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);
  return { config, tensors };
}

export function llamaConfigFromGguf(file: GgufFile, path: string): LlamaConfig {
  const arch = ggufGet(file, 'general.architecture', ['string'], path);
  if (arch !== 'llama') throw new WrenError(`${path}: GGUF architecture ${arch === undefined ? 'is missing' : `'${arch}' is not supported`}; Wren loads 'llama' models`);
  const int = (key: string, fallback?: number): number => {
    const v = ggufGet(file, `llama.${key}`, ['u8', 'u16', 'u32', 'i32', 'u64', 'i64'], path);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === undefined || Number(v) <= 0) throw new WrenError(`${path}: GGUF key 'llama.${key}' is ${v === undefined ? 'missing' : `${v}, not a positive integer`}`);
    return Number(v);
  };
  const real = (key: string, fallback: number) => shortestF32(ggufGet(file, `llama.${key}`, ['f32', 'f64'], path) ?? fallback);
  const embd = file.tensors.get('token_embd.weight');
  const heads = int('attention.head_count');
  const c: LlamaConfig = {
    hidden_size: int('embedding_length'), intermediate_size: int('feed_forward_length'), num_hidden_layers: int('block_count'),
    num_attention_heads: heads, num_key_value_heads: int('attention.head_count_kv', heads),
    vocab_size: int('vocab_size', embd?.shape[0] ?? ggufArrayLength(file, 'tokenizer.ggml.tokens')),
    max_position_embeddings: int('context_length'), rope_theta: real('rope.freq_base', DEFAULTS.rope_theta),
    rms_norm_eps: real('attention.layer_norm_rms_epsilon', DEFAULTS.rms_norm_eps), tie_word_embeddings: !file.tensors.has('output.weight'),
  };
  const bos = ggufGet(file, 'tokenizer.ggml.bos_token_id', ['u32', 'i32'], path), eos = ggufGet(file, 'tokenizer.ggml.eos_token_id', ['u32', 'i32'], path);
  if (bos !== undefined) c.bos_token_id = bos;
  if (eos !== undefined) c.eos_token_id = eos;
  checkConsistent(c, path);
  // what Wren's forward pass cannot honour
  for (const key of ['rope.dimension_count', 'attention.key_length', 'attention.value_length']) {
    if (int(key, headSize(c)) !== headSize(c)) throw new WrenError(`${path}: llama.${key} is ${int(key)}, but Wren needs the head size ${headSize(c)} there`);
  }
  const scaling = ggufGet(file, 'llama.rope.scaling.type', ['string'], path);
  if (scaling !== undefined && scaling !== 'none') throw new WrenError(`${path}: RoPE scaling '${scaling}' is not supported`);
  const experts = ggufGet(file, 'llama.expert_count', ['u8', 'u16', 'u32', 'i32', 'u64', 'i64'], path);
  if (experts !== undefined && Number(experts) > 0) throw new WrenError(`${path}: mixture-of-experts llama models (llama.expert_count ${experts}) are not supported`);
  return c;
}

/** The shortest decimal that is the same float32 (GGUF's 1e-5 comes back as 1e-5, not 9.99999974e-6). */
function shortestF32(x: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === Math.fround(x)) return y;
  }
  return x;
}

function ggufArrayLength(file: GgufFile, key: string): number {
  const v = file.metadata.get(key);
  return v?.type === 'array' ? v.value.items.length : 0;
}

/** The tokenizer stored in a GGUF file (reads only its header). */
export function loadGgufTokenizer(path: string): Tokenizer {
  return ggufTokenizer(readGguf(path, { metadataOnly: true }), path);
}

/** Whether a GGUF file carries Wren's ChatML as tokenizer.chat_template (written by export for a
 *  chat model). Another template (a model converted elsewhere) is not one Wren renders: such a
 *  file is run as a plain LM, as a file without a template is. */
export function ggufHasChatTemplate(file: GgufFile, path: string): boolean {
  return ggufGet(file, 'tokenizer.chat_template', ['string'], path) === CHATML_JINJA;
}

/** The tokenizer in a parsed GGUF file (its metadata is enough); `path` names it in errors. */
export function ggufTokenizer(file: GgufFile, path: string): Tokenizer {
  const model = ggufGet(file, 'tokenizer.ggml.model', ['string'], path);
  const strings = (key: string, required: boolean): string[] | undefined => {
    const v = ggufGet(file, key, ['array'], path);
    if (v === undefined && !required) return undefined;
    if (v === undefined || v.itemType !== 'string') throw new WrenError(`${path}: GGUF key '${key}' must be an array of strings`);
    return v.items as string[];
  };
  const numbers = (key: string): number[] | undefined => {
    const v = ggufGet(file, key, ['array'], path);
    if (v !== undefined && !['f32', 'i32', 'u32', 'f64'].includes(v.itemType)) throw new WrenError(`${path}: GGUF key '${key}' must be an array of numbers`);
    return v?.items as number[] | undefined;
  };
  if (model === undefined) throw new WrenError(`${path}: the GGUF file has no tokenizer (tokenizer.ggml.model); pass --tokenizer PATH`);
  const tokens = strings('tokenizer.ggml.tokens', true)!, types = numbers('tokenizer.ggml.token_type') ?? [];
  if (model === 'llama') {
    const id = (key: string, want: number) => {
      const v = ggufGet(file, `tokenizer.ggml.${key}`, ['u32', 'i32'], path) ?? want;
      if (v !== want) throw new WrenError(`${path}: tokenizer.ggml.${key} is ${v}; Wren reads 'llama' tokenizers laid out as llama2.c's (<unk> 0, <s> 1, </s> 2, then 256 byte tokens)`);
    };
    id('unknown_token_id', LLAMA2C_UNK); id('bos_token_id', LLAMA2C_BOS); id('eos_token_id', LLAMA2C_EOS);
    const pieces = tokens.map((s, i) => new TextEncoder().encode(types[i] === TOKEN_TYPE.control && (i === LLAMA2C_BOS || i === LLAMA2C_EOS) ? `\n${s}\n` : s.replaceAll(SPACE, ' ')));
    const scores = Float32Array.from(numbers('tokenizer.ggml.scores') ?? tokens.map(() => 0));
    return new Llama2cTokenizer(pieces, scores, pieces.reduce((n, p) => Math.max(n, p.length), 0), path);
  }
  if (model === 'gpt2') {
    const preName = ggufGet(file, 'tokenizer.ggml.pre', ['string'], path) ?? 'gpt-2';
    const preTokenizer = preName === 'gpt-2' ? PRE_TOKENIZERS.gpt2 : preName === 'llama-bpe' ? PRE_TOKENIZERS.llama3 : undefined;
    if (!preTokenizer) throw new WrenError(`${path}: pre-tokenizer '${preName}' is not supported; Wren runs 'gpt-2' and 'llama-bpe'`);
    const special = (id: number) => types[id] === TOKEN_TYPE.control || types[id] === TOKEN_TYPE.userDefined || types[id] === TOKEN_TYPE.unknown || types[id] === TOKEN_TYPE.unused;
    const ids = new Map<string, number>();
    const bytes = tokens.map((s, id) => {
      if (special(id)) return new TextEncoder().encode(s);
      if (!ids.has(s)) ids.set(s, id);
      const b = byteLevelToBytes(s);
      if (!b) throw new WrenError(`${path}: token ${id} ${JSON.stringify(s)} is not a byte-level string; only byte-level BPE 'gpt2' vocabularies are supported`);
      return b;
    });
    const merges = parseMerges(strings('tokenizer.ggml.merges', false) ?? [], ids, (i) => `${path}: tokenizer.ggml.merges[${i}]`);
    const specialTokens = tokens.flatMap((content, id) => special(id) ? [{ content, id }] : []);
    return new BpeTokenizer({ tokens: bytes, merges, specialTokens, preTokenizer, ignoreMerges: preName === 'llama-bpe' }, path);
  }
  throw new WrenError(`${path}: tokenizer model '${model}' is not supported; Wren reads 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)`);
}
