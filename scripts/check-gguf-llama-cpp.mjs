// llama.cpp's greedy continuation of a prompt, through node-llama-cpp, to check that a GGUF file
// Wren wrote loads in llama.cpp and says what Wren says. node-llama-cpp is not a Wren dependency:
// point --lib (or WREN_NODE_LLAMA_CPP) at a folder that holds it, or install it where Node finds it.
//
// usage: node scripts/check-gguf-llama-cpp.mjs [--lib DIR] [--prompt TEXT] [--max-tokens N] [--threads N] [--json] MODEL.gguf
//   --lib DIR         node-llama-cpp's package folder, a node_modules holding it, or a project above one
//   --prompt TEXT     text to continue after BOS (default: empty)
//   --max-tokens N    tokens to generate at most (default 64); EOS or BOS stops earlier, as in Wren
//   --threads N       llama.cpp threads (default 1: ggml's spinning thread pool crawls on a busy
//                     machine, and a small model gains nothing from more)
//   --json            print {"prompt_ids", "ids", "text"} instead of the text
// The text is printed as `wren generate` prints it: the prompt, the continuation, a newline.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: v, positionals } = parseArgs({
  options: { lib: { type: 'string' }, prompt: { type: 'string' }, 'max-tokens': { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/check-gguf-llama-cpp.mjs [--lib DIR] [--prompt TEXT] [--max-tokens N] [--threads N] [--json] MODEL.gguf');
  process.exit(2);
}
const modelPath = resolve(positionals[0]);
const maxTokens = Number(v['max-tokens'] ?? 64), threads = Number(v.threads ?? 1);

/** node-llama-cpp from `dir` (resolved as Node would from a file inside it), or from here. */
async function loadNodeLlamaCpp(dir) {
  if (!dir) return import('node-llama-cpp');
  const entry = createRequire(join(resolve(dir), 'check-gguf.js')).resolve('node-llama-cpp');
  return import(pathToFileURL(entry).href);
}

const { getLlama, LlamaLogLevel } = await loadNodeLlamaCpp(v.lib ?? process.env.WREN_NODE_LLAMA_CPP);
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: model.trainContextSize, threads }); // the model's own context
try {
  const { bos, eos } = model.tokens;
  const promptIds = [...(bos != null ? [bos] : []), ...(v.prompt ? model.tokenize(v.prompt) : [])];
  const ids = [];
  if (maxTokens > 0) {
    // temperature 0 is llama.cpp's greedy sampler; no repetition penalty unless asked
    for await (const id of context.getSequence().evaluate(promptIds, { temperature: 0 })) {
      if (id === eos || id === bos || model.isEogToken(id)) break;
      ids.push(id);
      if (ids.length >= maxTokens) break;
    }
  }
  const shown = promptIds[0] === bos ? promptIds.slice(1) : promptIds;
  const text = model.detokenize([...shown, ...ids]); // llama.cpp drops the first token's space prefix, as run.c does after BOS
  process.stdout.write(v.json ? JSON.stringify({ prompt_ids: promptIds, ids, text }) + '\n' : text + '\n');
} finally {
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}
