// matmul_q4_0: out (M,N) = x (M,K) · wᵀ with w (N, K) in ggml's Q4_0 blocks (K a multiple of 32):
//   18 bytes a block: f16 scale d, u8 qs[16];  w[n, 32b + j] = ((qs[j] & 15) - 8) · d,
//                                              w[n, 32b + j + 16] = ((qs[j] >> 4) - 8) · d
// The loop is quant.h's; this file says how a block becomes floats.
#include "quant.h"

static inline void dequant_q4_0(vf* out, const uint8_t* block) {
  vf d = vf_splat(wren_half_to_float(block));
  wren_i8x16 qs = wren_i8x16_load(block + 2);
  wren_i8x16_to_vf(out, wren_nibbles_lo(qs));          // values 0..15
  wren_i8x16_to_vf(out + 16 / VW, wren_nibbles_hi(qs)); // values 16..31
  for (int v = 0; v < QK / VW; v++) out[v] = vf_mul(out[v], d);
}

void matmul_q4_0(float* out, const float* x, const uint8_t* w, int M, int K, int N, int tid, int nth) {
  wren_qmatmul(out, x, w, M, K, N, 18, dequant_q4_0, tid, nth);
}
