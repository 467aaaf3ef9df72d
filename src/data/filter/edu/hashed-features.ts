// Hashed n-gram features ("the hashing trick", Weinberger et al. 2009): lower-cased word unigrams
// and bigrams hashed into 2^bits buckets with a sign bit, log-scaled counts, L2-normalised.
// No vocabulary to store, so a model is just a weight vector.
import { combine, fmix32 } from '../hash.ts';
import { hashWords } from '../words.ts';

export interface SparseVector {
  index: Uint32Array;
  value: Float32Array;
}

export function hashedFeatures(text: string, bits: number, ngrams = 2): SparseVector {
  const w = hashWords(text.toLowerCase(), true);
  const mask = (1 << bits) - 1;
  const counts = new Map<number, number>(); // signed bucket → count
  for (let i = 0; i < w.count; i++) {
    let h = w.hash[i];
    for (let n = 1; n <= ngrams && i + n <= w.count; n++) {
      if (n > 1) h = combine(h, w.hash[i + n - 1]);
      const m = fmix32(h + n);
      const bucket = m & mask;
      const sign = m >>> 31 ? -1 : 1;
      counts.set(bucket, (counts.get(bucket) ?? 0) + sign);
    }
  }
  const index = new Uint32Array(counts.size);
  const value = new Float32Array(counts.size);
  let k = 0, norm = 0;
  for (const [bucket, c] of counts) {
    const v = Math.sign(c) * Math.log1p(Math.abs(c));
    index[k] = bucket;
    value[k] = v;
    norm += v * v;
    k++;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < k; i++) value[i] /= norm;
  return { index, value };
}
