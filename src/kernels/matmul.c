// matmul: out (M,N) = op(a)·op(b) (+ out when accumulate).
//   a (M,K), or (K,M) when transA;  b (K,N), or (N,K) when transB (the forward linear: W (N,K)).
// Blocked GEMM in BLIS's loop order: a KC-deep block of op(b), NC_PANELS panels of NR columns, is
// packed once onto the thread's stack and swept by every row of the thread's slice; an MR×NR
// register tile of accumulators (MR rows × NR columns) runs down one panel at a time. M = 1 (decoding) is a
// matrix-vector product with its own loops: it is memory-bound and packing would only add traffic.
// The forward linear (transB) with up to WREN_BATCH_INVARIANT_ROWS rows runs the same dot products
// row by row, so each row's result is bitwise the one it gets alone (continuous batching relies on it).
// Threads split the rows (or, when there are few rows, the columns); each writes only its slice.
#include "wren.h"

#if VW == 16
#define NR 48            // AVX-512: 8×3 accumulators of 16 (32 registers)
#define MR 8
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
#define MR 2             // WASM SIMD128 (16 registers on x86 hosts, ~15 of them V8 allocates): 2×4 accumulators of 4
#endif
#define KC 256           // depth of a packed panel: KC·NR·4 = 16 KiB (48 KiB for AVX-512), swept from L1
// How much of op(b) is packed at a time (NC_PANELS·KC·NR·4 = 384 KiB) and how many rows of a
// transposed a (MC·KC·4 = 96 KiB), both on the thread's stack (WASM threads: 512 KiB stacks,
// src/engine/arena.ts). A K up to DEEP_KC is one block, as deep as K, with fewer panels and rows
// in the same space: the 15M shape's K = 288 would otherwise leave a 32-deep block that costs a
// full pass over out (AVX2: training +6–10%), and K = 512 (8192×512×2048) a second pass over a
// 64 MiB out (AVX2, 1 thread: 0.93–0.97 → 0.99–1.03× OpenBLAS). Only while such a panel fits a
// 32 KiB L1: AVX-512's 48-wide panel is 48 KiB at KC already.
#define DEEP_KC (32768 / (NR * 4) > KC ? 32768 / (NR * 4) : KC)
#define NC_PANELS (384 / NR)
#define MC 96

// A row-major b is read in place, not packed, when the thread's slice has fewer rows than
// INPLACE_ROWS: packing is paid once per thread, and only many rows repay it. That holds where a
// panel row is three cache lines (AVX-512: the weight gradient xᵀ·dy, 144 rows a thread in the
// 15M shape, runs 5–15% faster in place in training); a one-line panel row, read in place at
// a stride of rows, is slower than packing in training even then (AVX2: ~3% on the whole step).
#if VW == 16
#define INPLACE_ROWS 512
#else
#define INPLACE_ROWS 0
#endif

// WebAssembly reads a transposed a of up to IN_PLACE_A_MAX columns in place (the tile's rs = 1,
// cs = M): its packing loop, two floats a strip, took a fifth of a weight gradient
// (M288×K8192×N288, one thread: 47 → 59 GFLOP/s in place; in training 90 → 110–115 at 2
// threads). A wider a is packed: at M = 4096 each k is 16 KiB further on, the lines collide in
// the cache, and the lm head's gradient ran at 55 GFLOP/s in place against 92 packed. Natively,
// packing wins in training, where a arrives cold (AVX2: in place lost 2–3% of the 15M step).
#if defined(__wasm_simd128__)
#define IN_PLACE_A_MAX 1024
#else
#define IN_PLACE_A_MAX 0
#endif

