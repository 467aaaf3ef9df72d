// Shared header for Wren's C kernels. The same sources build two ways:
//   - WebAssembly (build-wasm.sh): SIMD128, or relaxed SIMD (fused multiply-add) with -mrelaxed-simd;
//   - the native Node addon (binding.gyp): AVX-512 or AVX2/FMA on x86-64, NEON on arm64, portable C otherwise
//     (or where WREN_PORTABLE is defined: WREN_NATIVE_ISA=portable).
// Kernels are written once against the small vector layer below (`vf`: VW floats), so every ISA
// runs the same loops; only the widths and register-tile sizes differ.
//
// Kernel convention (see src/engine/kernels.ts, the contract): arguments are outputs, inputs,
// sizes, then `int tid, int nth`; a kernel run on nth threads computes only its own static slice.
// Kernels use no static data and no libc: scratch lives on the calling thread's stack.
#ifndef WREN_H
#define WREN_H

#include <stdint.h>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
typedef v128_t vf;
#define VW 4
#define vf_zero()        wasm_f32x4_const_splat(0.0f)
#define vf_splat(x)      wasm_f32x4_splat(x)
#define vf_load(p)       wasm_v128_load(p)
#define vf_store(p, v)   wasm_v128_store((p), (v))
#define vf_add(a, b)     wasm_f32x4_add(a, b)
#define vf_sub(a, b)     wasm_f32x4_sub(a, b)
#define vf_mul(a, b)     wasm_f32x4_mul(a, b)
#define vf_div(a, b)     wasm_f32x4_div(a, b)
#define vf_max(a, b)     wasm_f32x4_pmax(a, b)
#define vf_min(a, b)     wasm_f32x4_pmin(a, b)
#if defined(__wasm_relaxed_simd__)
#define WREN_SIMD "wasm-relaxed-simd"
#define vf_fma(acc, a, b) ((v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(acc)))
#else
#define WREN_SIMD "wasm-simd128"
#define vf_fma(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif
static inline float vf_hsum(vf v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) +
         wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}
static inline float vf_hmax(vf v) {
  float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  float c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  a = a > b ? a : b; c = c > d ? c : d;
  return a > c ? a : c;
}
// exp on a vector: 2^n · p(r); see wren_expf below for the scalar twin.
#define vf_round(x)      wasm_f32x4_nearest(x)
#define vf_exp2i(n)      ((v128_t)wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23))

#elif defined(__AVX512F__) && !defined(WREN_PORTABLE)
#include <immintrin.h>
typedef __m512 vf;
#define VW 16
#define WREN_SIMD "avx512f"
#define vf_zero()        _mm512_setzero_ps()
#define vf_splat(x)      _mm512_set1_ps(x)
#define vf_load(p)       _mm512_loadu_ps(p)
#define vf_store(p, v)   _mm512_storeu_ps((p), (v))
#define vf_add(a, b)     _mm512_add_ps(a, b)
#define vf_sub(a, b)     _mm512_sub_ps(a, b)
#define vf_mul(a, b)     _mm512_mul_ps(a, b)
#define vf_div(a, b)     _mm512_div_ps(a, b)
#define vf_max(a, b)     _mm512_max_ps(a, b)
#define vf_min(a, b)     _mm512_min_ps(a, b)
#define vf_fma(acc, a, b) _mm512_fmadd_ps((a), (b), (acc))
static inline float vf_hsum(vf v) { return _mm512_reduce_add_ps(v); }
static inline float vf_hmax(vf v) { return _mm512_reduce_max_ps(v); }
#define vf_round(x)      _mm512_roundscale_ps((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define vf_exp2i(n)      _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23))

