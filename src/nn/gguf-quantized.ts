// A llama GGUF loaded with its Q8_0 / Q4_0 matrices kept as blocks (quantized-weights.ts) rather
// than dequantized: a parameter whose tensors are all one quantized type, in every layer, goes to
// the arena as it is stored; every other tensor (F32, F16, a parameter of mixed types) is read as
// float32. The token embedding is always read as floats for the lookup too; when the classifier
// is tied to it, its blocks also serve the classifier, as in llama.cpp.
import type { Backend } from '../engine/backend.ts';
import { WrenError } from '../errors.ts';
import { parseGguf, readGguf, tensorToF32 } from '../formats/gguf.ts';
import type { LlamaConfig } from './config.ts';
import { LlamaModel } from './llama.ts';
import { llamaConfigFromGguf, slots } from './gguf-llama.ts';
import { QUANT_KERNELS, QuantizedWeights, type QuantType } from './quantized-weights.ts';
import { parameterTable, type ParamName } from './weights.ts';

export type QuantizedGguf = { config: LlamaConfig; floats: Map<ParamName, Float32Array>; quantized: QuantizedWeights };

/** `source`: a GGUF file's path, or its bytes (a browser's fetch; `name` then names it in errors). */
export function readLlamaGgufQuantized(source: string | Uint8Array, backend: Backend, name = 'model.gguf'): QuantizedGguf {
  const path = typeof source === 'string' ? source : name;
  const file = typeof source === 'string' ? readGguf(source) : parseGguf(source, name);
  const config = llamaConfigFromGguf(file, path);
  const bySlot = new Map<ParamName, { name: string; shape: number[]; start: number }[]>();
  for (const slot of slots(config)) {
    const t = file.tensors.get(slot.name);
    if (!t) throw new WrenError(`${path}: missing tensor '${slot.name}' (expected shape ${JSON.stringify(slot.shape)})`);
    if (t.shape.join(',') !== slot.shape.join(',')) throw new WrenError(`${path}: tensor '${slot.name}' has shape ${JSON.stringify(t.shape)}, the metadata implies ${JSON.stringify(slot.shape)}`);
    if (!bySlot.has(slot.param)) bySlot.set(slot.param, []);
    bySlot.get(slot.param)!.push(slot);
  }
  const used = new Set([...bySlot.values()].flatMap((list) => list.map((s) => s.name)));
  const extra = [...file.tensors.keys()].filter((n) => !used.has(n));
  if (extra.length) throw new WrenError(`${path}: tensors Wren's Llama has no place for: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);

  const quantized = new QuantizedWeights(backend.arena), floats = new Map<ParamName, Float32Array>();
  const tied = !bySlot.has('lmHead');
  for (const [param, shape] of parameterTable(config)) {
    const list = bySlot.get(param);
    if (!list) continue;
    const tensors = list.map((s) => file.tensors.get(s.name)!);
    const type = tensors[0].type;
    const matrix = shape.length >= 2 && list[0].shape.length === 2;
    const quant = matrix && (type === 'Q8_0' || type === 'Q4_0') && tensors.every((t) => t.type === type) && backend.supports(QUANT_KERNELS[type]);
    if (quant && (param !== 'embed' || tied)) quantized.add(param, type as QuantType, tensors.map((t) => t.data));
    if (quant && param !== 'embed') continue;
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    list.forEach((s, i) => data.set(tensorToF32(tensors[i]), s.start));
    floats.set(param, data);
  }
  return { config, floats, quantized };
}

/** A LlamaModel on `backend` from a GGUF (path or bytes), its quantized matrices kept as blocks. */
export function loadQuantizedGgufModel(source: string | Uint8Array, backend: Backend, maxRows?: number, name?: string): LlamaModel {
  const q = readLlamaGgufQuantized(source, backend, name);
  const model = new LlamaModel(q.config, backend, maxRows, q.quantized);
  for (const [param, data] of q.floats) model.params.view(param).set(data);
  return model;
}
