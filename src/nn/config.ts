// Model configuration in Hugging Face's LlamaConfig vocabulary (the names config.json uses),
// validated once so every size the model relies on is consistent.
import { WrenError } from '../errors.ts';

export type LlamaConfig = {
  hidden_size: number;            // C
  intermediate_size: number;      // F
  num_hidden_layers: number;      // L
  num_attention_heads: number;    // H
  num_key_value_heads: number;    // Hkv (grouped-query attention when < H)
  vocab_size: number;             // V
  max_position_embeddings: number; // context length
  rope_theta: number;
  rms_norm_eps: number;
  tie_word_embeddings: boolean;
  bos_token_id?: number;
  eos_token_id?: number;
};

const INT_FIELDS = [
  'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads',
  'num_key_value_heads', 'vocab_size', 'max_position_embeddings',
] as const;

/** Fields other tools write into config.json that Wren reads past without using. */
const KNOWN_EXTRA = new Set([
  'architectures', 'model_type', 'torch_dtype', 'hidden_act', 'initializer_range', 'use_cache',
  'pretraining_tp', 'rope_scaling', 'attention_bias', 'attention_dropout', 'mlp_bias', 'transformers_version',
  'head_dim', 'pad_token_id', 'wren',
]);

export const DEFAULTS = { rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: false };

/** Check a parsed config.json; `source` names the file in errors. */
export function parseLlamaConfig(raw: unknown, source = 'config'): LlamaConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WrenError(`${source}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(INT_FIELDS as readonly string[]).includes(key) && !(key in DEFAULTS) && !KNOWN_EXTRA.has(key)
      && key !== 'bos_token_id' && key !== 'eos_token_id') {
      throw new WrenError(`${source}: unknown field '${key}'`);
    }
  }
  const cfg = { ...DEFAULTS } as Record<string, unknown>;
  for (const f of INT_FIELDS) {
    const v = f === 'num_key_value_heads' && obj[f] === undefined ? obj.num_attention_heads : obj[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new WrenError(`${source}: '${f}' must be a positive integer, got ${JSON.stringify(v)}`);
    }
    cfg[f] = v;
  }
  for (const f of ['rope_theta', 'rms_norm_eps'] as const) {
    if (obj[f] === undefined) continue;
    if (typeof obj[f] !== 'number' || !(Number(obj[f]) > 0)) throw new WrenError(`${source}: '${f}' must be a positive number`);
    cfg[f] = obj[f];
  }
  if (obj.tie_word_embeddings !== undefined) {
    if (typeof obj.tie_word_embeddings !== 'boolean') throw new WrenError(`${source}: 'tie_word_embeddings' must be true or false`);
    cfg.tie_word_embeddings = obj.tie_word_embeddings;
  }
  for (const f of ['bos_token_id', 'eos_token_id'] as const) {
    if (typeof obj[f] === 'number') cfg[f] = obj[f];
  }
  const c = cfg as LlamaConfig;
  checkConsistent(c, source);
  return c;
}

export function checkConsistent(c: LlamaConfig, source = 'config'): void {
  const fail = (msg: string) => { throw new WrenError(`${source}: ${msg}`); };
  if (c.hidden_size % c.num_attention_heads !== 0) {
    fail(`hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`);
  }
  if (c.num_attention_heads % c.num_key_value_heads !== 0) {
    fail(`num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${c.num_key_value_heads}`);
  }
  if (headSize(c) % 2 !== 0) fail(`head size ${headSize(c)} must be even for rotary embeddings`);
}

export function headSize(c: LlamaConfig): number {
  return c.hidden_size / c.num_attention_heads;
}

/** The HF config.json Wren writes beside its weights (readable by transformers and llama.cpp's converter). */
export function toHfConfigJson(c: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_act: 'silu',
    torch_dtype: 'float32',
    ...c,
  };
}
