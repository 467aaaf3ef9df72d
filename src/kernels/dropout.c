// dropout: out (n) = (accumulate ? out : 0) + (keep(i) ? x·scale : 0), where element i is kept
// when the 31-bit hash of (seed, i) is at least `threshold` (the caller passes round(p·2³¹) and
// scale = 1/(1-p) as a float). The mask is a function of the element's index and the seed, never
// of the thread split, so the backward reruns the kernel with the same seed and accumulate = 1
// (dx += dout·mask·scale) instead of storing a mask. Threads split the elements.
#include "wren.h"

// Chris Wellons' lowbias32 finaliser over i mixed with the seed.
static inline uint32_t dropout_hash(uint32_t i, uint32_t seed) {
  uint32_t h = i ^ (seed * 0x9E3779B9u);
  h ^= h >> 16; h *= 0x7FEB352Du;
  h ^= h >> 15; h *= 0x846CA68Bu;
  h ^= h >> 16;
  return h >> 1;
}

void dropout(float* out, const float* x, int n, int threshold, float scale, int seed, int accumulate, int tid, int nth) {
  int lo, hi;
  wren_slice(n, 64, tid, nth, &lo, &hi);
  const uint32_t t = (uint32_t)threshold, s = (uint32_t)seed;
  // Two statements, not one expression: a fused multiply-add would round differently from the
  // reference kernel's multiply then add.
  if (accumulate) {
    for (int i = lo; i < hi; i++) {
      float y = dropout_hash((uint32_t)i, s) >= t ? x[i] * scale : 0.0f;
      out[i] = out[i] + y;
    }
  } else {
    for (int i = lo; i < hi; i++) out[i] = dropout_hash((uint32_t)i, s) >= t ? x[i] * scale : 0.0f;
  }
}
