// DPO data: preference pairs, one JSON object a line:
//   {"prompt": "…" | "messages": [{"role", "content"}, …], "chosen": "…", "rejected": "…"}
// The context (a prompt is one user turn) and each reply are rendered with the chat template; the
// loss mask covers the reply only, so a sequence's log-probability is that of the reply given the
// context. Bad records are errors naming file:line, or counted and skipped with skipBad.
import { WrenError } from '../errors.ts';
import { CHAT_ROLES, encodeChat, type ChatMessage } from '../tokenizer/chat-template.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { readLines } from '../util/read-lines.ts';
import type { ChatExample } from './chat-data.ts';

export type PreferencePair = { chosen: ChatExample; rejected: ChatExample; where: string };
export type PreferenceData = { pairs: PreferencePair[]; skipped: { where: string; reason: string }[] };

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
  const data: PreferenceData = { pairs: [], skipped: [] };
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    if (line.trim() === '') continue;
    const where = `${file}:${lineNo}`;
    const p = parsePair(line);
    let reason = typeof p === 'string' ? p : '';
    let pair: PreferencePair | undefined;
    if (!reason && typeof p !== 'string') {
      const seq = (reply: string): ChatExample => {
        const { ids, train } = encodeChat(tokenizer, [...p.context, { role: 'assistant', content: reply }], { bos: true });
        return { ids, train, where };
      };
      pair = { chosen: seq(p.chosen), rejected: seq(p.rejected), where };
      const longest = Math.max(pair.chosen.ids.length, pair.rejected.ids.length);
      if (longest > maxTokens) reason = `a reply with its context is ${longest} tokens, longer than the context (${maxTokens})`;
    }
    if (reason) {
      if (!o.skipBad) throw new WrenError(`${where}: ${reason}; pass --skip-bad to skip such records`);
      data.skipped.push({ where, reason });
      continue;
    }
    data.pairs.push(pair!);
  }
  if (data.pairs.length === 0) throw new WrenError(`${file}: no usable preference pairs${data.skipped.length ? ` (${data.skipped.length} skipped)` : ''}`);
  return data;
}
