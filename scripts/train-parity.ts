// Parity with PyTorch, step 1 of 2 (outside CI): writes a small random model (HF layout), one
// batch, and Wren's loss and gradients (HF tensor names) to OUT; scripts/train-parity.py then
// recomputes them with PyTorch from the same files and compares.
//   node --import tsx scripts/train-parity.ts OUT [backend]   &&   /usr/bin/python3 scripts/train-parity.py OUT
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend, type BackendName } from '../src/engine/backend.ts';
import { toHfTensors } from '../src/formats/hf-llama.ts';
import { encodeSafetensors } from '../src/formats/safetensors.ts';
import { toHfConfigJson, type LlamaConfig } from '../src/nn/config.ts';
import { initParameters } from '../src/nn/init.ts';
import { CausalLM } from '../src/nn/heads/causal-lm.ts';
import { SeededRng } from '../src/util/rng.ts';

const out = process.argv[2] ?? 'parity-out', backendName = (process.argv[3] ?? 'auto') as BackendName | 'auto';
const config: LlamaConfig = { hidden_size: 64, intermediate_size: 172, num_hidden_layers: 3, num_attention_heads: 8, num_key_value_heads: 4,
  vocab_size: 512, max_position_embeddings: 128, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true };
const B = 4, T = 96;
const backend = await createBackend({ backend: backendName, threads: 2 });
const model = new CausalLM(config, backend, B, T);
initParameters(model.params, config, 11, 0.05);
const rng = new SeededRng(3), tokens = Array.from({ length: B * (T + 1) }, () => rng.below(config.vocab_size));
model.setBatch(tokens);
model.zeroGrads();
model.forward(1 / (B * T));
model.backward();
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'config.json'), JSON.stringify(toHfConfigJson(config), null, 2));
writeFileSync(join(out, 'model.safetensors'), encodeSafetensors(toHfTensors(config, model.params)));
writeFileSync(join(out, 'grads.safetensors'), encodeSafetensors(toHfTensors(config, model.grads)));
writeFileSync(join(out, 'batch.json'), JSON.stringify({ B, T, tokens, loss: model.meanLoss(), backend: backend.description }));
console.log(`wrote ${out}: loss ${model.meanLoss()} on ${backend.description}`);
backend.dispose();
