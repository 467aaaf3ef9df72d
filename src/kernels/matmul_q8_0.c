// matmul_q8_0: out (M,N) = x (M,K) · wᵀ with w (N, K) in ggml's Q8_0 blocks (K a multiple of 32):
//   34 bytes a block: f16 scale d, int8 q[32];  w[n, 32b + j] = q[j] · d
// The loop is quant.h's; this file says how a block becomes floats.
#include "quant.h"

static inline void dequant_q8_0(vf* out, const uint8_t* block) {
  vf d = vf_splat(wren_half_to_float(block));
  const int8_t* q = (const int8_t*)(block + 2);
  wren_i8x16_to_vf(out, wren_i8x16_load(q));
  wren_i8x16_to_vf(out + 16 / VW, wren_i8x16_load(q + 16));
  for (int v = 0; v < QK / VW; v++) out[v] = vf_mul(out[v], d);
}

void matmul_q8_0(float* out, const float* x, const uint8_t* w, int M, int K, int N, int tid, int nth) {
  wren_qmatmul(out, x, w, M, K, N, 34, dequant_q8_0, tid, nth);
}
