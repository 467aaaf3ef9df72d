// `wren quantize`: a model as a GGUF file whose matrices are Q8_0 or Q4_0 blocks. GGUF is the
// quantized format because it is already the one llama.cpp, Ollama and LM Studio load, its blocks
// are exactly what Wren's quantized kernels read (loaded into the arena as they are), and the
// tokenizer travels inside; `generate`, `serve`, `eval`-style tools and the browser load it.
import { existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createBackend } from '../engine/backend.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import { encodeLlamaGguf } from '../nn/gguf-llama.ts';
import { loadModel, loadTokenizerFor, modelHasChatTemplate, resolveModelFiles } from '../nn/load.ts';
import { CliError, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren quantize --model PATH --type q8_0|q4_0 --out FILE.gguf [--tokenizer PATH] [--force]

Writes the model as GGUF (llama architecture) with its matrices quantized: q8_0 (8-bit, one f16
scale per 32 values: 34 bytes a block) or q4_0 (4-bit: 18 bytes a block). Norms stay float32; a
matrix whose rows are not whole 32-value blocks is stored f16. Wren runs the file with its
quantized kernels (the blocks stay quantized in memory); llama.cpp loads the same file.

  --model PATH       model folder, llama2.c .bin, or .gguf (a quantized GGUF is dequantized first)
  --type T           q8_0 | q4_0
  --out FILE.gguf    file to write
  --tokenizer PATH   tokenizer.json or tokenizer.bin (default: the model's own)
  --force            overwrite --out if it exists`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, type: { type: 'string' }, out: { type: 'string' }, tokenizer: { type: 'string' }, force: { type: 'boolean' },
  }, HELP);
  const modelPath = requiredFlag(v.model, 'model'), out = requiredFlag(v.out, 'out'), type = requiredFlag(v.type, 'type');
  if (type !== 'q8_0' && type !== 'q4_0') throw new CliError(`--type must be q8_0 or q4_0, got '${type}'`);
  if (!out.endsWith('.gguf')) throw new CliError(`--out ${out}: the quantized model is a GGUF file; name it FILE.gguf`);
  if (existsSync(out) && !v.force) throw new CliError(`${out} already exists; pass --force to overwrite it`);
  const files = resolveModelFiles(modelPath);
  const backend = await createBackend({ backend: 'reference' }); // only holds the weights
  try {
    const { model } = loadModel(modelPath, backend, { maxRows: 1, dequantize: true });
    const tokenizerPath = (v.tokenizer as string | undefined) ?? files.tokenizer;
    if (!tokenizerPath) throw new CliError(`${modelPath}: no tokenizer beside the model; pass --tokenizer PATH`);
    const tokenizer = loadTokenizerFor(tokenizerPath, model.config);
    const name = basename(modelPath.replace(/[/\\]+$/, ''), extname(modelPath));
    const { bytes, kept } = encodeLlamaGguf(model, tokenizer, { type, name, chatTemplate: modelHasChatTemplate(files) });
    writeFileAtomic(out, bytes);
    const before = statSync(files.weights).size;
    console.log(`wrote ${out}: ${(bytes.length / 1e6).toFixed(2)} MB, ${type} (${(100 * bytes.length / before).toFixed(1)}% of ${basename(files.weights)}, ${(before / 1e6).toFixed(2)} MB)`);
    for (const note of kept) console.log(`  ${note}`);
  } finally {
    backend.dispose();
  }
}
