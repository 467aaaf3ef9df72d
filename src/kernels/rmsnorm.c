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

// rmsnorm_backward: dx (M,C) += ∂/∂x, dw (C) += ∂/∂w, given dout (M,C). With r = 1/rms(x_m):
//   dw[c] += Σ_m dout·x·r;   dx[c] += r·w[c]·dout[c] - r³/C · x[c] · Σ_j dout[j]·w[j]·x[j].
// Threads split the rows for dx and the columns for dw (each recomputes r for every row), so no
// two threads write the same float.
void rmsnorm_backward(float* dx, float* dw, const float* dout, const float* x, const float* w,
                      int M, int C, float eps, int tid, int nth) {
  int lo, hi, c0, c1;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  wren_slice(C, VW, tid, nth, &c0, &c1);
  for (int m = 0; m < M; m++) {
    const float* xm = x + (int64_t)m * C;
    const float* gm = dout + (int64_t)m * C;
    int mine = m >= lo && m < hi;
    if (!mine && c0 >= c1) continue;
    vf ss = vf_zero(), dd = vf_zero();
    int c = 0;
    for (; c + VW <= C; c += VW) {
      vf xv = vf_load(xm + c);
      ss = vf_fma(ss, xv, xv);
      if (mine) dd = vf_fma(dd, vf_mul(vf_load(gm + c), vf_load(w + c)), xv);
    }
    float s = vf_hsum(ss), dot = vf_hsum(dd);
    for (; c < C; c++) { s += xm[c] * xm[c]; dot += gm[c] * w[c] * xm[c]; }
    float r = 1.0f / wren_sqrtf(s / (float)C + eps);
    for (c = c0; c < c1; c++) dw[c] += gm[c] * xm[c] * r;
    if (!mine) continue;
    float* dxm = dx + (int64_t)m * C;
    float k = r * r * r / (float)C * dot;
    vf rv = vf_splat(r), kv = vf_splat(k);
    for (c = 0; c + VW <= C; c += VW) {
      vf t = vf_sub(vf_mul(vf_mul(rv, vf_load(w + c)), vf_load(gm + c)), vf_mul(kv, vf_load(xm + c)));
      vf_store(dxm + c, vf_add(vf_load(dxm + c), t));
    }
    for (; c < C; c++) dxm[c] += r * w[c] * gm[c] - k * xm[c];
  }
}
