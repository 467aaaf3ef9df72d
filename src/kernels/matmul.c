// matmul: out (M,N) = op(a)·op(b) (+ out when accumulate).
//   a (M,K), or (K,M) when transA;  b (K,N), or (N,K) when transB (the forward linear: W (N,K)).
// Blocked GEMM: op(b) is packed, KC×NR at a time, into a panel on the thread's stack; an MR×NR
// register tile of accumulators (MR rows × NR columns) runs down that panel. M = 1 (decoding) is a
// matrix-vector product with its own loops: it is memory-bound and packing would only add traffic.
// The forward linear (transB) with up to WREN_BATCH_INVARIANT_ROWS rows runs the same dot products
// row by row, so each row's result is bitwise the one it gets alone (continuous batching relies on it).
// Threads split the rows (or, when there are few rows, the columns); each writes only its slice.
#include "wren.h"

#if VW == 16
#define NR 32            // AVX-512: 6×2 accumulators of 16 (32 registers)
#define MR 6
#else
#define NR 16            // columns per register tile and per packed panel
#endif
#define NV (NR / VW)     // vectors per tile row
#if VW == 16
#elif VW == 8
#define MR 6             // AVX2: 6×2 accumulators of 8
#elif defined(__ARM_NEON)
#define MR 4             // NEON: 4×4 accumulators of 4 (32 registers)
#else
#define MR 2             // WASM SIMD128 (16 registers on x86 hosts): 2×4 accumulators of 4
#endif
#define KC 256           // depth of a packed panel: KC·NR·4 = 16 KiB (32 KiB for AVX-512), kept in L1
#define MC 96            // rows per block: MC·KC·4 ≈ 96 KiB of a, kept in L2
#ifndef NC_BYTES
#define NC_BYTES (512 * 1024) // op(b) bytes per column block, swept by every row block from L2
#endif

// panel[k·NR + j] = op(b)[k0 + k, n0 + j], zero past column N.
static void pack_panel(float* panel, const float* b, int K, int N, int transB, int k0, int kc, int n0) {
  int nc = N - n0 < NR ? N - n0 : NR;
  if (transB) {
    for (int j = 0; j < nc; j++) {
      const float* src = b + (int64_t)(n0 + j) * K + k0;
      for (int k = 0; k < kc; k++) panel[k * NR + j] = src[k];
    }
  } else {
    for (int k = 0; k < kc; k++) {
      const float* src = b + (int64_t)(k0 + k) * N + n0;
      for (int j = 0; j < nc; j++) panel[k * NR + j] = src[j];
    }
  }
  if (nc < NR) for (int k = 0; k < kc; k++) for (int j = nc; j < NR; j++) panel[k * NR + j] = 0.0f;
}

// out[r, 0..nc) (+)= Σ_k A(r, k) · panel[k, :] for R rows r; A(r,k) = a[r·rs + k·cs].
// `add` says whether out already holds a partial sum to add to.
#define TILE(R)                                                                                   \
  static void tile_##R(float* out, int ldo, const float* a, int64_t rs, int64_t cs,              \
                       const float* panel, int ldp, int kc, int nc, int add) {                    \
    vf acc[R][NV];                                                                                \
    for (int r = 0; r < R; r++) for (int v = 0; v < NV; v++) acc[r][v] = vf_zero();               \
    for (int k = 0; k < kc; k++) {                                                                \
      vf bv[NV];                                                                                  \
      for (int v = 0; v < NV; v++) bv[v] = vf_load(panel + (int64_t)k * ldp + v * VW);           \
      for (int r = 0; r < R; r++) {                                                               \
        vf av = vf_splat(a[r * rs + k * cs]);                                                     \
        for (int v = 0; v < NV; v++) acc[r][v] = vf_fma(acc[r][v], av, bv[v]);                    \
      }                                                                                           \
    }                                                                                             \
    if (nc == NR) {                                                                               \
      for (int r = 0; r < R; r++) for (int v = 0; v < NV; v++) {                                  \
        float* o = out + (int64_t)r * ldo + v * VW;                                               \
        vf_store(o, add ? vf_add(vf_load(o), acc[r][v]) : acc[r][v]);                             \
      }                                                                                           \
    } else {                                                                                      \
      float tmp[NR];                                                                              \
      for (int r = 0; r < R; r++) {                                                               \
        for (int v = 0; v < NV; v++) vf_store(tmp + v * VW, acc[r][v]);                           \
        float* o = out + (int64_t)r * ldo;                                                        \
        for (int j = 0; j < nc; j++) o[j] = add ? o[j] + tmp[j] : tmp[j];                         \
      }                                                                                           \
    }                                                                                             \
  }
