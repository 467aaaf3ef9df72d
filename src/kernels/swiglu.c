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
