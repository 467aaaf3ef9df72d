// Weight matrices held quantized in the arena (ggml's Q8_0 / Q4_0 blocks, the bytes GGUF stores),
// multiplied by the quantized matmul kernels: a Q8_0 model's matrices take ~27% of their float32
// bytes, a Q4_0 model's ~14%. A parameter is held quantized whole (every layer of one type);
// LlamaModel.linear() runs its kernel instead of matmul. Everything else (norms, and the token
// embedding, which a lookup reads as floats) stays in the float32 ParameterBlock.
import type { Arena, Ptr } from '../engine/arena.ts';
import type { KernelName } from '../engine/kernels.ts';
import type { ParamName } from './weights.ts';

export type QuantType = 'Q8_0' | 'Q4_0';
export const QUANT_KERNELS: Record<QuantType, KernelName & ('matmul_q8_0' | 'matmul_q4_0')> = { Q8_0: 'matmul_q8_0', Q4_0: 'matmul_q4_0' };

/** One quantized parameter: layer l's (N, K/32) blocks start at ptr + l·layerBytes. */
export type QuantizedEntry = { type: QuantType; kernel: 'matmul_q8_0' | 'matmul_q4_0'; ptr: Ptr; layerBytes: number; layers: number };

export class QuantizedWeights {
  private readonly entries = new Map<ParamName, QuantizedEntry>();

  constructor(private readonly arena: Arena) {}

  /** Copy a parameter's blocks (all layers, one after another) into the arena. */
  add(name: ParamName, type: QuantType, layerBlocks: Uint8Array[]): void {
    const layerBytes = layerBlocks[0].length, ptr = this.arena.alloc(layerBytes * layerBlocks.length);
    layerBlocks.forEach((b, l) => this.arena.u8.set(b, ptr + l * layerBytes));
    this.entries.set(name, { type, kernel: QUANT_KERNELS[type], ptr, layerBytes, layers: layerBlocks.length });
  }

  get(name: ParamName): QuantizedEntry | undefined {
    return this.entries.get(name);
  }

  /** The float32 parameter table less the matrices held here (the embedding stays: lookups read floats). */
  floatTable(table: [ParamName, number[]][]): [ParamName, number[]][] {
    return table.filter(([name]) => name === 'embed' || !this.entries.has(name));
  }

  /** name → type of every quantized parameter (what `wren generate --stats` and tests report). */
  types(): Map<ParamName, QuantType> {
    return new Map([...this.entries].map(([n, e]) => [n, e.type]));
  }

  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.layerBytes * e.layers;
    return n;
  }
}
