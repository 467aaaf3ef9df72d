// What a filter pass records: per stage documents in/out, drop reasons with counts and the first
// few examples, text edits, time, and a score histogram for scoring stages. Plain JSON, so it is
// saved in checkpoints and reports as is.
import type { FilterDoc, StageVerdict } from './document.ts';
import type { FilterStage } from './stage.ts';

export const EXAMPLES_PER_REASON = 3;
const SNIPPET_CHARS = 160;

export interface Example {
  id: string;
  origin: string;
  detail: string;
  snippet: string;
}

export interface ReasonStats {
  count: number;
  examples: Example[];
}

export interface Histogram {
  min: number;
  max: number;
  threshold?: number;
  kept: number[];
  dropped: number[];
}

export interface StageStats {
  name: string;
  kind: string;
  docsIn: number;
  docsOut: number;
  dropped: Record<string, ReasonStats>;
  edited: Record<string, number>;
  ms: number;
  histogram?: Histogram;
}

export interface PassStats {
  format: 'wren-filter-pass';
  version: 1;
  recipe: { name: string; source: string; description: string; stages: { kind: string; name: string; options: Record<string, unknown> }[] };
  inputs: string[];
  output: string;
  shard: string;
  startedAt: string;
  seconds: number;
  /** bytes: everything read; docBytes: the part that became documents (skipped files excluded). */
  input: { units: number; docs: number; bytes: number; docBytes: number; skipped: Record<string, ReasonStats> };
  stages: StageStats[];
  docsOut: number;
  bytesOut: number;
}

export function snippet(text: string): string {
  const s = text.slice(0, 4 * SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  return s.length > SNIPPET_CHARS ? `${s.slice(0, SNIPPET_CHARS)}…` : s;
}

export function recordReason(map: Record<string, ReasonStats>, reason: string, ex: Example | (() => Example)): void {
  const r = (map[reason] ??= { count: 0, examples: [] });
  r.count++;
  if (r.examples.length < EXAMPLES_PER_REASON) r.examples.push(typeof ex === 'function' ? ex() : ex);
}

export function newStageStats(stage: FilterStage): StageStats {
  const s: StageStats = { name: stage.name, kind: stage.kind, docsIn: 0, docsOut: 0, dropped: {}, edited: {}, ms: 0 };
  if (stage.scoreRange) {
    const { min, max, bins, threshold } = stage.scoreRange;
    s.histogram = { min, max, threshold, kept: new Array(bins).fill(0), dropped: new Array(bins).fill(0) };
  }
  return s;
}

/** Books one stage verdict (the text in `before` is the document as the stage saw it). */
export function recordVerdict(s: StageStats, doc: FilterDoc, before: string, v: StageVerdict): void {
  s.docsIn++;
  if (v.keep) {
    s.docsOut++;
    if (v.edited) s.edited[v.edited] = (s.edited[v.edited] ?? 0) + 1;
  } else {
    recordReason(s.dropped, v.reason, () => ({ id: doc.id, origin: doc.origin, detail: v.detail ?? '', snippet: snippet(before) }));
  }
  const h = s.histogram;
  if (h && v.score !== undefined && Number.isFinite(v.score)) {
    const bins = h.kept.length;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((v.score - h.min) / (h.max - h.min)) * bins)));
    (v.keep ? h.kept : h.dropped)[b]++;
  }
}