#elif defined(__AVX2__) && defined(__FMA__) && !defined(WREN_PORTABLE)
#include <immintrin.h>
typedef __m256 vf;
#define VW 8
#define WREN_SIMD "avx2-fma"
#define vf_zero()        _mm256_setzero_ps()
#define vf_splat(x)      _mm256_set1_ps(x)
#define vf_load(p)       _mm256_loadu_ps(p)
#define vf_store(p, v)   _mm256_storeu_ps((p), (v))
#define vf_add(a, b)     _mm256_add_ps(a, b)
#define vf_sub(a, b)     _mm256_sub_ps(a, b)
#define vf_mul(a, b)     _mm256_mul_ps(a, b)
#define vf_div(a, b)     _mm256_div_ps(a, b)
#define vf_max(a, b)     _mm256_max_ps(a, b)
#define vf_min(a, b)     _mm256_min_ps(a, b)
#define vf_fma(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))
static inline float vf_hsum(vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float vf_hmax(vf v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
#define vf_round(x)      _mm256_round_ps((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define vf_exp2i(n)      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23))

#elif defined(__ARM_NEON) && !defined(WREN_PORTABLE)
#include <arm_neon.h>
typedef float32x4_t vf;
#define VW 4
#define WREN_SIMD "neon"
#define vf_zero()        vdupq_n_f32(0.0f)
#define vf_splat(x)      vdupq_n_f32(x)
#define vf_load(p)       vld1q_f32(p)
#define vf_store(p, v)   vst1q_f32((p), (v))
#define vf_add(a, b)     vaddq_f32(a, b)
#define vf_sub(a, b)     vsubq_f32(a, b)
#define vf_mul(a, b)     vmulq_f32(a, b)
#define vf_div(a, b)     vdivq_f32(a, b)
#define vf_max(a, b)     vmaxq_f32(a, b)
#define vf_min(a, b)     vminq_f32(a, b)
#define vf_fma(acc, a, b) vfmaq_f32((acc), (a), (b))
static inline float vf_hsum(vf v) { return vaddvq_f32(v); }
static inline float vf_hmax(vf v) { return vmaxvq_f32(v); }
#define vf_round(x)      vrndnq_f32(x)
#define vf_exp2i(n)      vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23))

#else
// Portable C: one float per "vector"; the compiler may still auto-vectorise the loops.
typedef float vf;
#define VW 1
#define WREN_SIMD "portable-c"
#define vf_zero()        0.0f
#define vf_splat(x)      ((float)(x))
#define vf_load(p)       (*(p))
#define vf_store(p, v)   (*(p) = (v))
#define vf_add(a, b)     ((a) + (b))
#define vf_sub(a, b)     ((a) - (b))
#define vf_mul(a, b)     ((a) * (b))
#define vf_div(a, b)     ((a) / (b))
#define vf_max(a, b)     ((a) > (b) ? (a) : (b))
#define vf_min(a, b)     ((a) < (b) ? (a) : (b))
#define vf_fma(acc, a, b) ((acc) + (a) * (b))
static inline float vf_hsum(vf v) { return v; }
static inline float vf_hmax(vf v) { return v; }
static inline float wren_roundf_(float x) { return (float)(int)(x + (x >= 0 ? 0.5f : -0.5f)); }
#define vf_round(x)      wren_roundf_(x)
static inline float vf_exp2i_(float n) { union { int32_t i; float f; } u; u.i = ((int32_t)n + 127) << 23; return u.f; }
#define vf_exp2i(n)      vf_exp2i_(n)
#endif

// ---- scalar math without libc -------------------------------------------------------------
// float sqrt is one instruction everywhere (wasm f32.sqrt, sqrtss, fsqrt).
static inline float wren_sqrtf(float x) { return __builtin_sqrtf(x); }

// exp(x) in float: x = n·ln2 + r with |r| ≤ ln2/2, then 2^n · p(r) (degree-6 Taylor, ~1 ulp).
// Clamped so that large inputs saturate instead of producing garbage exponents.
static inline float wren_expf(float x) {
  if (x < -87.0f) x = -87.0f;
  if (x > 88.0f) x = 88.0f;
  float n = __builtin_nearbyintf(x * 1.44269504f);
  float r = x - n * 0.693145752f - n * 1.42860677e-6f;
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f + r * (0.00833333377f + r * 0.00138888892f)))));
  union { int32_t i; float f; } u;
  u.i = ((int32_t)n + 127) << 23;
  return p * u.f;
}

static inline vf vf_exp(vf x) {
  x = vf_max(vf_splat(-87.0f), vf_min(vf_splat(88.0f), x));
  vf n = vf_round(vf_mul(x, vf_splat(1.44269504f)));
  vf r = vf_sub(vf_sub(x, vf_mul(n, vf_splat(0.693145752f))), vf_mul(n, vf_splat(1.42860677e-6f)));
  vf p = vf_splat(0.00138888892f);
  p = vf_fma(vf_splat(0.00833333377f), p, r);
  p = vf_fma(vf_splat(0.0416666679f), p, r);
  p = vf_fma(vf_splat(0.166666672f), p, r);
  p = vf_fma(vf_splat(0.5f), p, r);
  p = vf_fma(vf_splat(1.0f), p, r);
  p = vf_fma(vf_splat(1.0f), p, r);
  return vf_mul(p, vf_exp2i(n));
}