// panel p of bpack: panel[k·NR + j] = op(b)[k0 + k, jc + p·NR + j], zero past column N, for the
// panels [p0, p1) of a block nc columns wide. A row-major b is copied a row at a time across all
// the panels, so it streams in order (a panel at a time reads one line per row, at a stride of N:
// packing the activations for a 15M weight gradient, half of M768×K8192×N288 from cold memory,
// took 14–18 M cycles of a ~25 ms product that way, 7.5–8 M a row at a time; AVX2). A
// transposed b (N, K) is a panel's rows, already contiguous.
static void pack_panels(float* bpack, const float* b, int K, int N, int transB, int k0, int kc, int jc, int nc,
                        int p0, int p1) {
  if (transB) {
    for (int p = p0; p < p1; p++) {
      float* panel = bpack + (int64_t)p * kc * NR;
      int w = nc - p * NR < NR ? nc - p * NR : NR;
      for (int j = 0; j < w; j++) {
        const float* src = b + (int64_t)(jc + p * NR + j) * K + k0;
        for (int k = 0; k < kc; k++) panel[k * NR + j] = src[k];
      }
      if (w < NR) for (int k = 0; k < kc; k++) for (int j = w; j < NR; j++) panel[k * NR + j] = 0.0f;
    }
    return;
  }
  for (int k = 0; k < kc; k++) {
    const float* src = b + (int64_t)(k0 + k) * N + jc;
    for (int p = p0; p < p1; p++) {
      float* dst = bpack + (int64_t)p * kc * NR + k * NR;
      int w = nc - p * NR < NR ? nc - p * NR : NR;
      if (w == NR) { // whole vectors (gcc made the plain loop a `rep movsq`, slower to start than the copy)
        for (int v = 0; v < NV; v++) vf_store(dst + v * VW, vf_load(src + p * NR + v * VW));
        continue;
      }
      for (int j = 0; j < w; j++) dst[j] = src[p * NR + j];
      for (int j = w; j < NR; j++) dst[j] = 0.0f;
    }
  }
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

// Rows [m0, m1) × columns [n0, n1) of the product. Each element's k blocks are summed in order,
// each block from zero in its tile and then added to out, so the result does not depend on the
// slice, the block sizes other than the depth, or the tile shape. A transposed a (the weight gradient:
// a is (K, M), a row of op(a) strided by M) is packed, MC rows at a time, into MR-row strips laid
// out k-major (the tile reads them as rs = 1, cs = MR), except on WebAssembly up to
// IN_PLACE_A_MAX columns; an untransposed a is read in place.
static void gemm_block(float* out, const float* a, const float* b, int M, int K, int N,
                       int transA, int transB, int accumulate, int m0, int m1, int n0, int n1) {
  float bpack[NC_PANELS * KC * NR] __attribute__((aligned(64)));
  float apack[MC * KC] __attribute__((aligned(64)));
  const int inplace = !transB && m1 - m0 < INPLACE_ROWS;
  const int packA = transA && M > IN_PLACE_A_MAX;
  const int kb = K <= DEEP_KC ? K : KC;                   // block depth
  const int npanels = NC_PANELS * KC / (kb > KC ? kb : KC); // panels packed at a time
  const int mcb = MC * KC / (kb > KC ? kb : KC) / MR * MR;  // rows of a packed at a time
  for (int jc = n0; jc < n1; jc += npanels * NR) {
    int nc = n1 - jc < npanels * NR ? n1 - jc : npanels * NR;
    int panels = (nc + NR - 1) / NR;
    for (int k0 = 0; k0 < K; k0 += kb) {
      int kc = K - k0 < kb ? K - k0 : kb;
      int add = accumulate || k0 > 0;
      // (a short last panel is packed even in place: the tile reads all NR columns)
      pack_panels(bpack, b, K, N, transB, k0, kc, jc, nc, inplace ? nc / NR : 0, panels);
      for (int ic = m0; ic < m1; ic += mcb) {
        int mc = m1 - ic < mcb ? m1 - ic : mcb, full = mc / MR * MR;
        if (packA) // a row of a at a time: its mc floats are contiguous, so a cold a streams in order
          for (int k = 0; k < kc; k++) {
            const float* src = a + (int64_t)(k0 + k) * M + ic;
            for (int t = 0; t < full; t += MR)
              for (int r = 0; r < MR; r++) apack[t * kc + k * MR + r] = src[t + r];
            for (int r = full; r < mc; r++) apack[r * kc + k] = src[r];
          }
        for (int p = 0; p < panels; p++) {
          int nb = jc + p * NR, ncp = nc - p * NR < NR ? nc - p * NR : NR;
          int packed = !inplace || ncp < NR;
          const float* bp = packed ? bpack + p * kc * NR : b + (int64_t)k0 * N + nb;
          int ldp = packed ? NR : N;
          float* o = out + (int64_t)ic * N + nb;
          int t = 0;
          if (packA) {
            for (; t < full; t += MR) tile_MR(o + (int64_t)t * N, N, apack + t * kc, 1, MR, bp, ldp, kc, ncp, add);
            for (; t < mc; t++) tile_1(o + (int64_t)t * N, N, apack + t * kc, 0, 1, bp, ldp, kc, ncp, add);
          } else if (transA) { // in place: row t of op(a) is column t of a, MR neighbours a line
            const float* ak = a + (int64_t)k0 * M + ic;
            for (; t < full; t += MR) tile_MR(o + (int64_t)t * N, N, ak + t, 1, M, bp, ldp, kc, ncp, add);
            for (; t < mc; t++) tile_1(o + (int64_t)t * N, N, ak + t, 0, M, bp, ldp, kc, ncp, add);
          } else {
            const float* ak = a + (int64_t)ic * K + k0;
            for (; t < full; t += MR) tile_MR(o + (int64_t)t * N, N, ak + (int64_t)t * K, K, 1, bp, ldp, kc, ncp, add);
            for (; t < mc; t++) tile_1(o + (int64_t)t * N, N, ak + (int64_t)t * K, K, 1, bp, ldp, kc, ncp, add);
          }
        }
      }
    }
  }
  if (K == 0 && !accumulate) for (int m = m0; m < m1; m++) for (int n = n0; n < n1; n++) out[(int64_t)m * N + n] = 0.0f;
}

// One dot product of the forward linear, x·w over k in [0, K): CHAINS accumulators over blocks
// of CHAINS·VW (lanes k mod CHAINS·VW), the vectors of a short last block into the first, the
// chains added in order and summed across lanes, then the scalar tail. Every matrix-vector path
// below sums in exactly this order, so a row's result is the same bits whichever path computed
// it. Four chains (two of AVX-512's 16-wide vectors) keep enough FMAs in flight for a row from
// L2 as well as from memory: on AVX2, four chains of 8 instead of two ran the 288×768 matvec from
// L2 10% faster (1 thread against OpenBLAS, alternating runs on a Zen 5 EPYC: medians 0.91 →
// 1.02) and streamed from memory at the same speed. WebAssembly takes three: V8 compiles the
// paired loop below with 4 chains (8 accumulators) into code that ran 288×768 from L2 in 22 µs
// against 12.5 with 3 (a one-thread harness); a 15M decode with vocab 4096 at 2 threads,
// alternating in one process, ran 1.02–1.23× (median 1.12×) as fast with 3 as with 4, and with
// vocab 32000, whose weights stream from DRAM, the same.
#if defined(__wasm_simd128__)
#define CHAINS 3
#else
#define CHAINS (VW >= 16 ? 2 : 4)
#endif
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

// Two rows' dot products, each summed exactly as dot_row sums it; one load of x feeds both.
static inline void dot_row_pair(const float* x, const float* w0, const float* w1, int K, float* r0, float* r1) {
  vf s[CHAINS], t[CHAINS];
  for (int g = 0; g < CHAINS; g++) s[g] = t[g] = vf_zero();
  int k = 0;
  for (; k + CHAINS * VW <= K; k += CHAINS * VW)
    for (int g = 0; g < CHAINS; g++) {
      vf xv = vf_load(x + k + g * VW);
      s[g] = vf_fma(s[g], xv, vf_load(w0 + k + g * VW));
      t[g] = vf_fma(t[g], xv, vf_load(w1 + k + g * VW));
    }
  for (; k + VW <= K; k += VW) {
    vf xv = vf_load(x + k);
    s[0] = vf_fma(s[0], xv, vf_load(w0 + k));
    t[0] = vf_fma(t[0], xv, vf_load(w1 + k));
  }
  vf a = s[0], b = t[0];
  for (int g = 1; g < CHAINS; g++) { a = vf_add(a, s[g]); b = vf_add(b, t[g]); }
  float ra = vf_hsum(a), rb = vf_hsum(b);
  for (; k < K; k++) { ra += x[k] * w0[k]; rb += x[k] * w1[k]; }
  *r0 = ra;
  *r1 = rb;
}

// out[n] = Σ_k x[k]·w[n·K + k] for n in [n0, n1). Decoding streams w from memory once, and which
// rows go together decides how fast: rows n and n + half of the range at once, two streams far
// apart, beat one row at a time (AVX2 on a Zen 5 EPYC, 80 alternating rounds: 288×768 +5–14% from
// L2 and from memory, 768×288 +10%; WASM from memory +2–11%), while two neighbouring rows halve
// the bandwidth from memory (a C harness: 38 GB/s for one row, 22 for two neighbours).
static void matvec_rows(float* out, const float* x, const float* w, int K, int n0, int n1, int accumulate) {
  int half = (n1 - n0) / 2;
  for (int n = n0; n < n0 + half; n++) {
    float r0, r1;
    dot_row_pair(x, w + (int64_t)n * K, w + (int64_t)(n + half) * K, K, &r0, &r1);
    out[n] = accumulate ? out[n] + r0 : r0;
    out[n + half] = accumulate ? out[n + half] + r1 : r1;
  }
  if ((n1 - n0) % 2) {
    float r = dot_row(x, w + (int64_t)(n1 - 1) * K, K);
    out[n1 - 1] = accumulate ? out[n1 - 1] + r : r;
  }
}

// Rows [0, M) of out (M, N) = a·wᵀ for columns [n0, n1), each element summed exactly as
// dot_row sums it, so a row's result never depends on which other rows share the call: a
// server's batched decode gives every request the logits it gets alone. A tile of R ≤
// BATCH_TILE_ROWS rows of a × 4 rows of w (R·4 accumulators; each weight load feeds R FMAs) runs dot_row's chains one
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

// Rows of a a tile takes: three (12 accumulators) where 16 registers hold them; two on
// WebAssembly, where V8 compiles the 12 into code that ran a 64-row prefill chunk (64×288×768) at
// 24–31 GFLOP/s against 33–49 with two (one thread, the same process, alternating).
#if defined(__wasm_simd128__)
#define BATCH_TILE_ROWS 2
#else
#define BATCH_TILE_ROWS 3
#endif

static void matvec_rows_batch(float* out, const float* a, const float* w, int M, int K, int N,
                              int n0, int n1, int accumulate) {
  int n = n0;
  for (; n + 4 <= n1; n += 4) {
    int m = 0;
    for (; m + BATCH_TILE_ROWS <= M; m += BATCH_TILE_ROWS) batch_tile(out, a, w, BATCH_TILE_ROWS, m, n, K, N, accumulate);
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
  // Split the rows when there are enough, except for a transposed a (the weight gradient, K the
  // batch's tokens) wider than it is tall: every slice packs its own K-deep copy of what the
  // slices share, all of b for a row slice and all of a for a column slice, so the smaller of the
  // two is the one to copy (M288×K8192×N768 at 2 threads, AVX2: 116 → 155 GFLOP/s in training).
  if (M >= 8 * MR * nth && !(transA && N > M)) {
    wren_slice(M, MR, tid, nth, &lo, &hi);
    if (lo < hi) gemm_block(out, a, b, M, K, N, transA, transB, accumulate, lo, hi, 0, N);
  } else {
    wren_slice(N, NR, tid, nth, &lo, &hi);
    if (lo < hi) gemm_block(out, a, b, M, K, N, transA, transB, accumulate, 0, M, lo, hi);
  }
}

// Up to three forward linears of one x, as one job: the rows of w0, w1, w2 are one range, cut
// into slices as matmul cuts one weight's rows, and each row is summed by the same path matmul
// (transB) takes for these M, so every element has the bits of a separate call. A decode makes
// four hand-offs a layer instead of seven (15M shape, q/k/v from DRAM at 2 threads, AVX2, a C
// harness: 27–38 → 23–30 µs; gate and up 47 → 42–43 µs).
void matmul3(float* out0, float* out1, float* out2, const float* x, const float* w0, const float* w1, const float* w2,
             int M, int K, int N0, int N1, int N2, int tid, int nth) {
  float* outs[3] = { out0, out1, out2 };
  const float* ws[3] = { w0, w1, w2 };
  const int ns[3] = { N0, N1, N2 };
  if (M > WREN_BATCH_INVARIANT_ROWS) { // a long prefill: matmul's own split of each product
    for (int i = 0; i < 3; i++) if (ns[i] > 0) matmul(outs[i], x, ws[i], M, K, ns[i], 0, 1, 0, tid, nth);
    return;
  }
  int lo, hi, base = 0;
  wren_slice(N0 + N1 + N2, 4, tid, nth, &lo, &hi);
  for (int i = 0; i < 3; base += ns[i], i++) {
    int a = lo > base ? lo - base : 0, b = hi - base < ns[i] ? hi - base : ns[i];
    if (a >= b) continue;
    if (M == 1) matvec_rows(outs[i], x, ws[i], K, a, b, 0);
    else matvec_rows_batch(outs[i], x, ws[i], M, K, ns[i], a, b, 0);
  }
}
