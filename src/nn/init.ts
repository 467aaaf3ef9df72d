// Seeded random initialisation (GPT-2 / Llama style): normal(0, 0.02) for matrices, with the
// residual projections (wo, w2) scaled by 1/sqrt(2L); ones for the RMSNorm weights.
import type { LlamaConfig } from './config.ts';
import type { ParameterBlock, ParamName } from './weights.ts';
import { NormalRng } from '../util/rng.ts';

const NORMS = new Set<ParamName>(['attnNorm', 'ffnNorm', 'finalNorm']);
const RESIDUAL = new Set<ParamName>(['wo', 'w2']);

export function initParameters(params: ParameterBlock, config: LlamaConfig, seed: number, std = 0.02): void {
  const rng = new NormalRng(seed);
  const residualStd = std / Math.sqrt(2 * config.num_hidden_layers);
  for (const e of params.entries.values()) {
    const v = params.view(e.name);
    if (NORMS.has(e.name)) { v.fill(1); continue; }
    const s = RESIDUAL.has(e.name) ? residualStd : std;
    for (let i = 0; i < v.length; i++) v[i] = rng.normal() * s;
  }
}
