// The loop the quantized matmuls share (matmul_q8_0.c, matmul_q4_0.c): out (M,N) = x (M,K) · wᵀ,
// where w holds N rows of K/32 ggml blocks (the GGUF bytes as they are: an f16 scale d, then the
// 32 quantized values). Forward only: quantized weights are for inference.
//
// Each block of a weight row is dequantized once into float vectors in registers (w = q·d, as
// ggml's dequantize_row_*), then multiplied into MT rows of x. Every output element (m, n) is the same
// chain of fused multiply-adds, in the same order, whatever M, the tile or the thread split, so a
// row's result does not depend on the rows batched with it. Threads split the weight rows.
#ifndef WREN_QUANT_H
#define WREN_QUANT_H
#include "wren.h"

#define QK 32            // values per block
#define QNT 4            // weight rows per tile
#define QMT 4            // rows of x per tile when M > 1
#define QACC 2           // accumulators per output element (alternate vectors of a block)

// A block's 32 values as QK/VW float vectors (kept in registers): out[v] holds values v·VW ..
typedef void (*wren_dequant_fn)(vf* out, const uint8_t* block);

// 16 int8 lanes in one register, and what the quantized formats need of them: a load, the low
// and high nibbles of bytes as levels (nibble - 8), and the conversion to 16/VW float vectors.
#if defined(__wasm_simd128__)
typedef v128_t wren_i8x16;
static inline wren_i8x16 wren_i8x16_load(const void* p) { return wasm_v128_load(p); }
static inline wren_i8x16 wren_nibbles_lo(wren_i8x16 q) { return wasm_i8x16_sub(wasm_v128_and(q, wasm_i8x16_splat(15)), wasm_i8x16_splat(8)); }
static inline wren_i8x16 wren_nibbles_hi(wren_i8x16 q) { return wasm_i8x16_sub(wasm_u8x16_shr(q, 4), wasm_i8x16_splat(8)); }
static inline void wren_i8x16_to_vf(vf* out, wren_i8x16 q) {
  v128_t lo = wasm_i16x8_extend_low_i8x16(q), hi = wasm_i16x8_extend_high_i8x16(q);
  out[0] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(lo));
  out[1] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(lo));
  out[2] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(hi));
  out[3] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(hi));
}
#elif VW == 16 || VW == 8
typedef __m128i wren_i8x16;
static inline wren_i8x16 wren_i8x16_load(const void* p) { return _mm_loadu_si128((const __m128i*)p); }
static inline wren_i8x16 wren_nibbles_lo(wren_i8x16 q) { return _mm_sub_epi8(_mm_and_si128(q, _mm_set1_epi8(15)), _mm_set1_epi8(8)); }
static inline wren_i8x16 wren_nibbles_hi(wren_i8x16 q) { return _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), _mm_set1_epi8(15)), _mm_set1_epi8(8)); }
static inline void wren_i8x16_to_vf(vf* out, wren_i8x16 q) {
#if VW == 16
  out[0] = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q));
#else
  out[0] = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
  out[1] = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q, 8)));
#endif
}
#elif defined(__ARM_NEON)
typedef int8x16_t wren_i8x16;
static inline wren_i8x16 wren_i8x16_load(const void* p) { return vld1q_s8((const int8_t*)p); }
static inline wren_i8x16 wren_nibbles_lo(wren_i8x16 q) { return vsubq_s8(vandq_s8(q, vdupq_n_s8(15)), vdupq_n_s8(8)); }
static inline wren_i8x16 wren_nibbles_hi(wren_i8x16 q) { return vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(vreinterpretq_u8_s8(q), 4)), vdupq_n_s8(8)); }
static inline void wren_i8x16_to_vf(vf* out, wren_i8x16 q) {
  int16x8_t lo = vmovl_s8(vget_low_s8(q)), hi = vmovl_s8(vget_high_s8(q));
  out[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(lo)));
  out[1] = vcvtq_f32_s32(vmovl_s16(vget_high_s16(lo)));
  out[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(hi)));
  out[3] = vcvtq_f32_s32(vmovl_s16(vget_high_s16(hi)));
}
#else
typedef struct { int8_t b[16]; } wren_i8x16;
static inline wren_i8x16 wren_i8x16_load(const void* p) { wren_i8x16 q; __builtin_memcpy(q.b, p, 16); return q; }
static inline wren_i8x16 wren_nibbles_lo(wren_i8x16 q) { for (int i = 0; i < 16; i++) q.b[i] = (int8_t)((q.b[i] & 15) - 8); return q; }
static inline wren_i8x16 wren_nibbles_hi(wren_i8x16 q) { for (int i = 0; i < 16; i++) q.b[i] = (int8_t)(((uint8_t)q.b[i] >> 4) - 8); return q; }
static inline void wren_i8x16_to_vf(vf* out, wren_i8x16 q) { for (int i = 0; i < 16; i++) out[i] = (float)q.b[i]; }
#endif

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
  for (int m = 0; m < mt; m++) for (int r = 0; r < nt; r++) for (int a = 0; a < QACC; a++) acc[m][r][a] = vf_zero();
  for (int b = 0; b < K / QK; b++) {
    for (int r = 0; r < nt; r++) {
      vf wv[QK / VW];
      dequant(wv, w0 + r * rowBytes + (int64_t)b * blockBytes);
      for (int m = 0; m < mt; m++) {
        const float* xb = x0 + (int64_t)m * K + b * QK;
        for (int v = 0; v < QK / VW; v++) acc[m][r][v % QACC] = vf_fma(acc[m][r][v % QACC], vf_load(xb + v * VW), wv[v]);
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
