// Log-probabilities as OpenAI reports them: of the model's own distribution (softmax of the raw
// logits, before penalties, temperature or truncation), for the chosen token and the k most likely.
export type TokenLogprob = { id: number; logprob: number };

/** log p(id) and the top `k` (most likely first; ties by lower id) under softmax(logits). */
export function tokenLogprobs(logits: Float32Array, id: number, k: number): { logprob: number; top: TokenLogprob[] } {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logZ = max + Math.log(sum);
  const top: TokenLogprob[] = [];
  if (k > 0) {
    // A small sorted list beats sorting V entries: k ≤ 20.
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i];
      if (top.length === k && v <= logits[top[k - 1].id]) continue;
      let at = top.length;
      while (at > 0 && logits[top[at - 1].id] < v) at--;
      top.splice(at, 0, { id: i, logprob: 0 });
      if (top.length > k) top.pop();
    }
    for (const t of top) t.logprob = logits[t.id] - logZ;
  }
  return { logprob: logits[id] - logZ, top };
}