// Double-precision exp/log/sin/cos for the few places (RoPE angles, log-sum-exp) where float
// rounding would show at 1e-5: RoPE angles reach thousands of radians.
static inline double wren_exp(double x) {
  double n = __builtin_nearbyint(x * 1.4426950408889634);
  double r = x - n * 0.6931471803691238 - n * 1.9082149292705877e-10;
  double p = 1.0, t = 1.0;
  for (int i = 1; i <= 13; i++) { t *= r / i; p += t; }
  union { int64_t i; double d; } u;
  u.i = ((int64_t)n + 1023) << 52;
  return p * u.d;
}

static inline double wren_log(double x) { // x > 0, normal
  union { int64_t i; double d; } u = { .d = x };
  int64_t e = ((u.i >> 52) & 0x7ff) - 1023;
  u.i = (u.i & 0x000fffffffffffffLL) | 0x3ff0000000000000LL; // mantissa in [1, 2)
  double m = u.d;
  if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
  double s = (m - 1.0) / (m + 1.0), s2 = s * s, sum = 0.0;
  for (int k = 21; k >= 1; k -= 2) sum = sum * s2 + 1.0 / k;
  return 2.0 * s * sum + (double)e * 0.6931471805599453;
}

// sin and cos of x together: reduce by π/2 (three-part Cody–Waite), then Taylor on |r| ≤ π/4.
static inline void wren_sincos(double x, double* s, double* c) {
  double n = __builtin_nearbyint(x * 0.6366197723675814);
  double r = x - n * 1.5707963267341256 - n * 6.077100506303966e-11 - n * 2.0222662487111665e-21;
  double r2 = r * r, sp, cp;
  // sin r = r·Σ (-1)^k r^2k/(2k+1)!, cos r = Σ (-1)^k r^2k/(2k)!, to k = 9 (Horner, no tables)
  sp = -1.0/121645100408832000.0;
  sp = sp * r2 + 1.0/355687428096000.0;  sp = sp * r2 - 1.0/1307674368000.0;
  sp = sp * r2 + 1.0/6227020800.0;       sp = sp * r2 - 1.0/39916800.0;
  sp = sp * r2 + 1.0/362880.0;           sp = sp * r2 - 1.0/5040.0;
  sp = sp * r2 + 1.0/120.0;              sp = sp * r2 - 1.0/6.0;
  sp = sp * r2 + 1.0;
  cp = -1.0/6402373705728000.0;
  cp = cp * r2 + 1.0/20922789888000.0;   cp = cp * r2 - 1.0/87178291200.0;
  cp = cp * r2 + 1.0/479001600.0;        cp = cp * r2 - 1.0/3628800.0;
  cp = cp * r2 + 1.0/40320.0;            cp = cp * r2 - 1.0/720.0;
  cp = cp * r2 + 1.0/24.0;               cp = cp * r2 - 1.0/2.0;
  cp = cp * r2 + 1.0;
  sp *= r;
  int q = (int)((int64_t)n & 3);
  switch (q) {
    case 0: *s = sp;  *c = cp;  break;
    case 1: *s = cp;  *c = -sp; break;
    case 2: *s = -sp; *c = -cp; break;
    default: *s = -cp; *c = sp; break;
  }
}

// matmul's forward linear with at most this many rows computes each row as a lone row does
// (src/nn/llama.ts MAX_BATCH_ROWS says the same to the engine's callers).
#define WREN_BATCH_INVARIANT_ROWS 64

// [lo, hi) of `n` items for thread `tid` of `nth`, in whole units of `unit` items.
static inline void wren_slice(int n, int unit, int tid, int nth, int* lo, int* hi) {
  int units = (n + unit - 1) / unit;
  int a = (int)((int64_t)units * tid / nth), b = (int)((int64_t)units * (tid + 1) / nth);
  *lo = a * unit < n ? a * unit : n;
  *hi = b * unit < n ? b * unit : n;
}

#endif
