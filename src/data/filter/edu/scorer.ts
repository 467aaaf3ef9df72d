// Educational-value scorers: anything that maps a document to a 0–5 score (FineWeb-Edu's scale).
// Three kinds slot into the `edu-value` stage: the built-in heuristic (offline default), a trained
// classifier loaded from a directory (see classifier.ts), and the LLM annotator (annotator.ts).

export interface EduScorer {
  /** 'heuristic' | 'linear-ngram' | 'annotator' | … — recorded in reports. */
  readonly kind: string;
  /** Score in [0, 5]; higher is more educational. */
  score(text: string, id: string): number | Promise<number>;
  close?(): Promise<void>;
}

export const EDU_MIN = 0;
export const EDU_MAX = 5;

export function clampScore(x: number): number {
  return x < EDU_MIN ? EDU_MIN : x > EDU_MAX ? EDU_MAX : x;
}
