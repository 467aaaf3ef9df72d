// Answers of a chat model folder to the held-out rows, greedy, appended one JSON line per row to
// a file so an interrupted evaluation resumes where it stopped. A prompt that would not leave
// max_tokens of room in the context has its user message cut (from the end) until it does.
// A model whose tokenizer has no chat template markers (the base model before SFT) is prompted
// by plain continuation: "{system}\n\n{input}\n\n", stopping at its end-of-text token.
import { join } from 'node:path';
import type { Backend } from '../engine/backend.ts';
import { AppendLog, readLog } from '../formats/append-log.ts';
import { complete, defaultStopIds } from '../generate/generate.ts';
import { GroundedNumbers } from '../generate/grounded-numbers.ts';
import { loadModel, loadTokenizerFor } from '../nn/load.ts';
import { CHATML_SPECIAL_TOKENS, chatStopIds, encodeChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import type { TaskRow } from './rows.ts';

export type Prediction = { line: number; output: string; finish: string };

export function readPredictions(file: string): Prediction[] {
  // A torn last line (a kill mid-write) is not a record: readLog keeps complete ones only.
  return readLog(file, 'line').records.map((b) => JSON.parse(b.toString('utf8')) as Prediction);
}

/** `groundedNumbers`: the model may write a long number or an amount only if the row's input has it. */
export async function predict(modelDir: string, system: string, rows: TaskRow[], maxTokens: number, file: string, backend: Backend,
                              onRow?: (done: number, total: number) => void, groundedNumbers = false): Promise<Prediction[]> {
  const done = readPredictions(file);
  if (done.length >= rows.length) return done.slice(0, rows.length);
  const { model } = loadModel(modelDir, backend);
  const tokenizer = loadTokenizerFor(join(modelDir, 'tokenizer.json'), model.config);
  const chat = CHATML_SPECIAL_TOKENS.every((t) => tokenizer.specialTokens.has(t));
  const stopIds = chat ? chatStopIds(tokenizer) : defaultStopIds(tokenizer), ctx = model.config.max_position_embeddings;
  const log = AppendLog.open(file, 'line');
  try {
    for (let i = done.length; i < rows.length; i++) {
      let input = rows[i].input, ids: number[];
      for (;;) {
        const messages: ChatMessage[] = [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: input }];
        ids = chat ? encodeChat(tokenizer, messages, { addGenerationPrompt: true, bos: true }).ids
          : tokenizer.encode(`${system ? system + '\n\n' : ''}${input}\n\n`, { bos: tokenizer.bosId !== undefined, special: 'text' });
        if (ids.length + maxTokens <= ctx || input.length < 16) break;
        input = input.slice(0, Math.floor(input.length * 0.9));
      }
      const room = Math.max(1, Math.min(maxTokens, ctx - ids.length));
      const rule = groundedNumbers ? new GroundedNumbers(tokenizer, rows[i].input) : undefined;
      const c = complete(model, tokenizer, ids, { maxTokens: room, temperature: 0, stopIds, rule });
      const p: Prediction = { line: rows[i].line, output: c.text.trim(), finish: c.finishReason };
      log.append(JSON.stringify(p));
      done.push(p);
      onRow?.(i + 1, rows.length);
    }
  } finally {
    log.close();
  }
  return done;
}
