// matmul_q4_0: out (M,N) = x (M,K) · wᵀ with w (N, K) in ggml's Q4_0 blocks (K a multiple of 32):
//   18 bytes a block: f16 scale d, u8 qs[16];  w[n, 32b + j] = ((qs[j] & 15) - 8) · d,
//                                              w[n, 32b + j + 16] = ((qs[j] >> 4) - 8) · d
// The loop is quant.h's; this file says how a block becomes floats.
#include "quant.h"

static void dequant_q4_0(float* out, const uint8_t* block) {
  float d = wren_half_to_float(block);
  const uint8_t* qs = block + 2;
  for (int j = 0; j < QK / 2; j++) {
    out[j] = (float)((int)(qs[j] & 15) - 8) * d;
    out[j + QK / 2] = (float)((int)(qs[j] >> 4) - 8) * d;
  }
}

void matmul_q4_0(float* out, const float* x, const uint8_t* w, int M, int K, int N, int tid, int nth) {
  wren_qmatmul(out, x, w, M, K, N, 18, dequant_q4_0, tid, nth);
}
