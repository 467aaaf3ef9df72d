// Reads a judge's scores from its reply, whatever shape the model chose: the asked-for line
// ("Grammar: 8/10, Creativity: 7/10, …"), one criterion a line, markdown ("**Plot**: 6"), JSON
// ({"grammar": 8}) or a score out of another scale ("85/100" → 8.5, "4/5" → 8). For each criterion
// the last score in the reply counts (models grade after they reason). The criterion's name, singular
// or plural ("Placeholder" for placeholders), may be followed by a few words ("Consistency with the
// beginning: 7"); the number must follow a ':', '=' or a dash. A reply that lacks a criterion, or
// gives a value outside 0–10 (after scaling), is not scores: the error says which, so the caller
// can ask again and report it, never count it.
//
// Age group (GPT-Eval): a letter A–F after "Age group", or one of the ranges ("6-7", "3 or under").
import { AGE_GROUPS, type Rubric } from './rubrics.ts';

export type JudgeScores = { scores: Record<string, number>; ageGroup?: string };
export type JudgeParse = { ok: true; value: JudgeScores } | { ok: false; error: string };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lastScore(text: string, criterion: string): { value: number; raw: string } | undefined {
  // name, up to 40 characters of words (no digits, no line break), quotes or markdown, a separator, the number, an optional scale
  const re = new RegExp(`(?<![a-z])${escapeRe(criterion.replace(/s$/, ''))}s?(?![a-z])[a-z ,'()-]{0,40}?["'*_ \\t]*[:=\\-–—][*_"' \\t]*(\\d+(?:\\.\\d+)?)(?:[ \\t]*(?:/|out of)[ \\t]*(\\d+))?`, 'gi');
  let m: RegExpExecArray | null, last: RegExpExecArray | undefined;
  while ((m = re.exec(text))) last = m;
  if (!last) return undefined;
  const v = Number(last[1]), scale = last[2] ? Number(last[2]) : 10;
  return { value: scale === 10 ? v : (v * 10) / scale, raw: last[0].trim() };
}

const RANGE_TO_GROUP = new Map(Object.entries(AGE_GROUPS).map(([k, v]) => [v.replace(/\s+/g, ' '), k]));

function lastAgeGroup(text: string): string | undefined {
  const re = /[Aa]ge(?:[ \t_]+[Gg]roup)?["'*_ \t]*[:=\-–—][*_"' \t]*(?:\(?\s*([A-F])\b|(\d+\s*[-–]\s*\d+|3 or under))/g; // the letter in capitals: "a 4-year-old" is no group
  let m: RegExpExecArray | null, last: RegExpExecArray | undefined;
  while ((m = re.exec(text))) last = m;
  if (!last) return undefined;
  if (last[1]) return last[1];
  return RANGE_TO_GROUP.get(last[2].replace(/\s*[-–]\s*/, '-'));
}

export function parseJudgeReply(text: string, rubric: Rubric): JudgeParse {
  const scores: Record<string, number> = {};
  for (const c of rubric.criteria) {
    const s = lastScore(text, c);
    if (!s) return { ok: false, error: `no score for '${c}'` };
    if (!Number.isFinite(s.value) || s.value < 0 || s.value > 10) return { ok: false, error: `'${c}' scored outside 0–10 ('${s.raw}')` };
    scores[c] = s.value;
  }
  if (!rubric.ageGroup) return { ok: true, value: { scores } };
  const ageGroup = lastAgeGroup(text);
  if (!ageGroup) return { ok: false, error: 'no age group (A–F)' };
  return { ok: true, value: { scores, ageGroup } };
}