TILE(MR)
TILE(1)

// Rows [m0, m1) × columns [n0, n1) of the product.
static void gemm_block(float* out, const float* a, const float* b, int M, int K, int N,
                       int transA, int transB, int accumulate, int m0, int m1, int n0, int n1) {
  float panel[KC * NR] __attribute__((aligned(64)));
  int64_t rs = transA ? 1 : K, cs = transA ? M : 1;
  // Columns in blocks whose op(b) slice (K × nc) stays in L2 while every row block sweeps it.
  int ncb = (int)(NC_BYTES / ((int64_t)(K > 0 ? K : 1) * 4)) / NR * NR;
  if (ncb < NR) ncb = NR;
  for (int nc0 = n0; nc0 < n1; nc0 += ncb) {
  int nc1 = nc0 + ncb < n1 ? nc0 + ncb : n1;
  for (int mb = m0; mb < m1; mb += MC) {
    int me = mb + MC < m1 ? mb + MC : m1;
    for (int nb = nc0; nb < nc1; nb += NR) {
      int nc = nc1 - nb < NR ? nc1 - nb : NR;
      for (int k0 = 0; k0 < K; k0 += KC) {
        int kc = K - k0 < KC ? K - k0 : KC;
        int add = accumulate || k0 > 0;
        // A full-width panel of a row-major b is already laid out with stride N: read it in place.
        const float* p = panel;
        int ldp = NR;
        if (!transB && nc == NR) { p = b + (int64_t)k0 * N + nb; ldp = N; }
        else pack_panel(panel, b, K, N, transB, k0, kc, nb);
        const float* ak = a + k0 * cs;
        int m = mb;
        for (; m + MR <= me; m += MR) tile_MR(out + (int64_t)m * N + nb, N, ak + m * rs, rs, cs, p, ldp, kc, nc, add);
        for (; m < me; m++) tile_1(out + (int64_t)m * N + nb, N, ak + m * rs, rs, cs, p, ldp, kc, nc, add);
      }
    }
  }
  }
  if (K == 0 && !accumulate) for (int m = m0; m < m1; m++) for (int n = n0; n < n1; n++) out[(int64_t)m * N + n] = 0.0f;
}

#define MA (MR * 8)       // rows of a transposed a packed at a time: MA·KC·4 = 16 KiB in WASM
#define TA_PACK_M 256     // below this a's row stride is short and reading it in place is faster

// The weight gradient (transA: a is (K, M), so a row of op(a) is strided by M): its rows are packed,
// MA at a time, into MR-row strips laid out k-major (the tile then reads them as rs = 1, cs = MR),
// and every column panel of the row block reuses the strip from L1. k blocks outermost: the
// KC × N slice of b is swept from L2 once per strip, and each element's k blocks are still summed
// in order, so the result is the same as gemm_block's. (WASM 1 thread, K = 8192, N = 288:
// M = 4096 22 → 55 GFLOP/s, M = 768 43 → 56.)
static void gemm_block_ta(float* out, const float* a, const float* b, int M, int K, int N,
                          int transB, int accumulate, int m0, int m1, int n0, int n1) {
  float panel[KC * NR] __attribute__((aligned(64)));
  float apack[MA * KC] __attribute__((aligned(64)));
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    int add = accumulate || k0 > 0;
    for (int ma = m0; ma < m1; ma += MA) {
      int mc = m1 - ma < MA ? m1 - ma : MA, full = mc / MR * MR;
      for (int t = 0; t < full; t += MR) {
        float* dst = apack + t * kc;
        for (int k = 0; k < kc; k++) {
          const float* src = a + (int64_t)(k0 + k) * M + ma + t;
          for (int r = 0; r < MR; r++) dst[k * MR + r] = src[r];
        }
      }
      for (int r = full; r < mc; r++) {
        float* dst = apack + r * kc;
        for (int k = 0; k < kc; k++) dst[k] = a[(int64_t)(k0 + k) * M + ma + r];
      }
      for (int nb = n0; nb < n1; nb += NR) {
        int nc = n1 - nb < NR ? n1 - nb : NR;
        const float* p = panel;
        int ldp = NR;
        if (!transB && nc == NR) { p = b + (int64_t)k0 * N + nb; ldp = N; }
        else pack_panel(panel, b, K, N, transB, k0, kc, nb);
        int t = 0;
        for (; t < full; t += MR) tile_MR(out + (int64_t)(ma + t) * N + nb, N, apack + t * kc, 1, MR, p, ldp, kc, nc, add);
        for (; t < mc; t++) tile_1(out + (int64_t)(ma + t) * N + nb, N, apack + t * kc, 0, 1, p, ldp, kc, nc, add);
      }
    }
  }
  if (K == 0 && !accumulate) for (int m = m0; m < m1; m++) for (int n = n0; n < n1; n++) out[(int64_t)m * N + n] = 0.0f;
}

