// `wren chat --model DIR`: an interactive chat in the terminal with a model that has a chat
// template (from `wren sft`). Answers stream as they are made; the history is trimmed from the
// oldest turns to fit the context; /reset forgets it, /system TEXT sets the system message,
// /quit (or Ctrl-D) ends. Reads lines from a pipe too (one user turn a line).
import { createInterface } from 'node:readline';
import { createBackend, type BackendName } from '../engine/backend.ts';
import { generate } from '../generate/generate.ts';
import { loadModel, loadTokenizerFor, modelHasChatTemplate } from '../nn/load.ts';
import { chatStopIds, encodeChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import { CliError, intFlag, numFlag, parseFlags, requiredFlag } from './args.ts';

const HELP = `usage: wren chat --model DIR [--system TEXT] [--temperature T] [--top-p P] [--max-tokens N] [--seed S] [--threads N] [--backend B]

Chat with a model folder that has a chat template (made by 'wren sft'). Commands: /reset,
/system TEXT, /quit.`;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    model: { type: 'string' }, system: { type: 'string' }, temperature: { type: 'string' }, 'top-p': { type: 'string' },
    'max-tokens': { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' },
  }, HELP);
  const modelPath = requiredFlag(v.model, 'model');
  const backend = await createBackend({ backend: v.backend as BackendName | undefined, threads: intFlag(v.threads, 'threads', 0, 1, 16) || undefined });
  try {
    const { model, files } = loadModel(modelPath, backend);
    if (!files.tokenizer || !modelHasChatTemplate(files)) {
      throw new CliError(`${modelPath}: wren chat needs a model with a chat template (a folder's tokenizer_config.json, as 'wren sft' writes, or a GGUF exported from one)`);
    }
    const tokenizer = loadTokenizerFor(files.tokenizer, model.config);
    const sampling = {
      temperature: numFlag(v.temperature, 'temperature', 0.7, 0, 100), topP: numFlag(v['top-p'], 'top-p', 0.9, 1e-6, 1),
      maxTokens: intFlag(v['max-tokens'], 'max-tokens', 256, 1, model.contextLength), seed: intFlag(v.seed, 'seed', Date.now() % 2 ** 31, 0),
    };
    const stopIds = chatStopIds(tokenizer);
    let system = v.system as string | undefined;
    let history: ChatMessage[] = [];
    const tty = process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: tty ? '> ' : '', terminal: tty });
    if (tty) process.stdout.write(`${modelPath} (${model.contextLength}-token context). /reset, /system TEXT, /quit\n`);
    rl.prompt();
    for await (const line of rl) {
      const text = line.trim();
      if (text === '/quit') break;
      if (text === '/reset') { history = []; rl.prompt(); continue; }
      if (text.startsWith('/system')) { system = text.slice(7).trim() || undefined; history = []; rl.prompt(); continue; }
      if (text === '') { rl.prompt(); continue; }
      history.push({ role: 'user', content: text });
      // Keep the newest turns that leave room for an answer; drop the oldest first.
      const budget = model.contextLength - sampling.maxTokens;
      let ids = encodeChat(tokenizer, withSystem(system, history), { addGenerationPrompt: true, bos: true }).ids;
      while (ids.length > budget && history.length > 1) {
        history = history.slice(history[1]?.role === 'assistant' ? 2 : 1);
        ids = encodeChat(tokenizer, withSystem(system, history), { addGenerationPrompt: true, bos: true }).ids;
      }
      if (ids.length > budget) {
        process.stdout.write(`(that message is too long for the ${model.contextLength}-token context)\n`);
        history.pop();
        rl.prompt();
        continue;
      }
      let answer = '';
      for (const step of generate(model, tokenizer, ids, { ...sampling, maxTokens: Math.min(sampling.maxTokens, model.contextLength - ids.length), stopIds })) {
        answer += step.text;
        process.stdout.write(step.text);
      }
      process.stdout.write('\n');
      history.push({ role: 'assistant', content: answer.trim() || '…' });
      sampling.seed++;
      rl.prompt();
    }
    rl.close();
  } finally {
    backend.dispose();
  }
}

function withSystem(system: string | undefined, history: ChatMessage[]): ChatMessage[] {
  return system ? [{ role: 'system', content: system }, ...history] : history;
}
