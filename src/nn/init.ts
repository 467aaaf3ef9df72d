// Seeded random initialisation (GPT-2 / Llama style): normal(0, 0.02) for matrices, with the
// residual projections (wo, w2) scaled by 1/sqrt(2L); ones for the RMSNorm weights.
import type { LlamaConfig } from './config.ts';
import type { ParameterBlock, ParamName } from './weights.ts';

const NORMS = new Set<ParamName>(['attnNorm', 'ffnNorm', 'finalNorm']);
const RESIDUAL = new Set<ParamName>(['wo', 'w2']);

/** A small, fast, seeded generator (mulberry32) with Gaussian draws; deterministic across platforms. */
export class NormalRng {
  private s: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v; }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u)), a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

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
