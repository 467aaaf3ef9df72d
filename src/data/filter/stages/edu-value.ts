// Educational value: scores each document 0–5 and keeps those at or above `threshold`. The score
// is written into the output record (`edu_score` by default), so a later, stricter pass can reuse
// it instead of rescoring. Scorers: 'heuristic' (built-in, offline default — see
// edu/heuristic-scorer.ts for what it is and is not), 'classifier' (a directory written by
// `wren filter train-classifier`), 'annotator' (a teacher LLM with the FineWeb-Edu prompt).
import { resolve } from 'node:path';
import { WrenError } from '../../../errors.ts';
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { EduAnnotator } from '../edu/annotator.ts';
import { loadEduClassifier } from '../edu/classifier.ts';
import { HeuristicEduScorer, type HeuristicProfile } from '../edu/heuristic-scorer.ts';
import '../edu/all-kinds.ts';
import type { EduScorer } from '../edu/scorer.ts';
import { checkOneOf, checkRange, type FilterStage, type StageFactory } from '../stage.ts';

export interface EduValueOptions {
  scorer: string;
  threshold: number;
  /** heuristic: 'web' | 'code' | 'stories'. */
  profile: string;
  /** classifier: directory with classifier.json. */
  model: string;
  /** annotator: 'web' (FineWeb-Edu) | 'code' (phi-1 style). */
  prompt: string;
  /** annotator: JSONL cache; default '<out>.annotations.jsonl'. */
  cache: string;
  maxChars: number;
  /** Output field that carries the score. */
  field: string;
  /** Reuse a score already in the record's `field` (from an earlier pass) instead of rescoring. */
  reuse: boolean;
}

class EduValueStage implements FilterStage {
  readonly kind = 'edu-value';
  readonly scoreRange;
  constructor(readonly name: string, private o: EduValueOptions, private scorer: EduScorer) {
    this.scoreRange = { min: 0, max: 5, bins: 10, threshold: o.threshold };
  }

  async apply(doc: FilterDoc): Promise<StageVerdict> {
    const prior = doc.meta[this.o.field];
    let score: number;
    if (this.o.reuse && typeof prior === 'number' && Number.isFinite(prior)) score = prior;
    else {
      const key = doc.path ?? (typeof doc.meta.path === 'string' ? doc.meta.path : doc.id);
      score = await this.scorer.score(doc.text, key);
      if (Number.isNaN(score)) return drop('unscored', 'the teacher reply had no "Educational score: N"');
      score = Math.round(score * 1000) / 1000;
      doc.meta[this.o.field] = score;
    }
    return score >= this.o.threshold ? { ...KEEP, score } : drop('low_edu_score', `score ${score.toFixed(2)} < ${this.o.threshold}`, score);
  }

  async close(): Promise<void> {
    await this.scorer.close?.();
  }
}

export const eduValueStage: StageFactory<EduValueOptions> = {
  kind: 'edu-value',
  summary: 'scores educational value 0–5 (heuristic | classifier | annotator) and keeps documents at or above the threshold',
  defaults: {
    scorer: 'heuristic', threshold: 2.5, profile: 'web', model: '', prompt: 'web', cache: '', maxChars: 8000, field: 'edu_score', reuse: true,
  },
  async create(name, o, ctx) {
    const where = `stage '${name}'`;
    checkOneOf(where, 'scorer', o.scorer, ['heuristic', 'classifier', 'annotator']);
    checkRange(where, 'threshold', o.threshold, 0, 5);
    let scorer: EduScorer;
    if (o.scorer === 'heuristic') {
      checkOneOf(where, 'profile', o.profile, ['web', 'code', 'stories']);
      scorer = new HeuristicEduScorer(o.profile as HeuristicProfile);
    } else if (o.scorer === 'classifier') {
      if (!o.model) throw new WrenError(`${where}: scorer 'classifier' needs 'model' (a directory from 'wren filter train-classifier')`);
      scorer = await loadEduClassifier(resolve(ctx.baseDir, o.model));
    } else {
      if (!ctx.teacher) throw new WrenError(`${where}: scorer 'annotator' needs a teacher (pass --teacher)`);
      const cacheFile = o.cache ? resolve(ctx.baseDir, o.cache) : ctx.workPrefix ? `${ctx.workPrefix}.annotations.jsonl` : '';
      scorer = new EduAnnotator(ctx.teacher, { prompt: o.prompt, cacheFile, maxChars: o.maxChars, storeText: false, maxTokens: 300 });
    }
    return new EduValueStage(name, o, scorer);
  },
};
