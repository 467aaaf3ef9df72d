// Wren's parameters ↔ Hugging Face LlamaForCausalLM tensors (model.layers.{l}.self_attn.q_proj.weight, …).
// Wren keeps rotary pairs interleaved (2i, 2i+1) like Meta's and llama2.c's weights; HF rotates
// halves (i, i + D/2), so q_proj and k_proj rows are permuted per head on the way out and back,
// exactly as llama2.c's and transformers' conversion scripts do.
import { WrenError } from '../errors.ts';
import { headSize, type LlamaConfig } from '../nn/config.ts';
import type { ParameterBlock, ParamName } from '../nn/weights.ts';

type Mapping = { param: ParamName; hf: (layer: number) => string; rotaryHeads?: (c: LlamaConfig) => number };

const LAYER = (s: string) => (l: number) => `model.layers.${l}.${s}`;
const MAPPINGS: Mapping[] = [
  { param: 'embed', hf: () => 'model.embed_tokens.weight' },
  { param: 'attnNorm', hf: LAYER('input_layernorm.weight') },
  { param: 'wq', hf: LAYER('self_attn.q_proj.weight'), rotaryHeads: (c) => c.num_attention_heads },
  { param: 'wk', hf: LAYER('self_attn.k_proj.weight'), rotaryHeads: (c) => c.num_key_value_heads },
  { param: 'wv', hf: LAYER('self_attn.v_proj.weight') },
  { param: 'wo', hf: LAYER('self_attn.o_proj.weight') },
  { param: 'ffnNorm', hf: LAYER('post_attention_layernorm.weight') },
  { param: 'w1', hf: LAYER('mlp.gate_proj.weight') },
  { param: 'w2', hf: LAYER('mlp.down_proj.weight') },
  { param: 'w3', hf: LAYER('mlp.up_proj.weight') },
  { param: 'finalNorm', hf: () => 'model.norm.weight' },
  { param: 'lmHead', hf: () => 'lm_head.weight' },
  { param: 'score', hf: () => 'score.weight' }, // LlamaForSequenceClassification's head
];

const STACKED = new Set<ParamName>(['attnNorm', 'wq', 'wk', 'wv', 'wo', 'ffnNorm', 'w1', 'w2', 'w3']);

/** Rows of one (heads*D, in) matrix from interleaved to half order (toHf) or back. */
function permuteRotary(w: Float32Array, heads: number, D: number, cols: number, toHf: boolean): Float32Array {
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++) {
    for (let half = 0; half < 2; half++) {
      for (let i = 0; i < D / 2; i++) {
        const hfRow = h * D + half * (D / 2) + i, metaRow = h * D + 2 * i + half;
        const [src, dst] = toHf ? [metaRow, hfRow] : [hfRow, metaRow];
        out.set(w.subarray(src * cols, (src + 1) * cols), dst * cols);
      }
    }
  }
  return out;
}

/** Each HF tensor of the model: its name, shape, mapping, and where it sits in the parameter view. */
function* hfSlots(params: ParameterBlock): Generator<{ m: Mapping; name: string; shape: number[]; view: Float32Array; start: number; size: number }> {
  for (const m of MAPPINGS) {
    if (!params.has(m.param)) continue;
    const e = params.entry(m.param), view = params.view(m.param);
    const layers = STACKED.has(m.param) ? e.shape[0] : 1;
    const shape = STACKED.has(m.param) ? e.shape.slice(1) : e.shape;
    const size = e.size / layers;
    for (let l = 0; l < layers; l++) yield { m, name: m.hf(l), shape, view, start: l * size, size };
  }
}

/** HF-named tensors for every parameter, in a stable order. */
export function toHfTensors(c: LlamaConfig, params: ParameterBlock): [string, { shape: number[]; data: Float32Array }][] {
  const out: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const { m, name, shape, view, start, size } of hfSlots(params)) {
    let data: Float32Array = view.slice(start, start + size);
    if (m.rotaryHeads) data = permuteRotary(data, m.rotaryHeads(c), headSize(c), shape[1], true);
    out.push([name, { shape, data }]);
  }
  return out;
}

/** Fill `params` from HF-named tensors; every expected tensor must be present with its exact shape. */
export function fromHfTensors(c: LlamaConfig, tensors: Map<string, { shape: number[]; data: Float32Array }>, params: ParameterBlock, source: string): void {
  const used = new Set<string>();
  for (const { m, name, shape, view, start } of hfSlots(params)) {
    const t = tensors.get(name);
    if (!t) throw new WrenError(`${source}: missing tensor '${name}' (expected shape ${JSON.stringify(shape)})`);
    if (t.shape.join(',') !== shape.join(',')) {
      throw new WrenError(`${source}: tensor '${name}' has shape ${JSON.stringify(t.shape)}, config.json implies ${JSON.stringify(shape)}`);
    }
    view.set(m.rotaryHeads ? permuteRotary(t.data, m.rotaryHeads(c), headSize(c), shape[1], false) : t.data, start);
    used.add(name);
  }
  const extra = [...tensors.keys()].filter((n) => !used.has(n) && !n.endsWith('rotary_emb.inv_freq'));
  if (extra.length) throw new WrenError(`${source}: unexpected tensors not in a Llama model of this config: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);
}
