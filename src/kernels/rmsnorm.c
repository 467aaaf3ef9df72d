// rmsnorm: out (M,C) = x (M,C) / sqrt(mean(x²) + eps) * w (C). Threads split the rows.
#include "wren.h"

void rmsnorm(float* out, const float* x, const float* w, int M, int C, float eps, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  for (int m = lo; m < hi; m++) {
    const float* xm = x + (int64_t)m * C;
    float* om = out + (int64_t)m * C;
    vf s0 = vf_zero(), s1 = vf_zero();
    int c = 0;
    for (; c + 2 * VW <= C; c += 2 * VW) {
      vf a = vf_load(xm + c), b = vf_load(xm + c + VW);
      s0 = vf_fma(s0, a, a);
      s1 = vf_fma(s1, b, b);
    }
    float ss = vf_hsum(vf_add(s0, s1));
    for (; c < C; c++) ss += xm[c] * xm[c];
    float r = 1.0f / wren_sqrtf(ss / (float)C + eps);
    vf rv = vf_splat(r);
    c = 0;
    for (; c + VW <= C; c += VW) vf_store(om + c, vf_mul(vf_mul(vf_load(xm + c), rv), vf_load(w + c)));
    for (; c < C; c++) om[c] = xm[c] * r * w[c];
  }
}
