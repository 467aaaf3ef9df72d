// `wren export --format gguf`: write a model as one GGUF file (weights + tokenizer) for llama.cpp.
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createBackend } from '../engine/backend.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { encodeLlamaGguf, type GgufExportType } from '../nn/gguf-llama.ts';
import { loadModel, loadTokenizerFor } from '../nn/load.ts';
import { CliError, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren export --format gguf --model PATH --out FILE.gguf [options]

  --format gguf           the output format (GGUF v3, architecture llama, as llama.cpp loads it)
  --model PATH            model folder (config.json + model.safetensors), llama2.c .bin, or .gguf
  --tokenizer PATH        tokenizer.json or llama2.c tokenizer.bin (default: the model's own)
  --out FILE.gguf         file to write
  --type T                f32 | f16 | q8_0 | q4_0 for the matrices (default f32); norms stay f32,
                          and a matrix whose rows are not whole 32-value blocks is stored f16
  --name NAME             general.name (default: the model's file or folder name)
  --force                 overwrite --out if it exists`;

const TYPES: GgufExportType[] = ['f32', 'f16', 'q8_0', 'q4_0'];

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    format: { type: 'string' }, model: { type: 'string' }, tokenizer: { type: 'string' }, out: { type: 'string' },
    type: { type: 'string' }, name: { type: 'string' }, force: { type: 'boolean' },
  }, HELP);
  const format = requiredFlag(v.format, 'format');
  if (format !== 'gguf') throw new CliError(`--format must be gguf, got '${format}'`);
  const modelPath = requiredFlag(v.model, 'model'), out = requiredFlag(v.out, 'out');
  const type = (v.type ?? 'f32') as GgufExportType;
  if (!TYPES.includes(type)) throw new CliError(`--type must be one of ${TYPES.join(', ')}, got '${type}'`);
  if (existsSync(out) && !v.force) throw new CliError(`${out} already exists; pass --force to overwrite it`);

  const backend = await createBackend({ backend: 'reference' }); // only holds the weights: no kernels run
  try {
    const { model, files } = loadModel(modelPath, backend, { maxT: 1 });
    const tokenizerPath = (v.tokenizer as string | undefined) ?? files.tokenizer;
    if (!tokenizerPath) throw new CliError(`${modelPath}: no tokenizer beside the model; pass --tokenizer PATH (a GGUF file carries its tokenizer)`);
    const tokenizer = loadTokenizerFor(tokenizerPath, model.config);
    const name = (v.name as string | undefined) ?? basename(modelPath.replace(/[/\\]+$/, ''), extname(modelPath));
    const { bytes, kept } = encodeLlamaGguf(model, tokenizer, { type, name });
    writeFileAtomic(out, bytes);
    const c = model.config;
    console.log(`wrote ${out}: ${(bytes.length / 1e6).toFixed(2)} MB, ${type}, ${c.num_hidden_layers} layers, hidden ${c.hidden_size}, vocabulary ${c.vocab_size}`);
    for (const note of kept) console.log(`  ${note}`);
  } finally {
    backend.dispose();
  }
}
