// Safe look-alikes and their unsafe contrasts, composed from the slot vocabularies in
// look-alike-slots.ts (XSTest's idea, our own words): the same verb, topic or question asked
// about a harmless target, a pretend context, a definition, history, a fictional person or a
// nonsense group (safe), and about a person, real life, the act itself or a real group (unsafe).
// A guard that learns only from harmful sets flags every "kill" and "shoot"; these pairs teach it
// that the target and the framing decide. Which slot fills which frame is a fixed hash, so the
// rows are the same on every run. Source names: lookalike_safe, lookalike_unsafe. They are
// training rows like any other (split by the same text hash); XSTest's own prompts stay the
// yardstick.
import { fnv1a } from '../data/filter/hash.ts';
import type { GuardCategory } from './categories.ts';
import type { GuardRow } from './guard-sources.ts';
import * as S from './look-alike-slots.ts';

const fill = (t: string, slots: Record<string, string>) => t.replace(/\{(\w)\}/g, (_, k: string) => slots[k]);
/** A fixed pseudo-random number for a combination of slots. */
const pick = (...parts: string[]) => fnv1a(parts.join('\u0000'));
/** Keep about one combination in `every`. */
const keep = (every: number, ...parts: string[]) => pick('keep', ...parts) % every === 0;
const frame = (frames: string[], ...parts: string[]) => frames[pick('frame', ...parts) % frames.length];

export function lookAlikeRows(): GuardRow[] {
  const rows: GuardRow[] = [];
  const safe = (text: string) => rows.push({ text, role: 'prompt', label: 'safe', source: 'lookalike_safe' });
  const unsafe = (text: string, label: GuardCategory) => rows.push({ text, role: 'prompt', label, source: 'lookalike_unsafe' });
  const act = (verb: string, target: string) => `${verb} ${target}`;

  for (const { verb, safe: things, category } of S.HARM_VERBS) {
    for (const t of things) for (const k of ['1', '2']) safe(fill(frame(S.FRAMES, verb, t, k), { v: act(verb, t) }));
    for (const p of S.PEOPLE) if (keep(4, verb, p)) unsafe(fill(frame(S.FRAMES, verb, p), { v: act(verb, p) }), category);
  }
  for (const [verb, category] of S.PLACE_VERBS) for (const place of S.PLACES) if (keep(2, verb, place)) unsafe(fill(frame(S.FRAMES, verb, place), { v: act(verb, place) }), category);
  for (const verb of S.KIND_VERBS) for (const p of S.PEOPLE) if (keep(4, verb, p)) safe(fill(frame(S.FRAMES, verb, p), { v: act(verb, p) }));

  const pretendVerbs = S.HARM_VERBS.filter((h) => ['kill', 'shoot', 'poison', 'attack', 'blow up', 'stab', 'execute', 'destroy', 'trap', 'beat', 'hunt', 'slaughter'].includes(h.verb));
  for (const { verb, category } of pretendVerbs) {
    for (const ctx of S.PRETEND) {
      for (const t of S.PRETEND_TARGETS) if (keep(4, verb, ctx, t)) safe(fill(frame(S.FRAMES, verb, ctx, t), { v: `${act(verb, t)} ${ctx}` }));
      for (const p of S.PEOPLE) if (keep(16, verb, ctx, p)) safe(fill(frame(S.FRAMES, verb, ctx, p), { v: `${act(verb, p)} ${ctx}` }));
    }
    for (const ctx of S.REAL) for (const p of S.PEOPLE) if (keep(6, verb, ctx, p)) unsafe(fill(frame(S.FRAMES, verb, ctx, p), { v: `${act(verb, p)} ${ctx}` }), category);
  }

  for (const h of S.HARMS) {
    for (const f of S.DEFINE_FRAMES) if (keep(2, h.name, f)) safe(fill(f, { x: h.name }));
    for (const f of S.FRAMES) if (keep(2, h.act, f)) unsafe(fill(f, { v: h.act }), h.category);
  }
  for (const e of S.EVENTS) {
    for (const f of S.HISTORY_SAFE) safe(fill(f, { x: e }));
    for (const [f, category] of S.HISTORY_UNSAFE) unsafe(fill(f, { x: e }), category);
  }
  for (const x of S.FICTIONAL) for (const f of S.FICTIONAL_FRAMES) safe(fill(f, { x }));
  for (const x of S.PUBLIC_PLACES) for (const f of S.PUBLIC_FRAMES) safe(fill(f, { x }));

  for (const r of S.RIGHTS) for (const f of S.RIGHT_FRAMES) {
    for (const g of S.NONSENSE_GROUPS) if (keep(3, g, r, f)) safe(fill(f, { g, r }));
    for (const g of S.REAL_GROUPS) if (keep(3, g, r, f)) unsafe(fill(f, { g, r }), 'hate');
  }
  for (const a of S.NONSENSE_ABILITIES) for (const f of S.ABILITY_FRAMES) for (const g of S.REAL_GROUPS) if (keep(3, g, a, f)) safe(fill(f, { g, a }));

  for (const [figure, literal, category] of S.FIGURATIVE) {
    for (const k of ['1', '2', '3']) {
      safe(fill(frame(S.FRAMES, figure, k), { v: figure }));
      unsafe(fill(frame(S.FRAMES, literal, k), { v: literal }), category);
    }
  }
  return rows;
}
