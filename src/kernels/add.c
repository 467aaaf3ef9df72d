// add: out (n) = a (n) + b (n); out may alias a. Threads split the elements.
#include "wren.h"

void add(float* out, const float* a, const float* b, int n, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 64, tid, nth, &lo, &hi);
  int i = lo;
  for (; i + VW <= hi; i += VW) vf_store(out + i, vf_add(vf_load(a + i), vf_load(b + i)));
  for (; i < hi; i++) out[i] = a[i] + b[i];
}
