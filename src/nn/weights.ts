// Model parameters: one arena block laid out from a single [name, shape] table (STYLE 5), so
// zeroing, saving and the optimiser each see one contiguous buffer. Layers are stacked on the
// leading axis (llama2.c / llm.c layout); the HF exporter splits them into per-layer tensors.
// Matrices are (out, in) row-major, as PyTorch's nn.Linear stores them.
import type { Arena, Ptr } from '../engine/arena.ts';
import { headSize, type LlamaConfig } from './config.ts';

export type ParamName =
  | 'embed' | 'attnNorm' | 'wq' | 'wk' | 'wv' | 'wo' | 'ffnNorm' | 'w1' | 'w2' | 'w3' | 'finalNorm' | 'lmHead'
  | 'score'; // classification head (numClasses, C) of the sequence classifiers (heads/sequence-classifier.ts)

export type ParamEntry = { name: ParamName; shape: number[]; offset: number /* floats from block start */; size: number };

/** Parameters of a model of config `c`, every matrix counted (also those a GGUF holds quantized). */
export function parameterCount(c: LlamaConfig): number {
  return parameterTable(c).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
}

export function parameterTable(c: LlamaConfig): [ParamName, number[]][] {
  const C = c.hidden_size, F = c.intermediate_size, L = c.num_hidden_layers, V = c.vocab_size;
  const qDim = c.num_attention_heads * headSize(c), kvDim = c.num_key_value_heads * headSize(c);
  const table: [ParamName, number[]][] = [
    ['embed',     [V, C]],       // token embedding
    ['attnNorm',  [L, C]],       // RMSNorm before attention
    ['wq',        [L, qDim, C]],
    ['wk',        [L, kvDim, C]],
    ['wv',        [L, kvDim, C]],
    ['wo',        [L, C, qDim]],
    ['ffnNorm',   [L, C]],       // RMSNorm before the MLP
    ['w1',        [L, F, C]],    // gate_proj
    ['w2',        [L, C, F]],    // down_proj
    ['w3',        [L, F, C]],    // up_proj
    ['finalNorm', [C]],
  ];
  if (!c.tie_word_embeddings) table.push(['lmHead', [V, C]]);
  return table;
}

/** A block of float32 tensors in the arena, addressed by name (and layer for stacked tensors). */
export class ParameterBlock {
  readonly entries: Map<ParamName, ParamEntry>;
  readonly base: Ptr;
  readonly size: number; // floats

  constructor(readonly arena: Arena, table: [ParamName, number[]][], base?: Ptr) {
    this.entries = new Map();
    let offset = 0;
    for (const [name, shape] of table) {
      const size = shape.reduce((a, b) => a * b, 1);
      this.entries.set(name, { name, shape, offset, size });
      offset += size;
    }
    this.size = offset;
    this.base = base ?? arena.allocF32(offset);
  }

  has(name: ParamName): boolean {
    return this.entries.has(name);
  }

  entry(name: ParamName): ParamEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`no parameter '${name}'`);
    return e;
  }

  /** Byte pointer to tensor `name`, or to layer `layer` of a stacked tensor. */
  ptr(name: ParamName, layer = 0): Ptr {
    const e = this.entry(name);
    const perLayer = layer ? e.size / e.shape[0] : 0;
    return this.base + (e.offset + layer * perLayer) * 4;
  }

  /** A float32 view of tensor `name` (valid until the arena grows). */
  view(name: ParamName): Float32Array {
    const e = this.entry(name);
    return this.arena.f32At(this.base + e.offset * 4, e.size);
  }

  all(): Float32Array {
    return this.arena.f32At(this.base, this.size);
  }
}
