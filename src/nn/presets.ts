// Named model shapes (HF config fields), used by `wren init --preset`, benchmarks and the quickstart.
import type { LlamaConfig } from './config.ts';

const base = { rope_theta: 10000, rms_norm_eps: 1e-5 };

export const PRESETS: Record<string, LlamaConfig> = {
  // karpathy's stories260K shape
  'stories260K': { ...base, hidden_size: 64, intermediate_size: 172, num_hidden_layers: 5, num_attention_heads: 8, num_key_value_heads: 4, vocab_size: 512, max_position_embeddings: 512, tie_word_embeddings: true },
  // karpathy's stories15M shape with a small vocabulary, and with Llama 2's
  'stories15M-v4096': { ...base, hidden_size: 288, intermediate_size: 768, num_hidden_layers: 6, num_attention_heads: 6, num_key_value_heads: 6, vocab_size: 4096, max_position_embeddings: 256, tie_word_embeddings: true },
  'stories15M': { ...base, hidden_size: 288, intermediate_size: 768, num_hidden_layers: 6, num_attention_heads: 6, num_key_value_heads: 6, vocab_size: 32000, max_position_embeddings: 256, tie_word_embeddings: true },
};
