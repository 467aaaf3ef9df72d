// argmax: idx (M) int32 = index of the largest element of each row of x (M,N); the first wins
// ties. Threads split the rows. A plain compare loop: this is one pass over the logits per token.
#include "wren.h"

void argmax(int32_t* idx, const float* x, int M, int N, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  for (int m = lo; m < hi; m++) {
    const float* xm = x + (int64_t)m * N;
    int best = 0;
    float bv = xm[0];
    for (int n = 1; n < N; n++) if (xm[n] > bv) { bv = xm[n]; best = n; }
    idx[m] = best;
  }
}
