// The unit every filter stage sees: one document's text plus whatever metadata came with it.
// Stages may rewrite `text` (normalisation, C4 line removal); the writer emits the final text with
// the original metadata, so a filtered file can be filtered again.

export interface FilterDoc {
  /** Stable id: the input's `id` field, else `file:line` (JSONL), `file#n` (text) or the relative path (folders). */
  id: string;
  text: string;
  /** Every other field of the input record, passed through to the output unchanged. */
  meta: Record<string, unknown>;
  /** Where the document came from, for error messages and report examples (`file:line`). */
  origin: string;
  /** File name for source-file inputs (code rules look at the extension). */
  path?: string;
}

/** What a stage decides about one document. `score` feeds the stage's histogram in the report. */
export type StageVerdict =
  | { keep: true; score?: number; /** the stage changed the text; counted under this name */ edited?: string }
  | { keep: false; reason: string; detail?: string; score?: number };

export const KEEP: StageVerdict = { keep: true };

export function drop(reason: string, detail?: string, score?: number): StageVerdict {
  return { keep: false, reason, detail, score };
}
