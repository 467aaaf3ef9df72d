// A filter stage: one rule family (Gopher quality, MinHash dedup, …) configured from a recipe.
// Stages run in recipe order; a document leaves the pipeline at the first stage that drops it.
// Stateful stages (dedup) expose their growing key sets so a checkpoint can log them for resume.
import { WrenError } from '../../errors.ts';
import type { FilterDoc, StageVerdict } from './document.ts';
import type { U64Set } from './hash.ts';
import type { Teacher } from '../../llm/teacher.ts';

export interface FilterStage {
  /** Instance name in the recipe (defaults to the kind); used in reports and overrides. */
  readonly name: string;
  readonly kind: string;
  /** Histogram range for `score` values in the report, when the stage scores documents. */
  readonly scoreRange?: { min: number; max: number; bins: number; threshold?: number };
  apply(doc: FilterDoc): StageVerdict | Promise<StageVerdict>;
  /** Sets whose additions must survive a crash (logged at each checkpoint, replayed on resume). */
  readonly keySets?: U64Set[];
  close?(): Promise<void>;
}

/** Everything a stage factory may need besides its options. */
export interface StageContext {
  /** Directory relative paths in the recipe are resolved against. */
  baseDir: string;
  /** The teacher for the LLM annotator, when the caller has one (`--teacher`). */
  teacher?: Teacher;
  /** Prefix for files a stage keeps beside the output (e.g. the annotation cache), '' for none. */
  workPrefix: string;
}

export interface StageFactory<O extends object> {
  kind: string;
  summary: string;
  defaults: O;
  create(name: string, options: O, ctx: StageContext): FilterStage | Promise<FilterStage>;
}

/** Option values a recipe may hold: scalars, lists of scalars, lists of number pairs. */
type OptionValue = number | string | boolean | string[] | number[] | number[][];

function shapeOf(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? 'list' : `list of ${shapeOf(v[0])}`;
  return typeof v;
}

/**
 * Merges recipe options over a stage's defaults. Unknown keys and wrong types throw a WrenError that
 * names the recipe, the stage and the key, and lists the keys the stage knows.
 */
export function resolveOptions(where: string, defaults: object, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  const known = Object.keys(defaults);
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || k.startsWith(key) || key.startsWith(k));
      throw new WrenError(
        `${where}: unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}; known keys: ${known.join(', ') || '(none)'}`,
      );
    }
    const def = (defaults as Record<string, OptionValue>)[key];
    const want = shapeOf(def);
    const got = shapeOf(value);
    const listOk = Array.isArray(def) && Array.isArray(value) && (value.length === 0 || def.length === 0 || got === want);
    if (got !== want && !listOk) {
      throw new WrenError(`${where}: '${key}' must be a ${want} (like ${JSON.stringify(def)}), got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out;
}

/** Throws a WrenError unless lo <= value <= hi. */
export function checkRange(where: string, key: string, value: number, lo: number, hi: number): void {
  if (!(value >= lo && value <= hi)) throw new WrenError(`${where}: '${key}' must be in [${lo}, ${hi}], got ${value}`);
}

export function checkOneOf(where: string, key: string, value: string, allowed: string[]): void {
  if (!allowed.includes(value)) throw new WrenError(`${where}: '${key}' must be one of ${allowed.join(' | ')}, got '${value}'`);
}