// One dot product of the forward linear, x·w over k in [0, K): CHAINS accumulators over blocks
// of CHAINS·VW (lanes k mod CHAINS·VW), the vectors of a short last block into the first, the
// chains added in order and summed across lanes, then the scalar tail. Every matrix-vector path
// below sums in exactly this order, so a row's result is the same bits whichever path computed
// it. Blocks of 16 floats (4 chains of 128-bit vectors) keep enough FMAs in flight to stream a
// row at memory speed; one chain of 8 would stall on FMA latency.
#define CHAINS (VW >= 8 ? 2 : 4)
static inline float dot_row(const float* x, const float* w, int K) {
  vf s[CHAINS];
  for (int g = 0; g < CHAINS; g++) s[g] = vf_zero();
  int k = 0;
  for (; k + CHAINS * VW <= K; k += CHAINS * VW)
    for (int g = 0; g < CHAINS; g++) s[g] = vf_fma(s[g], vf_load(x + k + g * VW), vf_load(w + k + g * VW));
  for (; k + VW <= K; k += VW) s[0] = vf_fma(s[0], vf_load(x + k), vf_load(w + k));
  vf t = s[0];
  for (int g = 1; g < CHAINS; g++) t = vf_add(t, s[g]);
  float r = vf_hsum(t);
  for (; k < K; k++) r += x[k] * w[k];
  return r;
}

// out[n] = Σ_k x[k]·w[n·K + k] for n in [n0, n1), one row of w at a time. Decoding streams w
// from memory once; one contiguous stream at a time, with two FMA chains, reads it faster than
// four interleaved rows with one chain each (15M-shape decode at 2 threads on a 2-core EPYC,
// AVX2, alternating runs: +30–40% with vocab 4096, +20% with vocab 32000).
static void matvec_rows(float* out, const float* x, const float* w, int K, int n0, int n1, int accumulate) {
  for (int n = n0; n < n1; n++) {
    float r = dot_row(x, w + (int64_t)n * K, K);
    out[n] = accumulate ? out[n] + r : r;
  }
}

// Rows [0, M) of out (M, N) = a·wᵀ for columns [n0, n1), each element summed exactly as
// dot_row sums it, so a row's result never depends on which other rows share the call: a
// server's batched decode gives every request the logits it gets alone. A tile of R ≤ 3 rows of
// a × 4 rows of w (R·4 accumulators; each weight load feeds R FMAs) runs dot_row's chains one
// after the other while the tile stays in L1, adding each into `sum` in dot_row's order.
// (Compute-bound, a 64-row prefill chunk, this runs at ~0.8× the four-row, one-chain tile it
// replaced; decoding, which is memory-bound, is what the order is chosen for.)
static inline __attribute__((always_inline)) void batch_tile(float* out, const float* a, const float* w, int R, int m, int n,
                                                             int K, int N, int accumulate) {
  const int blocks = K / (CHAINS * VW) * (CHAINS * VW); // where dot_row's blocks end
  const float* x0 = a + (int64_t)m * K;
  const float* w0 = w + (int64_t)n * K;
  vf sum[12], c[12];
  for (int i = 0; i < 12; i++) sum[i] = vf_zero(); // (chain 0 overwrites these; this keeps -Wuninitialized quiet)
#define TILE_STEP(k)                                                                   \
  do {                                                                                 \
    vf xv[3];                                                                          \
    for (int r = 0; r < R; r++) xv[r] = vf_load(x0 + (int64_t)r * K + (k));           \
    for (int j = 0; j < 4; j++) {                                                      \
      vf wv = vf_load(w0 + (int64_t)j * K + (k));                                      \
      for (int r = 0; r < R; r++) c[r * 4 + j] = vf_fma(c[r * 4 + j], xv[r], wv);      \
    }                                                                                  \
  } while (0)
  for (int g = 0; g < CHAINS; g++) { // chain g: the g-th vector of every block
    for (int i = 0; i < R * 4; i++) c[i] = vf_zero();
    for (int k = g * VW; k < blocks; k += CHAINS * VW) TILE_STEP(k);
    if (g == 0) for (int k = blocks; k + VW <= K; k += VW) TILE_STEP(k); // and the short last block
    if (g == 0) for (int i = 0; i < R * 4; i++) sum[i] = c[i];
    else for (int i = 0; i < R * 4; i++) sum[i] = vf_add(sum[i], c[i]);
  }
#undef TILE_STEP
  const int tail = blocks + (K - blocks) / VW * VW;
  for (int i = 0; i < R * 4; i++) {
    const float* x = x0 + (int64_t)(i / 4) * K;
    const float* wj = w0 + (int64_t)(i % 4) * K;
    float s = vf_hsum(sum[i]);
    for (int k = tail; k < K; k++) s += x[k] * wj[k];
    float* o = out + (int64_t)(m + i / 4) * N + n + i % 4;
    *o = accumulate ? *o + s : s;
  }
}

