// rope: rotary position embedding, in place on x (M, H*D). Row m sits at position pos0 + (m % T);
// within each head, the pair (2i, 2i+1) rotates by pos · theta^(-2i/D). Angles are computed in
// double: positions reach thousands of radians, where float angles would be off by ~1e-4.
// rope_backward is the inverse rotation (by -angle) of the same positions: the gradient of an
// orthogonal map is its transpose. Threads split the rows.
#include "wren.h"

#define ROPE_PB 16     // positions per block of the cos/sin table
#define ROPE_DMAX 256  // largest head size the table holds (ROPE_PB·ROPE_DMAX floats of stack)

// cs[i - i0], cs[i - i0 + 1] = cos, sign·sin of position pos's angle for the pair at i, for
// i in [i0, i1) (sign -1: the inverse).
static void angles(float* cs, double pos, int i0, int i1, int D, double logTheta, float sign) {
  for (int i = i0; i < i1; i += 2) {
    double s, c;
    wren_sincos(pos * wren_exp(-logTheta * (double)i / (double)D), &s, &c);
    cs[i - i0] = (float)c;
    cs[i - i0 + 1] = sign * (float)s;
  }
}

// Rotates the pairs in columns [i0, i1) of every head of row xm by cs (as angles() laid it out).
static void rotate(float* xm, int H, int D, int i0, int i1, const float* cs) {
  for (int h = 0; h < H; h++) {
    float* p = xm + h * D;
    for (int i = i0; i < i1; i += 2) {
      float v0 = p[i], v1 = p[i + 1], c = cs[i - i0], sn = cs[i - i0 + 1];
      p[i] = v0 * c - v1 * sn;
      p[i + 1] = v0 * sn + v1 * c;
    }
  }
}

// A slice with many rows per position (a training batch: B rows each) takes each position's
// angles from a table built once per block of positions, not once per row: the sin/cos were
// nearly all of rope's time (15M shape, 8192 rows, 2 threads: ~3.3 ms a call). Same values either way.
static void rope_rows(float* x, int M, int T, int H, int D, int pos0, float theta, float sign, int tid, int nth) {
  int lo, hi;
  wren_slice(M, 1, tid, nth, &lo, &hi);
  double logTheta = wren_log((double)theta);
  float cs[ROPE_PB * ROPE_DMAX];
  int64_t rowStride = (int64_t)H * D;
  if (hi - lo < 2 * T || D > ROPE_DMAX) { // each position at most twice: its angles where it is used
    for (int m = lo; m < hi; m++)
      for (int i0 = 0; i0 < D; i0 += ROPE_PB * ROPE_DMAX) { // (any head size: the table in pieces)
        int i1 = i0 + ROPE_PB * ROPE_DMAX < D ? i0 + ROPE_PB * ROPE_DMAX : D;
        angles(cs, (double)(pos0 + m % T), i0, i1, D, logTheta, sign);
        rotate(x + m * rowStride, H, D, i0, i1, cs);
      }
    return;
  }
  for (int pb = 0; pb < T; pb += ROPE_PB) {
    int pe = pb + ROPE_PB < T ? pb + ROPE_PB : T;
    for (int p = pb; p < pe; p++) angles(cs + (p - pb) * D, (double)(pos0 + p), 0, D, D, logTheta, sign);
    for (int base = lo - lo % T; base < hi; base += T)
      for (int p = pb; p < pe; p++) {
        int m = base + p;
        if (m >= lo && m < hi) rotate(x + m * rowStride, H, D, 0, D, cs + (p - pb) * D);
      }
  }
}

void rope(float* x, int M, int T, int H, int D, int pos0, float theta, int tid, int nth) {
  rope_rows(x, M, T, H, D, pos0, theta, 1.0f, tid, nth);
}

void rope_backward(float* dx, int M, int T, int H, int D, int pos0, float theta, int tid, int nth) {
  rope_rows(dx, M, T, H, D, pos0, theta, -1.0f, tid, nth);
}
