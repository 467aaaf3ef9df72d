// How the real-text recipe sizes a run from its time budget and its data (docs/recipes.md says
// why). Compute decides the model: of a ladder of Llama shapes, the largest whose measured step
// time still allows MIN_UPDATES updates in the budget (fewer updates than that leave a model
// under-trained, however large). Data decides the rest: the vocabulary grows with the text, and
// a run that would see its training tokens many times gets dropout, more the more it repeats.
import type { LlamaConfig } from '../nn/config.ts';

export type Shape = { name: string; layers: number; hidden: number; intermediate: number };

/** Head size 32 throughout; SwiGLU widths about 8/3 of the hidden size, rounded to 8. */
export const SHAPES: Shape[] = [
  { name: 'tiny', layers: 4, hidden: 64, intermediate: 176 },
  { name: 'small', layers: 5, hidden: 96, intermediate: 256 },
  { name: 'base', layers: 6, hidden: 128, intermediate: 344 },
  { name: 'large', layers: 8, hidden: 192, intermediate: 512 },
  { name: 'xl', layers: 8, hidden: 256, intermediate: 688 },
];

export const BATCH = 32, SEQ_LEN = 256, MIN_UPDATES = 1000;

export function vocabFor(trainBytes: number): number {
  return trainBytes < 1_000_000 ? 1024 : trainBytes < 50_000_000 ? 2048 : 4096;
}

export function dropoutFor(epochs: number): number {
  return epochs > 30 ? 0.2 : epochs > 4 ? 0.1 : 0;
}

export function shapeConfig(s: Shape, vocab: number): LlamaConfig {
  return {
    hidden_size: s.hidden, intermediate_size: s.intermediate, num_hidden_layers: s.layers,
    num_attention_heads: s.hidden / 32, num_key_value_heads: s.hidden / 32, max_position_embeddings: SEQ_LEN,
    rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true, vocab_size: vocab,
  };
}

export type Plan = {
  shape: string; config: LlamaConfig; steps: number; msPerStep: number; epochs: number; dropout: number;
  batch: number; seqLen: number; lr: number; minLr: number; warmup: number; weightDecay: number;
  timings: { shape: string; msPerStep: number; updates: number }[];
};

/** A shape and step count the user fixes (a reproducible run), instead of the measured choice. */
export type PlanOverrides = { shape?: string; steps?: number };

/** The plan for `minutes` of training on `trainTokens` tokens, given each shape's measured step time. */
export function planRun(minutes: number, trainTokens: number, vocab: number, msPerStep: (s: Shape) => number, fixed: PlanOverrides = {}): Plan {
  const timings: Plan['timings'] = [];
  let chosen = SHAPES[0], chosenMs = 0;
  const only = fixed.shape === undefined ? undefined : SHAPES.find((s) => s.name === fixed.shape);
  if (fixed.shape !== undefined && !only) throw new Error(`unknown shape '${fixed.shape}'; shapes: ${SHAPES.map((s) => s.name).join(', ')}`);
  for (const s of only ? [only] : SHAPES) {
    const ms = msPerStep(s), updates = Math.floor((minutes * 60_000) / ms);
    timings.push({ shape: s.name, msPerStep: Math.round(ms), updates });
    if (s === SHAPES[0] || only || updates >= MIN_UPDATES) { chosen = s; chosenMs = ms; }
    if (updates < MIN_UPDATES) break; // larger shapes only get fewer
  }
  const steps = fixed.steps ?? Math.max(20, Math.floor((minutes * 60_000) / chosenMs));
  const epochs = (steps * BATCH * SEQ_LEN) / trainTokens;
  return {
    shape: chosen.name, config: shapeConfig(chosen, vocab), steps, msPerStep: Math.round(chosenMs), epochs: +epochs.toFixed(2),
    dropout: dropoutFor(epochs), batch: BATCH, seqLen: SEQ_LEN, lr: 2e-3, minLr: 2e-4,
    warmup: Math.max(10, Math.round(steps * 0.03)), weightDecay: 0.1, timings,
  };
}
