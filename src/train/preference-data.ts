// DPO data: preference pairs, one JSON object a line:
//   {"prompt": "…" | "messages": [{"role", "content"}, …], "chosen": "…", "rejected": "…"}
// The context (a prompt is one user turn) and each reply are rendered with the chat template; the
// loss mask covers the reply only, so a sequence's log-probability is that of the reply given the
// context. Bad records are errors naming file:line, or counted and skipped with skipBad.
import { CHAT_ROLES, encodeChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { readJsonlRecords, type Skipped } from './jsonl-records.ts';
import type { ChatExample } from './chat-data.ts';

export type PreferencePair = { chosen: ChatExample; rejected: ChatExample; where: string };
export type PreferenceData = { pairs: PreferencePair[]; skipped: Skipped[] };

function parsePair(line: string): { context: ChatMessage[]; chosen: string; rejected: string } | string {
  let rec: { prompt?: unknown; messages?: unknown; chosen?: unknown; rejected?: unknown };
  try {
    rec = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  let context: ChatMessage[];
  if (typeof rec?.prompt === 'string' && rec.prompt.trim() !== '') context = [{ role: 'user', content: rec.prompt }];
  else if (Array.isArray(rec?.messages) && rec.messages.length > 0) {
    for (const [i, m] of rec.messages.entries()) {
      if (!CHAT_ROLES.includes(m?.role) || typeof m?.content !== 'string' || m.content.trim() === '') return `messages[${i}]: needs a role (system, user, assistant) and non-empty content`;
    }
    context = rec.messages as ChatMessage[];
  } else return 'needs a non-empty "prompt" string or a "messages" list';
  for (const k of ['chosen', 'rejected'] as const) {
    if (typeof rec[k] !== 'string' || (rec[k] as string).trim() === '') return `"${k}" must be a non-empty string`;
  }
  if (rec.chosen === rec.rejected) return '"chosen" and "rejected" are the same reply';
  return { context, chosen: rec.chosen as string, rejected: rec.rejected as string };
}

export async function readPreferenceData(file: string, tokenizer: Tokenizer, maxTokens: number, o: { skipBad?: boolean } = {}): Promise<PreferenceData> {
  const { records, skipped } = await readJsonlRecords(file, 'preference pairs', (line, where): PreferencePair | string => {
    const p = parsePair(line);
    if (typeof p === 'string') return p;
    const seq = (reply: string): ChatExample => ({ ...encodeChat(tokenizer, [...p.context, { role: 'assistant', content: reply }], { bos: true }), where });
    const pair = { chosen: seq(p.chosen), rejected: seq(p.rejected), where };
    const longest = Math.max(pair.chosen.ids.length, pair.rejected.ids.length);
    return longest > maxTokens ? `a reply with its context is ${longest} tokens, longer than the context (${maxTokens})` : pair;
  }, o);
  return { pairs: records, skipped };
}
