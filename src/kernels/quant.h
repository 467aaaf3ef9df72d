// The loop the quantized matmuls share (matmul_q8_0.c, matmul_q4_0.c): out (M,N) = x (M,K) · wᵀ,
// where w holds N rows of K/32 ggml blocks (the GGUF bytes as they are: an f16 scale d, then the
// 32 quantized values). Forward only: quantized weights are for inference.
//
// Each block of NT weight rows is dequantized once into floats on the stack (x = q·d, as ggml's
// dequantize_row_*), then multiplied into MT rows of x. Every output element (m, n) is the same
// chain of fused multiply-adds, in the same order, whatever M, the tile or the thread split, so a
// row's result does not depend on the rows batched with it. Threads split the weight rows.
#ifndef WREN_QUANT_H
#define WREN_QUANT_H
#include "wren.h"

#define QK 32            // values per block
#define QNT 4            // weight rows per tile
#define QMT 4            // rows of x per tile when M > 1
#define QACC 2           // accumulators per output element (alternate vectors of a block)

typedef void (*wren_dequant_fn)(float* out, const uint8_t* block); // out (QK) floats

// IEEE half to float: shift the bits into place and scale by 2^112 (exact for normals and
// subnormals alike); infinities and NaNs keep an all-ones exponent.
static inline float wren_half_to_float(const uint8_t* p) {
  uint32_t h = (uint32_t)p[0] | ((uint32_t)p[1] << 8);
  uint32_t sign = (h & 0x8000u) << 16, em = h & 0x7fffu;
  union { uint32_t u; float f; } v;
  if (em >= 0x7c00u) { v.u = sign | 0x7f800000u | ((em & 0x3ffu) << 13); return v.f; }
  v.u = em << 13;
  v.f *= 5.192296858534828e33f; // 2^112
  v.u |= sign;
  return v.f;
}

// One tile: mt rows of x from x0 (stride K) times nt weight rows from w0 (stride rowBytes) into
// out0 (stride N). Called with constant mt, nt for the full tiles, so the compiler keeps the
// accumulators in registers.
static inline __attribute__((always_inline)) void wren_qtile(
    float* out0, const float* x0, const uint8_t* w0, int K, int N, int64_t rowBytes, int blockBytes,
    wren_dequant_fn dequant, int mt, int nt) {
  vf acc[QMT][QNT][QACC];
  float buf[QNT][QK] __attribute__((aligned(64)));
  for (int m = 0; m < mt; m++) for (int r = 0; r < nt; r++) for (int a = 0; a < QACC; a++) acc[m][r][a] = vf_zero();
  for (int b = 0; b < K / QK; b++) {
    for (int r = 0; r < nt; r++) dequant(buf[r], w0 + r * rowBytes + (int64_t)b * blockBytes);
    for (int m = 0; m < mt; m++) {
      const float* xb = x0 + (int64_t)m * K + b * QK;
      for (int v = 0; v < QK / VW; v++) {
        vf xv = vf_load(xb + v * VW);
        for (int r = 0; r < nt; r++) acc[m][r][v % QACC] = vf_fma(acc[m][r][v % QACC], xv, vf_load(buf[r] + v * VW));
      }
    }
  }
  for (int m = 0; m < mt; m++) for (int r = 0; r < nt; r++) {
    vf s = acc[m][r][0];
    for (int a = 1; a < QACC; a++) s = vf_add(s, acc[m][r][a]);
    out0[(int64_t)m * N + r] = vf_hsum(s);
  }
}

static inline __attribute__((always_inline)) void wren_qmatmul(
    float* out, const float* x, const uint8_t* w, int M, int K, int N, int blockBytes,
    wren_dequant_fn dequant, int tid, int nth) {
  int64_t rowBytes = (int64_t)(K / QK) * blockBytes;
  int lo, hi;
  wren_slice(N, QNT, tid, nth, &lo, &hi);
  for (int n = lo; n < hi; n += QNT) {
    int nt = hi - n < QNT ? hi - n : QNT;
    const uint8_t* wn = w + n * rowBytes;
    for (int m = 0; m < M; m += (M == 1 ? 1 : QMT)) {
      int mt = M == 1 ? 1 : (M - m < QMT ? M - m : QMT);
      float* o = out + (int64_t)m * N + n;
      const float* xm = x + (int64_t)m * K;
      if (nt == QNT && mt == 1) wren_qtile(o, xm, wn, K, N, rowBytes, blockBytes, dequant, 1, QNT);
      else if (nt == QNT && mt == QMT) wren_qtile(o, xm, wn, K, N, rowBytes, blockBytes, dequant, QMT, QNT);
      else wren_qtile(o, xm, wn, K, N, rowBytes, blockBytes, dequant, mt, nt);
    }
  }
}
#endif
