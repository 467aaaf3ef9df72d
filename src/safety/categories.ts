// The guard's taxonomy: seven harm categories (Azure AI Content Safety's four, Llama Guard's
// criminal planning and weapons, and Prompt Shields' prompt attacks), severities on Azure's
// 0/2/4/6 scale, and the verdict one text gets.
//
// A guard model is a K = 1 + 7 class classifier over the labels ['safe', ...GUARD_CATEGORIES];
// a category's severity comes from its calibrated probability, the text's score is P(not safe).
export const GUARD_CATEGORIES = ['hate', 'sexual', 'violence', 'self_harm', 'criminal_planning', 'weapons', 'jailbreak'] as const;
export type GuardCategory = (typeof GUARD_CATEGORIES)[number];
export const GUARD_LABELS: readonly string[] = ['safe', ...GUARD_CATEGORIES];

export type Severity = 0 | 2 | 4 | 6;
export const SEVERITIES: readonly Severity[] = [0, 2, 4, 6];

export type GuardRole = 'prompt' | 'response';
export const GUARD_ROLES: readonly GuardRole[] = ['prompt', 'response'];

export type GuardVerdict = {
  flagged: boolean;
  categories: Record<GuardCategory, Severity>;
  score: number; // calibrated P(the text is in some harm category)
};

/** Severity of a category from its probability: safe (< 0.5), low, medium, high (≥ 0.9). The
 *  cut points are fixed so severities mean the same thing for every guard folder. */
export function severityOf(p: number): Severity {
  return p < 0.5 ? 0 : p < 0.75 ? 2 : p < 0.9 ? 4 : 6;
}

export function isGuardCategory(name: string): name is GuardCategory {
  return (GUARD_CATEGORIES as readonly string[]).includes(name);
}
