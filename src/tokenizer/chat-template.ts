// Chat templates: how a conversation becomes one token sequence. Wren renders its built-in
// template in TypeScript (no Jinja at run time) and stores it the HF way, as the Jinja source in
// tokenizer_config.json's `chat_template`, so transformers renders the same text. A folder whose
// tokenizer_config.json holds any other template is refused with a clear error.
//
// The built-in template is ChatML (as Qwen and Phi-3.5-mini-instruct's cousins use):
//   <|im_start|>system\n{content}<|im_end|>\n<|im_start|>user\n{content}<|im_end|>\n
//   <|im_start|>assistant\n{content}<|im_end|>\n …
// and a generation prompt `<|im_start|>assistant\n`. SFT trains on each assistant turn's content
// and its closing <|im_end|> (the model learns to stop); everything else is context.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrenError } from '../errors.ts';
import { writeFileAtomic } from '../formats/atomic.ts';
import type { Tokenizer } from './tokenizer.ts';

export type ChatRole = 'system' | 'user' | 'assistant';
export type ChatMessage = { role: ChatRole; content: string };
export const CHAT_ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];

export const IM_START = '<|im_start|>', IM_END = '<|im_end|>';
export const CHATML_SPECIAL_TOKENS = [IM_START, IM_END];

/** The Jinja source of the built-in template, exactly as HF would store it. */
export const CHATML_JINJA =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The conversation as text, exactly as the Jinja template renders it. */
export function renderChat(messages: ChatMessage[], o: { addGenerationPrompt?: boolean } = {}): string {
  return messages.map((m) => `${IM_START}${m.role}\n${m.content}${IM_END}\n`).join('') + (o.addGenerationPrompt ? `${IM_START}assistant\n` : '');
}

/** Token ids of a rendered chat and, per id, 1 where SFT trains on it. The template's markers
 *  are special ids; message content is encoded as plain text, so a user who types
 *  "<|im_start|>" gets those characters, never a marker. */
export function encodeChat(tokenizer: Tokenizer, messages: ChatMessage[], o: { addGenerationPrompt?: boolean; bos?: boolean } = {}): { ids: number[]; train: number[] } {
  requireChatTokens(tokenizer);
  const start = tokenizer.specialTokens.get(IM_START)!, end = tokenizer.specialTokens.get(IM_END)!;
  const ids: number[] = [], train: number[] = [];
  const put = (part: number[], t: number) => { for (const id of part) { ids.push(id); train.push(t); } };
  const text = (s: string) => tokenizer.encode(s, { special: 'text' });
  if (o.bos && tokenizer.bosId !== undefined) put([tokenizer.bosId], 0);
  for (const m of messages) {
    const t = m.role === 'assistant' ? 1 : 0;
    put([start, ...text(`${m.role}\n`)], 0);
    put([...text(m.content), end], t);
    put(text('\n'), 0);
  }
  if (o.addGenerationPrompt) put([start, ...text('assistant\n')], 0);
  return { ids, train };
}

/** Where a chat answer ends: the template's end-of-turn marker (and end-of-text, if the model emits it). */
export function chatStopIds(tokenizer: Tokenizer): number[] {
  requireChatTokens(tokenizer);
  return [tokenizer.specialTokens.get(IM_END)!, ...(tokenizer.eosId !== undefined ? [tokenizer.eosId] : [])];
}

export function requireChatTokens(tokenizer: Tokenizer): void {
  const missing = CHATML_SPECIAL_TOKENS.filter((t) => !tokenizer.specialTokens.has(t));
  if (missing.length) throw new WrenError(`the tokenizer has no ${missing.join(' / ')} special token${missing.length > 1 ? 's' : ''}; add them with: wren tokenizer add-special --tokenizer FILE --tokens '${CHATML_SPECIAL_TOKENS.join(',')}' --out FILE`);
}

/** Writes tokenizer_config.json (template and special tokens) and special_tokens_map.json into a model folder. */
export function saveChatConfig(dir: string, tokenizer: Tokenizer): void {
  const name = (id: number | undefined) => (id === undefined ? null : [...tokenizer.specialTokens.entries()].find(([, v]) => v === id)?.[0] ?? null);
  const special = { bos_token: name(tokenizer.bosId), eos_token: IM_END, pad_token: name(tokenizer.eosId) };
  writeFileAtomic(join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'PreTrainedTokenizerFast', chat_template: CHATML_JINJA, ...special,
    additional_special_tokens: CHATML_SPECIAL_TOKENS, model_max_length: null,
  }, null, 2) + '\n');
  writeFileAtomic(join(dir, 'special_tokens_map.json'), JSON.stringify({ ...special, additional_special_tokens: CHATML_SPECIAL_TOKENS }, null, 2) + '\n');
}

/** Does the model folder `dir` carry a chat template Wren renders? Refuses one it cannot. */
export function folderHasChatTemplate(dir: string): boolean {
  const file = join(dir, 'tokenizer_config.json');
  if (!existsSync(file)) return false;
  let cfg: { chat_template?: unknown };
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WrenError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return isChatTemplate(cfg.chat_template, file);
}

/** Whether a model's stored chat template (tokenizer_config.json's, or a GGUF's
 *  tokenizer.chat_template) is there: absent is false, ChatML is true, any other is an error. */
export function isChatTemplate(template: unknown, source: string): boolean {
  if (template === undefined) return false;
  if (template !== CHATML_JINJA) throw new WrenError(`${source}: its chat_template is not one Wren can render (Wren renders ChatML, the template 'wren sft' writes)`);
  return true;
}
