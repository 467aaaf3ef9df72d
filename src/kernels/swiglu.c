// swiglu: out (n) = silu(gate) * up, silu(g) = g / (1 + exp(-g)). Threads split the elements.
#include "wren.h"

static inline vf swiglu_vf(vf g, vf u) {
  vf one = vf_splat(1.0f);
  return vf_mul(vf_div(g, vf_add(one, vf_exp(vf_sub(vf_zero(), g)))), u);
}

// The tail runs through the same vector code on a padded copy: an element's result must not depend
// on whether it falls in a tail, which moves with the row count (a server's batch of rows).
void swiglu(float* out, const float* gate, const float* up, int n, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 64, tid, nth, &lo, &hi);
  int i = lo;
  for (; i + VW <= hi; i += VW) vf_store(out + i, swiglu_vf(vf_load(gate + i), vf_load(up + i)));
  if (i < hi) {
    float g[VW] __attribute__((aligned(64))) = {0}, u[VW] __attribute__((aligned(64))) = {0}, o[VW] __attribute__((aligned(64)));
    for (int j = 0; j < hi - i; j++) { g[j] = gate[i + j]; u[j] = up[i + j]; }
    vf_store(o, swiglu_vf(vf_load(g), vf_load(u)));
    for (int j = 0; j < hi - i; j++) out[i + j] = o[j];
  }
}

// swiglu_backward: with s = sigmoid(g), silu(g) = g·s and silu'(g) = s·(1 + g·(1 - s)):
//   dgate += dout·up·silu'(gate);  dup += dout·silu(gate).
void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up,
                     int n, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 64, tid, nth, &lo, &hi);
  int i = lo;
  vf one = vf_splat(1.0f);
  for (; i + VW <= hi; i += VW) {
    vf g = vf_load(gate + i), go = vf_load(dout + i);
    vf s = vf_div(one, vf_add(one, vf_exp(vf_sub(vf_zero(), g))));
    vf ds = vf_mul(s, vf_add(one, vf_mul(g, vf_sub(one, s))));
    vf_store(dgate + i, vf_fma(vf_load(dgate + i), vf_mul(go, vf_load(up + i)), ds));
    vf_store(dup + i, vf_fma(vf_load(dup + i), go, vf_mul(g, s)));
  }
  for (; i < hi; i++) {
    float g = gate[i], s = 1.0f / (1.0f + wren_expf(-g));
    dgate[i] += dout[i] * up[i] * s * (1.0f + g * (1.0f - s));
    dup[i] += dout[i] * g * s;
  }
}
