// Shared helpers for the filter tests: hand-made documents with exactly known counts.
import type { FilterDoc, StageVerdict } from '../../src/data/filter/document.ts';
import type { FilterStage } from '../../src/data/filter/stage.ts';
import { STAGE_FACTORIES } from '../../src/data/filter/registry.ts';
import { resolveOptions } from '../../src/data/filter/stage.ts';

/** Word i of a family of distinct lower-case words of exactly `len` letters (never a stop word). */
export function word(i: number, len = 5): string {
  let s = '';
  let x = i;
  for (let k = 0; k < len - 1; k++) {
    s = String.fromCharCode(97 + (x % 26)) + s;
    x = Math.floor(x / 26);
  }
  return `q${s}`;
}

export function words(n: number, len = 5, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => word(from + i, len));
}

export function doc(text: string, extra: Partial<FilterDoc> = {}): FilterDoc {
  return { id: 'test', text, meta: {}, origin: 'test', ...extra };
}

export async function stage(kind: string, options: Record<string, unknown> = {}): Promise<FilterStage> {
  const f = STAGE_FACTORIES[kind];
  return f.create(kind, resolveOptions(`test ${kind}`, f.defaults, options), { baseDir: process.cwd(), workPrefix: '' });
}

export async function verdict(s: FilterStage, text: string, extra: Partial<FilterDoc> = {}): Promise<StageVerdict> {
  return s.apply(doc(text, extra));
}

export function reason(v: StageVerdict): string {
  return v.keep ? 'keep' : v.reason;
}
