// Samplers: greedy, temperature, top-k, top-p, repetition, presence and frequency penalties, seeded. Temperature and
// top-p follow llama2.c's run.c step for step in float32 (scale, softmax, one coin per token,
// cutoff pre-filter, stable descending sort), so a seed reproduces run.c's samples.
import { WrenError } from '../errors.ts';
import { Rng } from './rng.ts';

export type SamplerOptions = {
  temperature?: number;       // 0 = greedy (default 1)
  topP?: number;              // nucleus mass in (0, 1]; 1 = off (default 0.9, as run.c)
  topK?: number;              // keep the k most likely; 0 = off
  repetitionPenalty?: number; // > 1 discourages tokens already in the history (CTRL-style); 1 = off
  presencePenalty?: number;   // OpenAI's: subtracted from the logit of every token this sampler has drawn; 0 = off
  frequencyPenalty?: number;  // OpenAI's: subtracted once per time this sampler has drawn the token; 0 = off
  seed?: number;              // default: time-based
};

export type SamplerSettings = Required<SamplerOptions>;

export function samplerSettings(o: SamplerOptions = {}): SamplerSettings {
  const s = {
    temperature: o.temperature ?? 1,
    topP: o.topP ?? 0.9,
    topK: o.topK ?? 0,
    repetitionPenalty: o.repetitionPenalty ?? 1,
    presencePenalty: o.presencePenalty ?? 0,
    frequencyPenalty: o.frequencyPenalty ?? 0,
    seed: o.seed ?? Date.now(),
  };
  if (!(s.temperature >= 0) || !Number.isFinite(s.temperature)) throw new WrenError(`temperature must be ≥ 0, got ${o.temperature}`);
  if (!(s.topP > 0 && s.topP <= 1)) throw new WrenError(`top-p must be in (0, 1], got ${o.topP}`);
  if (!Number.isInteger(s.topK) || s.topK < 0) throw new WrenError(`top-k must be a non-negative integer, got ${o.topK}`);
  if (!(s.repetitionPenalty > 0) || !Number.isFinite(s.repetitionPenalty)) throw new WrenError(`repetition penalty must be > 0, got ${o.repetitionPenalty}`);
  for (const [name, v] of [['presence', s.presencePenalty], ['frequency', s.frequencyPenalty]] as const) {
    if (!(v >= -2 && v <= 2)) throw new WrenError(`${name} penalty must be in [-2, 2], got ${v}`);
  }
  if (!Number.isInteger(s.seed)) throw new WrenError(`seed must be an integer, got ${o.seed}`);
  return s;
}

export class Sampler {
  readonly settings: SamplerSettings;
  private rng: Rng;
  private probs: Float32Array;
  private order: Int32Array;
  private drawn = new Map<number, number>(); // token → times drawn, for the presence/frequency penalties
  private kept?: Float32Array;               // top-k: the survivors' scaled logits
  private keptOrder?: Int32Array;

  constructor(readonly vocabSize: number, options: SamplerOptions = {}) {
    this.settings = samplerSettings(options);
    this.rng = new Rng(this.settings.seed);
    this.probs = new Float32Array(vocabSize);
    this.order = new Int32Array(vocabSize);
  }

  get greedy(): boolean {
    return this.settings.temperature === 0;
  }

  /** Pick the next token from `logits` (V); `history` holds the ids so far (for the repetition penalty). */
  sample(logits: Float32Array, history: ArrayLike<number> = []): number {
    const id = this.pick(logits, history);
    this.drawn.set(id, (this.drawn.get(id) ?? 0) + 1);
    return id;
  }

  private pick(logits: Float32Array, history: ArrayLike<number>): number {
    const { temperature, topP, topK, repetitionPenalty, presencePenalty, frequencyPenalty } = this.settings;
    const p = this.probs, n = this.vocabSize;
    p.set(logits.subarray(0, n));
    if (repetitionPenalty !== 1) penalise(p, history, repetitionPenalty);
    if (presencePenalty !== 0 || frequencyPenalty !== 0) {
      for (const [id, count] of this.drawn) p[id] -= presencePenalty + frequencyPenalty * count;
    }
    if (temperature === 0) return sampleArgmax(p);
    if (topK > 0 && topK < n) return this.pickTopK(p, topK, temperature, topP);
    for (let i = 0; i < n; i++) p[i] /= temperature;
    softmaxF32(p);
    const coin = this.rng.nextF32();
    return topP >= 1 ? sampleMult(p, coin) : sampleTopP(p, topP, coin, this.order);
  }

