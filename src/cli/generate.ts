// `wren generate`: stream text from a model to stdout as it is made.
import { createBackend, type BackendName } from '../engine/backend.ts';
import { generate, pieceBytes } from '../generate/generate.ts';
import { loadModel, loadTokenizerFor, modelHasChatTemplate } from '../nn/load.ts';
import { chatStopIds, encodeChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren generate --model PATH [options]

  --model PATH            model folder (config.json + model.safetensors), llama2.c .bin checkpoint or .gguf
  --tokenizer PATH        tokenizer.json or llama2.c tokenizer.bin (default: the one in the model folder)
  --prompt TEXT           text to continue (default: empty, i.e. start from BOS)
  --temperature T         0 = greedy (default 1.0)
  --top-p P               nucleus sampling mass (default 0.9)
  --top-k K               keep the K most likely tokens (default 0 = off)
  --repetition-penalty R  > 1 discourages repeats (default 1 = off)
  --stop TEXT             stop string (repeatable)
  --chat                  answer --prompt as one user turn with the model's chat template
                          (a folder from 'wren sft'); prints only the answer
  --system TEXT           system message for --chat
  --seed S                random seed (default: time-based)
  --max-tokens N          new tokens at most (default 256)
  --threads N             compute threads (default: all cores)
  --backend NAME          native | wasm | reference (default: fastest available)
  --stats                 print tokens/s and why it stopped (finish_reason: stop | length) to stderr`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, tokenizer: { type: 'string' }, prompt: { type: 'string' },
    temperature: { type: 'string' }, 'top-p': { type: 'string' }, 'top-k': { type: 'string' },
    'repetition-penalty': { type: 'string' }, stop: { type: 'string', multiple: true }, seed: { type: 'string' },
    'max-tokens': { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' }, stats: { type: 'boolean' },
    chat: { type: 'boolean' }, system: { type: 'string' },
  }, HELP);
  const modelPath = requiredFlag(v.model, 'model');
  const threads = intFlag(v.threads, 'threads', 0, 1, 16) || undefined;
  const backendName = v.backend as BackendName | undefined;
  if (backendName && !['native', 'wasm', 'reference'].includes(backendName)) throw new CliError(`--backend must be native, wasm or reference, got '${backendName}'`);
  const opts = {
    temperature: numFlag(v.temperature, 'temperature', 1, 0, 100),
    topP: numFlag(v['top-p'], 'top-p', 0.9, 0, 1),
    topK: intFlag(v['top-k'], 'top-k', 0, 0),
    repetitionPenalty: numFlag(v['repetition-penalty'], 'repetition-penalty', 1, 0.01, 100),
    seed: intFlag(v.seed, 'seed', Date.now(), 0),
    maxTokens: intFlag(v['max-tokens'], 'max-tokens', 256, 0, 1 << 20),
    stop: (v.stop as string[] | undefined) ?? [],
  };
  if (opts.topP === 0) throw new CliError('--top-p must be greater than 0');

  const backend = await createBackend({ backend: backendName, threads });
  try {
    const { model, files } = loadModel(modelPath, backend);
    const tokenizerPath = (v.tokenizer as string | undefined) ?? files.tokenizer;
    if (!tokenizerPath) throw new CliError(`${modelPath}: no tokenizer in the model folder; pass --tokenizer PATH`);
    const tokenizer = loadTokenizerFor(tokenizerPath, model.config);
    const prompt = (v.prompt as string | undefined) ?? '';
    const chat = v.chat === true;
    if (chat && !modelHasChatTemplate(files)) {
      throw new CliError(`${modelPath}: --chat needs a model with a chat template (a folder's tokenizer_config.json, as 'wren sft' writes, or a GGUF exported from one)`);
    }
    if (!chat && v.system !== undefined) throw new CliError('--system goes with --chat');
    const messages: ChatMessage[] = [...(v.system ? [{ role: 'system' as const, content: String(v.system) }] : []), { role: 'user', content: prompt }];
    const ids = chat ? encodeChat(tokenizer, messages, { addGenerationPrompt: true, bos: true }).ids
      : tokenizer.encode(prompt, { bos: tokenizer.bosId !== undefined, special: 'text' });
    if (ids.length === 0) throw new CliError('the tokenizer has no BOS token; pass a non-empty --prompt');
    if (ids.length > model.contextLength) {
      throw new CliError(`the prompt is ${ids.length} tokens, longer than the model's context of ${model.contextLength} tokens`);
    }
    // Echo the prompt as the model sees it (as run.c does), then stream the continuation.
    const out = process.stdout;
    if (!chat) {
      const echo: Uint8Array[] = [];
      for (let i = 1; i < ids.length; i++) echo.push(pieceBytes(tokenizer, ids[i - 1], ids[i]));
      if (ids[0] !== tokenizer.bosId) echo.unshift(tokenizer.tokenBytes(ids[0]));
      out.write(Buffer.concat(echo));
    }
    const maxTokens = Math.min(opts.maxTokens, model.contextLength - ids.length);
    const t0 = performance.now();
    let count = 0, tFirst = 0;
    // A chat answer ends at the template's end-of-turn marker.
    const stopIds = chat ? chatStopIds(tokenizer) : undefined;
    const steps = generate(model, tokenizer, ids, { ...opts, maxTokens, stopIds });
    let r = steps.next();
    for (; !r.done; r = steps.next()) {
      if (r.value.id >= 0) count++;
      if (count === 1 && !tFirst) tFirst = performance.now();
      out.write(r.value.text);
    }
    out.write('\n');
    if (v.stats) {
      const secs = (performance.now() - t0) / 1000;
      const decodeSecs = (performance.now() - tFirst) / 1000;
      process.stderr.write(`${count} tokens in ${secs.toFixed(2)} s: ${(count / secs).toFixed(1)} tokens/s ` +
        `(decode ${count > 1 ? ((count - 1) / decodeSecs).toFixed(1) : '-'} tokens/s, prompt ${ids.length} tokens; ${backend.description}); ` +
        `finish_reason: ${r.value}\n`);
    }
  } finally {
    backend.dispose();
  }
}
