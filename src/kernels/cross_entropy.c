// softmax_cross_entropy: fused softmax + cross-entropy, forward and backward in one pass over each
// row of logits (M,V), so no probability matrix is ever stored:
//   losses[m] = logsumexp(x_m) - x_m[target_m]
//   dlogits[m] = (softmax(x_m) - onehot(target_m)) · gradScale   (may alias logits: in place)
// A negative target marks padding: loss 0, gradient 0. Threads split the rows.
#include "wren.h"

void softmax_cross_entropy(float* losses, float* dlogits, const float* logits, const int32_t* targets,
                           int M, int V, float gradScale, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  for (int m = lo; m < hi; m++) {
    const float* x = logits + (int64_t)m * V;
    float* d = dlogits + (int64_t)m * V;
    int target = targets[m];
    if (target < 0 || target >= V) {
      losses[m] = 0.0f;
      for (int n = 0; n < V; n++) d[n] = 0.0f;
      continue;
    }
    vf mx = vf_splat(-3.4028235e38f);
    int n = 0;
    for (; n + VW <= V; n += VW) mx = vf_max(mx, vf_load(x + n));
    float max = vf_hmax(mx);
    for (; n < V; n++) if (x[n] > max) max = x[n];
    vf sv = vf_zero(), mv = vf_splat(max);
    for (n = 0; n + VW <= V; n += VW) sv = vf_add(sv, vf_exp(vf_sub(vf_load(x + n), mv)));
    float sum = vf_hsum(sv);
    for (; n < V; n++) sum += wren_expf(x[n] - max);
    float lse = (float)((double)max + wren_log((double)sum));
    float xt = x[target];
    losses[m] = lse - xt;
    vf lv = vf_splat(lse), gs = vf_splat(gradScale);
    for (n = 0; n + VW <= V; n += VW) vf_store(d + n, vf_mul(vf_exp(vf_sub(vf_load(x + n), lv)), gs));
    for (; n < V; n++) d[n] = wren_expf(x[n] - lse) * gradScale;
    d[target] -= gradScale;
  }
}