static void matvec_rows_batch(float* out, const float* a, const float* w, int M, int K, int N,
                              int n0, int n1, int accumulate) {
  int n = n0;
  for (; n + 4 <= n1; n += 4) {
    int m = 0;
    for (; m + 3 <= M; m += 3) batch_tile(out, a, w, 3, m, n, K, N, accumulate);
    if (M - m == 2) batch_tile(out, a, w, 2, m, n, K, N, accumulate);
    else if (M - m == 1) batch_tile(out, a, w, 1, m, n, K, N, accumulate);
  }
  for (; n < n1; n++)
    for (int m = 0; m < M; m++) {
      float r = dot_row(a + (int64_t)m * K, w + (int64_t)n * K, K);
      float* o = out + (int64_t)m * N + n;
      *o = accumulate ? *o + r : r;
    }
}

// out[n] = Σ_k x[k]·b[k·N + n] for n in [n0, n1): NR columns of accumulators swept down k.
static void vecmat_cols(float* out, const float* x, const float* b, int K, int N, int n0, int n1, int accumulate) {
  int n = n0;
  for (; n + NR <= n1; n += NR) {
    vf acc[NV];
    for (int v = 0; v < NV; v++) acc[v] = accumulate ? vf_load(out + n + v * VW) : vf_zero();
    for (int k = 0; k < K; k++) {
      vf xv = vf_splat(x[k]);
      const float* row = b + (int64_t)k * N + n;
      for (int v = 0; v < NV; v++) acc[v] = vf_fma(acc[v], xv, vf_load(row + v * VW));
    }
    for (int v = 0; v < NV; v++) vf_store(out + n + v * VW, acc[v]);
  }
  for (; n < n1; n++) {
    float s = 0.0f;
    for (int k = 0; k < K; k++) s += x[k] * b[(int64_t)k * N + n];
    out[n] = accumulate ? out[n] + s : s;
  }
}

void matmul(float* out, const float* a, const float* b, int M, int K, int N,
            int transA, int transB, int accumulate, int tid, int nth) {
  int lo, hi;
  if (M == 1) { // a single row: op(a) is the vector a[0..K) whatever transA says
    wren_slice(N, transB ? 4 : NR, tid, nth, &lo, &hi);
    if (transB) matvec_rows(out, a, b, K, lo, hi, accumulate);
    else vecmat_cols(out, a, b, K, N, lo, hi, accumulate);
    return;
  }
  if (transB && !transA && M <= WREN_BATCH_INVARIANT_ROWS) { // a decode batch: rows as M = 1 computes them
    wren_slice(N, 4, tid, nth, &lo, &hi);
    matvec_rows_batch(out, a, b, M, K, N, lo, hi, accumulate);
    return;
  }
  if (M >= 8 * MR * nth) { // enough rows: split them
    wren_slice(M, MR, tid, nth, &lo, &hi);
    if (lo < hi && transA && M >= TA_PACK_M) gemm_block_ta(out, a, b, M, K, N, transB, accumulate, lo, hi, 0, N);
    else if (lo < hi) gemm_block(out, a, b, M, K, N, transA, transB, accumulate, lo, hi, 0, N);
  } else {
    wren_slice(N, NR, tid, nth, &lo, &hi);
    if (lo < hi && transA && M >= TA_PACK_M) gemm_block_ta(out, a, b, M, K, N, transB, accumulate, 0, M, lo, hi);
    else if (lo < hi) gemm_block(out, a, b, M, K, N, transA, transB, accumulate, 0, M, lo, hi);
  }
}
