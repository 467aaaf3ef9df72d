// One sequence's memory during inference: its keys and values for every layer, (L, S, Hkv*D)
// each, and how many positions they hold. Weights are shared; a server holds one cache per slot.
import type { Backend } from '../engine/backend.ts';
import type { Ptr } from '../engine/arena.ts';
import { headSize, type LlamaConfig } from './config.ts';

export class KvCache {
  readonly keys: Ptr;
  readonly values: Ptr;
  /** Positions filled so far: the next token goes at this position. */
  pos = 0;

  constructor(config: LlamaConfig, backend: Backend) {
    const floats = config.num_hidden_layers * config.max_position_embeddings * config.num_key_value_heads * headSize(config);
    this.keys = backend.arena.allocF32(floats);
    this.values = backend.arena.allocF32(floats);
  }

  reset(): void {
    this.pos = 0;
  }
}
