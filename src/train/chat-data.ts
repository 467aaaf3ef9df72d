// SFT data: conversations in the OpenAI fine-tuning format, one JSON object a line:
//   {"messages": [{"role": "system" | "user" | "assistant", "content": "…"}, …]}
// each rendered with the chat template (tokenizer/chat-template.ts) into token ids and a loss
// mask that is 1 on the assistant's tokens. A bad record (not JSON, no messages, an unknown role,
// empty content, no assistant turn, longer than the context) is an error naming file:line, or,
// with skipBad, is counted and skipped.
import { CHAT_ROLES, encodeChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { readJsonlRecords, type Skipped } from './jsonl-records.ts';

export type ChatExample = { ids: number[]; train: number[]; where: string };
export type ChatData = { examples: ChatExample[]; skipped: Skipped[] };

/** The problem with one record, or its messages. */
function parseRecord(line: string): ChatMessage[] | string {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const messages = (rec as { messages?: unknown })?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'expected {"messages": [{"role", "content"}, …]}';
  for (const [i, m] of messages.entries()) {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (!CHAT_ROLES.includes(role as ChatMessage['role'])) return `messages[${i}]: role must be system, user or assistant, got ${JSON.stringify(role)}`;
    if (typeof content !== 'string' || content.trim() === '') return `messages[${i}]: content must be a non-empty string`;
  }
  if (!messages.some((m) => m.role === 'assistant')) return 'no assistant message to learn from';
  return messages as ChatMessage[];
}

/** Reads and encodes the conversations of `file`; each must fit `maxTokens` (the context + 1). */
export async function readChatData(file: string, tokenizer: Tokenizer, maxTokens: number, o: { skipBad?: boolean } = {}): Promise<ChatData> {
  const { records, skipped } = await readJsonlRecords(file, 'conversations', (line, where): ChatExample | string => {
    const parsed = parseRecord(line);
    if (typeof parsed === 'string') return parsed;
    const encoded = encodeChat(tokenizer, parsed, { bos: true });
    return encoded.ids.length > maxTokens ? `the conversation is ${encoded.ids.length} tokens, longer than the context (${maxTokens})` : { ...encoded, where };
  }, o);
  return { examples: records, skipped };
}
