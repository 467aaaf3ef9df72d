// rope: rotary position embedding, in place on x (M, H*D). Row m sits at position pos0 + (m % T);
// within each head, the pair (2i, 2i+1) rotates by pos · theta^(-2i/D). Angles are computed in
// double: positions reach thousands of radians, where float angles would be off by ~1e-4.
// Threads split the rows.
#include "wren.h"

void rope(float* x, int M, int T, int H, int D, int pos0, float theta, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  double logTheta = wren_log((double)theta);
  for (int m = lo; m < hi; m++) {
    double pos = (double)(pos0 + m % T);
    float* xm = x + (int64_t)m * H * D;
    for (int i = 0; i < D; i += 2) {
      double s, c;
      wren_sincos(pos * wren_exp(-logTheta * (double)i / (double)D), &s, &c);
      float cf = (float)c, sf = (float)s;
      for (int h = 0; h < H; h++) {
        float* p = xm + h * D + i;
        float v0 = p[0], v1 = p[1];
        p[0] = v0 * cf - v1 * sf;
        p[1] = v0 * sf + v1 * cf;
      }
    }
  }
}

// rope_backward: in place on dx (M, H*D), the inverse rotation (by -angle) of the same positions:
// the gradient of an orthogonal map is its transpose.
void rope_backward(float* dx, int M, int T, int H, int D, int pos0, float theta, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  double logTheta = wren_log((double)theta);
  for (int m = lo; m < hi; m++) {
    double pos = (double)(pos0 + m % T);
    float* xm = dx + (int64_t)m * H * D;
    for (int i = 0; i < D; i += 2) {
      double s, c;
      wren_sincos(pos * wren_exp(-logTheta * (double)i / (double)D), &s, &c);
      float cf = (float)c, sf = (float)s;
      for (int h = 0; h < H; h++) {
        float* p = xm + h * D + i;
        float g0 = p[0], g1 = p[1];
        p[0] = g0 * cf + g1 * sf;
        p[1] = g1 * cf - g0 * sf;
      }
    }
  }
}
