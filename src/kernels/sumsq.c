// sumsq: partials[tid] = Σ x² over this thread's slice of x (n), for the global gradient norm.
// The caller zeroes partials (MAX_THREADS floats) and adds them all up. Blocks of 1024 are summed
// in float vectors and the blocks in double, so large blocks keep their precision.
#include "wren.h"

void sumsq(float* partials, const float* x, int n, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 1024, tid, nth, &lo, &hi);
  double total = 0.0;
  for (int b = lo; b < hi; b += 1024) {
    int e = b + 1024 < hi ? b + 1024 : hi, i = b;
    vf s = vf_zero();
    for (; i + VW <= e; i += VW) { vf a = vf_load(x + i); s = vf_fma(s, a, a); }
    float r = vf_hsum(s);
    for (; i < e; i++) r += x[i] * x[i];
    total += r;
  }
  partials[tid] = (float)total;
}
