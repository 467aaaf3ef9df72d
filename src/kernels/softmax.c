// softmax: out (M,N) = softmax of each row of x (M,N); out may alias x. Threads split the rows.
#include "wren.h"

void softmax(float* out, const float* x, int M, int N, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  for (int m = lo; m < hi; m++) {
    const float* xm = x + (int64_t)m * N;
    float* om = out + (int64_t)m * N;
    float max = -3.4028235e38f;
    int n = 0;
    if (N >= VW) {
      vf mv = vf_load(xm);
      for (n = VW; n + VW <= N; n += VW) mv = vf_max(mv, vf_load(xm + n));
      max = vf_hmax(mv);
    }
    for (; n < N; n++) if (xm[n] > max) max = xm[n];
    vf maxv = vf_splat(max), sv = vf_zero();
    n = 0;
    for (; n + VW <= N; n += VW) {
      vf e = vf_exp(vf_sub(vf_load(xm + n), maxv));
      vf_store(om + n, e);
      sv = vf_add(sv, e);
    }
    float sum = vf_hsum(sv);
    for (; n < N; n++) sum += (om[n] = wren_expf(xm[n] - max));
    vf inv = vf_splat(1.0f / sum);
    n = 0;
    for (; n + VW <= N; n += VW) vf_store(om + n, vf_mul(vf_load(om + n), inv));
    for (; n < N; n++) om[n] *= 1.0f / sum;
  }
}
