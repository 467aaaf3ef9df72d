// `wren export`: write a model in a format other tools load.
//   --format gguf   one GGUF file (weights + tokenizer) for llama.cpp / Ollama / LM Studio
//   --format hf     a complete Hugging Face folder (formats/hf-folder.ts) for transformers / PyTorch
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createBackend } from '../engine/backend.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { encodeLlamaGguf, type GgufExportType } from '../nn/gguf-llama.ts';
import { loadModel, loadTokenizerFor, modelHasChatTemplate, saveModel } from '../nn/load.ts';
import { CliError, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren export --format gguf|hf --model PATH --out FILE.gguf|DIR [options]

  --format gguf           GGUF v3, architecture llama, as llama.cpp loads it (one file)
  --format hf             a Hugging Face folder: model.safetensors (float32, or float16 with --type f16), config.json,
                          generation_config.json, the tokenizer, tokenizer_config.json,
                          special_tokens_map.json (transformers' AutoModelForCausalLM / AutoTokenizer)
  --model PATH            model folder (config.json + model.safetensors), llama2.c .bin, or .gguf
                          (a quantized GGUF is dequantized for --format hf)
  --tokenizer PATH        tokenizer.json or llama2.c tokenizer.bin (default: the model's own)
  --out FILE.gguf | DIR   file (gguf) or folder (hf) to write
  --type T                gguf: f32 | f16 | q8_0 | q4_0 for the matrices (default f32); norms stay
                          f32, and a matrix whose rows are not whole 32-value blocks is stored f16
  --name NAME             gguf: general.name (default: the model's file or folder name)
  --force                 overwrite --out if it exists`;

const TYPES: GgufExportType[] = ['f32', 'f16', 'q8_0', 'q4_0'];

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    format: { type: 'string' }, model: { type: 'string' }, tokenizer: { type: 'string' }, out: { type: 'string' },
    type: { type: 'string' }, name: { type: 'string' }, force: { type: 'boolean' },
  }, HELP);
  const format = requiredFlag(v.format, 'format');
  if (format !== 'gguf' && format !== 'hf') throw new CliError(`--format must be gguf or hf, got '${format}'`);
  const modelPath = requiredFlag(v.model, 'model'), out = requiredFlag(v.out, 'out');
  const type = (v.type ?? 'f32') as GgufExportType;
  if (format === 'hf' && type !== 'f32' && type !== 'f16') throw new CliError(`--type for --format hf is f32 or f16 (safetensors), got '${type}'`);
  if (!TYPES.includes(type)) throw new CliError(`--type must be one of ${TYPES.join(', ')}, got '${type}'`);
  if (format === 'gguf' && existsSync(out) && !v.force) throw new CliError(`${out} already exists; pass --force to overwrite it`);
  if (format === 'hf' && existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new CliError(`${out} exists and is not a folder`);
    if (readdirSync(out).length > 0 && !v.force) throw new CliError(`${out} is not empty; pass --force to overwrite the model files in it`);
  }

  const backend = await createBackend({ backend: 'reference' }); // only holds the weights: no kernels run
  try {
    const { model, files } = loadModel(modelPath, backend, { maxRows: 1, dequantize: true });
    const tokenizerPath = (v.tokenizer as string | undefined) ?? files.tokenizer;
    if (!tokenizerPath) throw new CliError(`${modelPath}: no tokenizer beside the model; pass --tokenizer PATH (a GGUF file carries its tokenizer)`);
    const tokenizer = loadTokenizerFor(tokenizerPath, model.config);
    const c = model.config, chat = modelHasChatTemplate(files);
    if (format === 'hf') {
      saveModel(out, model, {}, { tokenizer, chat }, type === 'f16' ? 'F16' : 'F32');
      console.log(`wrote ${out}: HF folder, ${type === 'f16' ? 'float16' : 'float32'}, ${c.num_hidden_layers} layers, hidden ${c.hidden_size}, vocabulary ${c.vocab_size}${chat ? ', chat template' : ''}`);
      return;
    }
    const name = (v.name as string | undefined) ?? basename(modelPath.replace(/[/\\]+$/, ''), extname(modelPath));
    const { bytes, kept } = encodeLlamaGguf(model, tokenizer, { type, name, chatTemplate: chat });
    writeFileAtomic(out, bytes);
    console.log(`wrote ${out}: ${(bytes.length / 1e6).toFixed(2)} MB, ${type}, ${c.num_hidden_layers} layers, hidden ${c.hidden_size}, vocabulary ${c.vocab_size}${chat ? ', chat template' : ''}`);
    for (const note of kept) console.log(`  ${note}`);
  } finally {
    backend.dispose();
  }
}
