// zero: x (n) = 0. The training tape clears its activation gradients with it before every step
// (~1 GiB in the 15M shape at B32×T256): one JS fill of that took ~135 ms a step, single-threaded.
// Threads split the range.
#include "wren.h"

void zero(float* x, int n, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 16, tid, nth, &lo, &hi);
  int i = lo;
  for (; i + VW <= hi; i += VW) vf_store(x + i, vf_zero());
  for (; i < hi; i++) x[i] = 0.0f;
}
