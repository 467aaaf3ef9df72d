// embedding: out (M,C) = table (V,C) [ids (M)]. Threads split the rows. Ids are trusted here:
// the TS op checks them against V before calling (a kernel cannot throw).
#include "wren.h"

void embedding(float* out, const float* table, const int32_t* ids, int M, int C, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  for (int m = lo; m < hi; m++) {
    const float* src = table + (int64_t)ids[m] * C;
    float* dst = out + (int64_t)m * C;
    int c = 0;
    for (; c + VW <= C; c += VW) vf_store(dst + c, vf_load(src + c));
    for (; c < C; c++) dst[c] = src[c];
  }
}

// embedding_backward: dtable (V,C) [ids[m]] += dout (M,C) [m]. Threads split the columns, so rows
// repeated in ids never race.
void embedding_backward(float* dtable, const float* dout, const int32_t* ids, int M, int C, int tid, int nth) {
  int c0, c1;
  wren_slice(C, VW, tid, nth, &c0, &c1);
  for (int m = 0; m < M; m++) {
    float* dst = dtable + (int64_t)ids[m] * C;
    const float* src = dout + (int64_t)m * C;
    int c = c0;
    for (; c + VW <= c1; c += VW) vf_store(dst + c, vf_add(vf_load(dst + c), vf_load(src + c)));
    for (; c < c1; c++) dst[c] += src[c];
  }
}
