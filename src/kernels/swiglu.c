// swiglu: out (n) = silu(gate) * up, silu(g) = g / (1 + exp(-g)). Threads split the elements.
#include "wren.h"

void swiglu(float* out, const float* gate, const float* up, int n, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 64, tid, nth, &lo, &hi);
  int i = lo;
  vf one = vf_splat(1.0f);
  for (; i + VW <= hi; i += VW) {
    vf g = vf_load(gate + i);
    vf silu = vf_div(g, vf_add(one, vf_exp(vf_sub(vf_zero(), g))));
    vf_store(out + i, vf_mul(silu, vf_load(up + i)));
  }
  for (; i < hi; i++) out[i] = gate[i] / (1.0f + wren_expf(-gate[i])) * up[i];
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
