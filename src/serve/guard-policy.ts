// The moderation policy of `wren serve --guard DIR --guard-policy FILE` (YAML or JSON):
//
//   default:    { severity: 2, action: block }     # every category not named below
//   categories:                                    # per category: the least severity (2, 4 or 6)
//     weapons:  { severity: 4, action: block }     #   that triggers the action
//     sexual:   { severity: 2, action: annotate }  # block | annotate (report only) | allow (not reported as detected)
//   input:  { check: true }                        # the prompt / user messages, before generation
//   output: { check: true, window: 256, stride: 64 }  # the answer as it streams: each time `stride`
//                                                  # new characters arrive, the last `window` are checked
//
// Every field is optional; a wrong one is an error naming the file and the field.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { WrenError } from '../errors.ts';
import { GUARD_CATEGORIES, isGuardCategory, type GuardCategory } from '../safety/categories.ts';

export type PolicyAction = 'block' | 'annotate' | 'allow';
export type CategoryRule = { severity: 2 | 4 | 6; action: PolicyAction };
export type GuardPolicy = {
  categories: Record<GuardCategory, CategoryRule>;
  input: { check: boolean };
  output: { check: boolean; window: number; stride: number };
};

export function defaultGuardPolicy(): GuardPolicy {
  return parseGuardPolicy({}, 'the default policy');
}

export function readGuardPolicy(file: string): GuardPolicy {
  let raw: string;
  try { raw = readFileSync(file, 'utf8'); } catch (err) { throw new WrenError(`--guard-policy ${file}: cannot read (${(err as Error).message})`); }
  let doc: unknown;
  try { doc = parseYaml(raw); } catch (err) { throw new WrenError(`${file}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`); }
  return parseGuardPolicy(doc ?? {}, file);
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new WrenError(`${where} must be a mapping`);
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new WrenError(`${where}: unknown field '${k}' (known: ${keys.join(', ')})`);
}

function rule(v: unknown, where: string, base: CategoryRule): CategoryRule {
  const o = object(v, where);
  only(o, ['severity', 'action'], where);
  const severity = o.severity ?? base.severity, action = o.action ?? base.action;
  if (severity !== 2 && severity !== 4 && severity !== 6) throw new WrenError(`${where}.severity must be 2, 4 or 6 (low, medium, high), got ${JSON.stringify(severity)}`);
  if (action !== 'block' && action !== 'annotate' && action !== 'allow') throw new WrenError(`${where}.action must be block, annotate or allow, got ${JSON.stringify(action)}`);
  return { severity, action };
}

function positiveInt(v: unknown, where: string, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new WrenError(`${where} must be an integer in [1, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function bool(v: unknown, where: string): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'boolean') throw new WrenError(`${where} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function parseGuardPolicy(doc: unknown, file: string): GuardPolicy {
  const top = object(doc, file);
  only(top, ['default', 'categories', 'input', 'output'], file);
  const base = top.default === undefined ? { severity: 2 as const, action: 'block' as const } : rule(top.default, `${file}: default`, { severity: 2, action: 'block' });
  const given = top.categories === undefined ? {} : object(top.categories, `${file}: categories`);
  for (const k of Object.keys(given)) if (!isGuardCategory(k)) throw new WrenError(`${file}: categories.${k}: not a guard category (known: ${GUARD_CATEGORIES.join(', ')})`);
  const categories = {} as Record<GuardCategory, CategoryRule>;
  for (const c of GUARD_CATEGORIES) categories[c] = given[c] === undefined ? base : rule(given[c], `${file}: categories.${c}`, base);
  const input = top.input === undefined ? {} : object(top.input, `${file}: input`);
  only(input, ['check'], `${file}: input`);
  const output = top.output === undefined ? {} : object(top.output, `${file}: output`);
  only(output, ['check', 'window', 'stride'], `${file}: output`);
  const window = positiveInt(output.window, `${file}: output.window`, 256, 1 << 16);
  const stride = positiveInt(output.stride, `${file}: output.stride`, 64, window);
  return { categories, input: { check: bool(input.check, `${file}: input.check`) }, output: { check: bool(output.check, `${file}: output.check`), window, stride } };
}
