// `wren init`: write a randomly initialised model folder (config.json + model.safetensors).
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createBackend } from '../engine/backend.ts';
import { parseLlamaConfig } from '../nn/config.ts';
import { initParameters } from '../nn/init.ts';
import { LlamaModel } from '../nn/llama.ts';
import { loadTokenizerFor, readConfigFile, saveModel } from '../nn/load.ts';
import { PRESETS } from '../nn/presets.ts';
import { CliError, intFlag, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren init (--config FILE | --preset NAME) --out DIR [--seed S] [--tokenizer PATH] [--force]

  --config FILE     HF-style config.json (hidden_size, num_attention_heads, …)
  --preset NAME     one of: ${Object.keys(PRESETS).join(', ')}
  --out DIR         folder to write (must be empty or absent unless --force)
  --seed S          initialisation seed (default 0)
  --tokenizer PATH  copy this tokenizer into the folder (its size must match vocab_size)`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    config: { type: 'string' }, preset: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' },
    tokenizer: { type: 'string' }, force: { type: 'boolean' },
  }, HELP);
  const out = requiredFlag(v.out, 'out');
  if (!v.config === !v.preset) throw new CliError('pass exactly one of --config FILE or --preset NAME');
  const preset = v.preset as string | undefined;
  if (preset && !PRESETS[preset]) throw new CliError(`unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const config = preset ? parseLlamaConfig(PRESETS[preset], `preset ${preset}`) : readConfigFile(v.config as string);
  const seed = intFlag(v.seed, 'seed', 0, 0, 2 ** 32 - 1);
  if (existsSync(out) && readdirSync(out).length > 0 && !v.force) {
    throw new CliError(`${out} is not empty; pass --force to overwrite the model files in it`);
  }
  const backend = await createBackend({ backend: 'reference' });
  try {
    const model = new LlamaModel(config, backend, 1);
    initParameters(model.params, config, seed);
    if (v.tokenizer) {
      const tokPath = v.tokenizer as string;
      const tokenizer = loadTokenizerFor(tokPath, config); // fails early if it does not fit
      saveModel(out, model, { wren_init_seed: String(seed) }, { tokenizer }); // a complete HF folder
      copyFileSync(tokPath, join(out, tokPath.endsWith('.json') ? 'tokenizer.json' : 'tokenizer.bin')); // the user's exact bytes
    } else {
      saveModel(out, model, { wren_init_seed: String(seed) });
    }
    const params = model.params.size;
    console.log(`wrote ${out}: ${(params / 1e6).toFixed(2)}M parameters (${basename(out)}/model.safetensors, config.json)`);
  } finally {
    backend.dispose();
  }
}