  /**
   * Top-k on the k survivors only, in index order: the same sums, cutoff and order as masking the
   * rest to -Infinity and running over the whole vocabulary (their zeros add nothing), without
   * V exponentials a token.
   */
  private pickTopK(p: Float32Array, k: number, temperature: number, topP: number): number {
    maskBelowTopK(p, k);
    const ids = this.order, kept = (this.kept ??= new Float32Array(k));
    let m = 0;
    for (let i = 0; i < p.length; i++) if (p[i] !== -Infinity) { ids[m] = i; kept[m++] = p[i] / temperature; }
    const q = kept.subarray(0, m);
    softmaxF32(q);
    const coin = this.rng.nextF32();
    const j = topP >= 1 ? sampleMult(q, coin) : sampleTopP(q, topP, coin, (this.keptOrder ??= new Int32Array(k)), p.length);
    return ids[j];
  }
}

export function sampleArgmax(p: Float32Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Sample from a distribution given a coin in [0, 1) (run.c sample_mult). */
export function sampleMult(p: Float32Array, coin: number): number {
  let cdf = 0;
  for (let i = 0; i < p.length; i++) {
    cdf = Math.fround(cdf + p[i]);
    if (coin < cdf) return i;
  }
  return p.length - 1;
}

/**
 * Nucleus sampling (run.c sample_topp): smallest set of tokens whose mass exceeds topP. `vocab`:
 * the vocabulary `p` comes from (run.c's cutoff divides by it) when `p` holds only some of it.
 */
export function sampleTopP(p: Float32Array, topP: number, coin: number, scratch: Int32Array, vocab = p.length): number {
  const n = p.length;
  const cutoff = Math.fround(Math.fround(1 - topP) / (vocab - 1)); // values below can't be in the nucleus
  let n0 = 0;
  for (let i = 0; i < n; i++) if (p[i] >= cutoff) scratch[n0++] = i;
  const idx = sortByProbability(p, scratch.subarray(0, n0));
  let cumulative = 0, last = n0 - 1;
  for (let i = 0; i < n0; i++) {
    cumulative = Math.fround(cumulative + p[idx[i]]);
    if (cumulative > topP) { last = i; break; }
  }
  const r = Math.fround(coin * cumulative);
  let cdf = 0;
  for (let i = 0; i <= last; i++) {
    cdf = Math.fround(cdf + p[idx[i]]);
    if (r < cdf) return idx[i];
  }
  return idx[last];
}

/**
 * `ids` (ascending) ordered by p descending, ties by id ascending: run.c's order from a stable
 * sort. A flat distribution keeps most of the vocabulary in the nucleus, so this is a stable LSD
 * radix sort on the float32 bits of p (for p ≥ 0 they order as the values), two 16-bit digits.
 */
function sortByProbability(p: Float32Array, ids: Int32Array): ArrayLike<number> {
  const n = ids.length;
  if (n < 256) return Array.from(ids).sort((a, b) => (p[a] > p[b] ? -1 : p[a] < p[b] ? 1 : 0));
  const bits = new Uint32Array(p.buffer, p.byteOffset, p.length);
  const tmp = new Int32Array(n), count = new Int32Array(65537);
  const pass = (from: Int32Array, to: Int32Array, shift: number) => { // ~bits: descending
    count.fill(0);
    for (let i = 0; i < n; i++) count[(~bits[from[i]] >>> shift & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) to[count[~bits[from[i]] >>> shift & 0xffff]++] = from[i];
  };
  pass(ids, tmp, 0);
  pass(tmp, ids, 16); // ids is the caller's scratch: it may hold the result
  return ids;
}

/** In-place float32 softmax (run.c softmax: max-subtracted expf, float sum). */
export function softmaxF32(x: Float32Array): void {
  let max = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    x[i] = Math.exp(x[i] - max);
    sum = Math.fround(sum + x[i]);
  }
  for (let i = 0; i < x.length; i++) x[i] /= sum;
}

function penalise(p: Float32Array, history: ArrayLike<number>, penalty: number): void {
  const seen = new Set<number>();
  for (let i = 0; i < history.length; i++) seen.add(history[i]);
  for (const id of seen) if (id >= 0 && id < p.length) p[id] = p[id] > 0 ? p[id] / penalty : p[id] * penalty;
}

/** Keep the k largest logits (ties at the boundary by lowest index), set the rest to -Infinity. */
export function maskBelowTopK(p: Float32Array, k: number): void {
  const heap = new Float32Array(k).fill(-Infinity); // min-heap of the k largest values seen
  for (let i = 0; i < p.length; i++) {
    if (p[i] <= heap[0]) continue;
    heap[0] = p[i];
    for (let j = 0; ;) { // sift down
      const l = 2 * j + 1, r = l + 1;
      let m = j;
      if (l < k && heap[l] < heap[m]) m = l;
      if (r < k && heap[r] < heap[m]) m = r;
      if (m === j) break;
      [heap[j], heap[m]] = [heap[m], heap[j]];
      j = m;
    }
  }
  const threshold = heap[0];
  let above = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > threshold) above++;
  let ties = k - above;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > threshold) continue;
    if (p[i] === threshold && ties > 0) ties--;
    else p[i] = -Infinity;
  }
}
