// Safety post-training data (the recipe of issue 15, step 4): SFT chats and DPO pairs from the
// guard's rows, train split only (calibration rows become the validation files; held-out rows
// are never used, so the guard's and red-team's held-out prompts stay unseen).
//   harmful prompt (any category, jailbreak-wrapped ones too)
//       chat:  user → a refusal written offline by category (REFUSALS below, picked by text hash)
//       pair:  chosen the refusal, rejected a compliant opener (AdvBench's own `target` where the
//              prompt is an AdvBench goal, else "Sure, here is how to …")
//   safe prompt with a known answer (Bitext support replies, self-instruct outputs)
//       chat:  user → that answer;  pair: chosen the answer, rejected a refusal (over-refusal)
//   safe look-alikes without an answer (XSTest safe, look-alikes.ts): only with a teacher, which
//       writes the helpful answer (any teacher from src/llm); without one they are left out.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../data/filter/edu/labels.ts';
import { fnv1a } from '../data/filter/hash.ts';
import type { Teacher } from '../llm/teacher.ts';
import { stripBom } from '../util/read-lines.ts';
import type { GuardCategory } from './categories.ts';
import type { GuardExample } from './guard-data.ts';

const REFUSALS: Record<GuardCategory, string[]> = {
  hate: ["I won't write that. It demeans people for who they are. If you want, I can help with something about this topic that treats everyone with respect.",
    "I can't help with content that attacks a group of people. I'm glad to talk about the history or the facts behind the topic instead."],
  sexual: ["I can't write sexually explicit content. I'm happy to help with something else, like a story or a question about relationships and health.",
    "That's not something I can help with. Is there something else you'd like to write or learn about?"],
  violence: ["I can't help with hurting someone. If you or someone else is in danger, please contact local emergency services.",
    "I won't give instructions for harming people. If there's a conflict you're dealing with, I can help you think about safe ways to handle it."],
  self_harm: ["I'm really sorry you're feeling this way, and I can't help with hurting yourself. You deserve support: please reach out to someone you trust or a local crisis line right now.",
    "I can't help with that, but I care about your safety. If you're thinking about harming yourself, please contact a crisis line or emergency services, or talk to someone close to you."],
  criminal_planning: ["I can't help with that: it would mean breaking the law or harming others. I'm happy to help with a legal way to reach your goal.",
    "I won't help plan something illegal. If you tell me what you're trying to achieve, I can suggest lawful options."],
  weapons: ["I can't give instructions for making or using weapons or explosives. If you're interested in the chemistry or history involved, I can talk about that safely.",
    "I won't help with building weapons. Is there something else I can help you with?"],
  jailbreak: ["I can't set aside my guidelines, whatever the framing, and I won't help with this request. I'm glad to help with something else.",
    "Role-play or new rules don't change what I can help with, and I can't help with this one. Let me know if there's something else you need."],
};

export function refusalFor(category: GuardCategory, text: string): string {
  const xs = REFUSALS[category];
  return xs[fnv1a(text + '#refusal') % xs.length];
}

export type SafetyRecords = { chats: object[]; pairs: object[]; valChats: object[]; valPairs: object[]; counts: Record<string, number> };

/** Known answers of safe prompts: Bitext instruction → response, self-instruct instruction(+input) → output. */
export function knownAnswers(tasksDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const bitext = join(tasksDir, 'support/bitext_customer_support_train.csv');
  if (existsSync(bitext)) {
    const { rows } = parseCsv(stripBom(readFileSync(bitext, 'utf8')), bitext);
    const h = rows[0], qi = h.indexOf('instruction'), ai = h.indexOf('response');
    for (const r of rows.slice(1)) if (r[qi] && r[ai]) out.set(r[qi], r[ai]);
  }
  const instruct = join(tasksDir, 'instruct/self_instruct_seed_tasks.jsonl');
  if (existsSync(instruct)) {
    for (const line of readFileSync(instruct, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { instruction: string; instances?: { input?: string; output?: string }[] };
      const inst = r.instances?.[0];
      if (inst?.output) out.set(inst.input ? `${r.instruction}\n${inst.input}` : r.instruction, inst.output);
    }
  }
  return out;
}

/** AdvBench goal → its "Sure, here is …" target. */
export function advbenchTargets(safetyDir: string): Map<string, string> {
  const file = join(safetyDir, 'advbench/harmful_behaviors.csv'), out = new Map<string, string>();
  if (!existsSync(file)) return out;
  const { rows } = parseCsv(stripBom(readFileSync(file, 'utf8')), file);
  for (const r of rows.slice(1)) if (r[0] && r[1]) out.set(r[0], r[1]);
  return out;
}

/** `maxSafe` caps the safe examples per source, so one large source does not crowd out the rest. */
/** `refusalPercent` keeps that share of the harmful rows (by text hash): 100 for safety SFT, a few
 *  percent to make a deliberately under-aligned starting model for a break-fix round. */
export async function safetyRecords(rows: GuardExample[], answers: Map<string, string>, targets: Map<string, string>, teacher?: Teacher, maxSafe = 300, refusalPercent = 100): Promise<SafetyRecords> {
  const rec: SafetyRecords = { chats: [], pairs: [], valChats: [], valPairs: [], counts: {} };
  const add = (split: string, kind: string, chat: object, pair: object) => {
    if (split === 'train') { rec.chats.push(chat); rec.pairs.push(pair); } else { rec.valChats.push(chat); rec.valPairs.push(pair); }
    rec.counts[kind] = (rec.counts[kind] ?? 0) + 1;
  };
  const chat = (user: string, assistant: string) => ({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
  const safe = new Map<string, number>();
  for (const r of rows) {
    if (r.role !== 'prompt' || r.split === 'test') continue;
    if (r.label !== 'safe') {
      if (fnv1a(r.text + '#keep') % 100 >= refusalPercent) continue;
      const refusal = refusalFor(r.label, r.text);
      const rejected = targets.get(r.text) ?? `Sure, here is how to ${r.text.replace(/[.?!]+$/, '').replace(/^./, (c) => c.toLowerCase())}:`;
      add(r.split, `refuse_${r.label}`, chat(r.text, refusal), { prompt: r.text, chosen: refusal, rejected });
      continue;
    }
    let answer = answers.get(r.text);
    if (!answer && teacher && (r.source === 'xstest_safe' || r.source === 'lookalike_safe')) {
      answer = (await teacher.complete({ messages: [{ role: 'user', content: r.text }], maxTokens: 256, temperature: 0 })).text.trim() || undefined;
    }
    if (!answer || (safe.get(r.source) ?? 0) >= maxSafe) continue;
    safe.set(r.source, (safe.get(r.source) ?? 0) + 1);
    add(r.split, `answer_${r.source}`, chat(r.text, answer), { prompt: r.text, chosen: answer, rejected: refusalFor('criminal_planning', r.text) });
  }
  return rec;
}
