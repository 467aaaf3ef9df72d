// Every stage kind a recipe may name, with its factory.
import type { StageFactory } from './stage.ts';
import { c4LinesStage } from './stages/c4-lines.ts';
import { codeQualityStage } from './stages/code-quality.ts';
import { decontaminateStage } from './stages/decontaminate.ts';
import { exactDedupStage, minhashDedupStage } from './stages/dedup.ts';
import { eduValueStage } from './stages/edu-value.ts';
import { gopherQualityStage } from './stages/gopher-quality.ts';
import { gopherRepetitionStage } from './stages/gopher-repetition.ts';
import { normalizeStage } from './stages/normalize.ts';

export const STAGE_FACTORIES: Record<string, StageFactory<object>> = Object.fromEntries(
  [normalizeStage, gopherQualityStage, gopherRepetitionStage, c4LinesStage, codeQualityStage,
    exactDedupStage, minhashDedupStage, eduValueStage, decontaminateStage].map((f): [string, StageFactory<object>] => [f.kind, f]),
);
