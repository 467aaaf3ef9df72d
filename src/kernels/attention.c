// attention: causal multi-head attention with grouped key/value heads (GQA).
//   out (B,Tq,H*D), q (B,Tq,H*D), k and v (B,Tk,Hkv*D); lse (B,H,Tq) or null.
// Query t sits at position Tk-Tq+t and sees keys 0..Tk-Tq+t; query head h reads kv head
// h / (H/Hkv). Online softmax over blocks of BK keys (running max, running sum, rescaled
// accumulator), so no T×T score matrix exists: memory per row is BK scores plus D accumulators.
// Threads take rows (b, h, t) round-robin, which balances the causal triangle.
// Prefill (many queries) takes a tiled path: keys in blocks of TBK, transposed on the stack once
// per block of TQB queries, so scores for VW keys come from one vector FMA chain (no horizontal
// sums) and exp runs on vectors; each query's accumulator is its own output row.
#include "wren.h"

#define BK 64       // keys per block of scores
#define DMAX 1024   // largest head size (the accumulator lives on the stack)

static inline float dot(const float* a, const float* b, int D) {
  vf s = vf_zero();
  int d = 0;
  for (; d + VW <= D; d += VW) s = vf_fma(s, vf_load(a + d), vf_load(b + d));
  float r = vf_hsum(s);
  for (; d < D; d++) r += a[d] * b[d];
  return r;
}

// out[i] = a·b_i for four vectors b_i, each summed exactly as dot() sums it.
static inline void dot4(float* out, const float* a, const float* b0, const float* b1, const float* b2, const float* b3, int D) {
  vf s0 = vf_zero(), s1 = vf_zero(), s2 = vf_zero(), s3 = vf_zero();
  int d = 0;
  for (; d + VW <= D; d += VW) {
    vf av = vf_load(a + d);
    s0 = vf_fma(s0, av, vf_load(b0 + d)); s1 = vf_fma(s1, av, vf_load(b1 + d));
    s2 = vf_fma(s2, av, vf_load(b2 + d)); s3 = vf_fma(s3, av, vf_load(b3 + d));
  }
  float r0 = vf_hsum(s0), r1 = vf_hsum(s1), r2 = vf_hsum(s2), r3 = vf_hsum(s3);
  for (; d < D; d++) { r0 += a[d] * b0[d]; r1 += a[d] * b1[d]; r2 += a[d] * b2[d]; r3 += a[d] * b3[d]; }
  out[0] = r0; out[1] = r1; out[2] = r2; out[3] = r3;
}

static inline void scale_add(float* acc, float alpha, const float* v, float p, int D) {
  vf av = vf_splat(alpha), pv = vf_splat(p);
  int d = 0;
  for (; d + VW <= D; d += VW) vf_store(acc + d, vf_fma(vf_mul(vf_load(acc + d), av), pv, vf_load(v + d)));
  for (; d < D; d++) acc[d] = acc[d] * alpha + p * v[d];
}

#define TQB 64      // queries per block in the tiled path (each key block is transposed once per TQB queries)
#define TDMAX 128   // largest head size for the tiled path (kt is TDMAX·TBK floats of stack)
#define AV 4        // output vectors kept in registers while summing p·v (the row path)
// The tile: RMAX query rows at a time against TBK keys, so each kt and v load feeds RMAX FMAs;
// the scores take RMAX·TBK/VW accumulators and p·v RMAX·TAV. AVX-512 (32 registers): 4 rows ×
// 64 keys (16 score chains) and 4 × 4. AVX2 (16 registers): 4 rows × 16 keys (8 chains) and
// 4 × 3 output vectors, which ran the 15M shape's forward (T 256, 6 heads of 48) 25% faster than
// 2 rows × 32 keys and 2 × 4 (whose last two vectors of 48 ran as 4 chains: half the FMA rate;
// a one-thread harness on a Zen 5 EPYC, 55–58 → 70–71 GFLOP/s). WebAssembly: 2 rows × 16 keys
// and 2 × 4 (V8 spills the 16 score accumulators of 32 keys: 27.7 → 31.4 GFLOP/s, the same
// harness). NEON (32 registers): 2 rows × 32 keys, 2 × 4.
#if VW >= 16
#define TBK 64
#elif VW == 8 || defined(__wasm_simd128__)
#define TBK 16
#else
#define TBK 32
#endif
#define RMAX (VW >= 8 ? 4 : 2)
#define TAV (VW == 8 ? 3 : 4)

// o_r += Σ_{j<n} p_r[j]·v_j for R rows and NV vectors of d from d: each v load feeds R FMAs, and
// R·NV chains are in flight. p_r[j] is 0 past row r's last visible key, which adds exact zeros.
#define PV_CHUNK(NV)                                                                             \
  do {                                                                                           \
    vf acc[RMAX][NV];                                                                            \
    for (int r = 0; r < R; r++) for (int i = 0; i < NV; i++) acc[r][i] = vf_load(o[r] + d + i * VW); \
    for (int j = 0; j < n; j++) {                                                                \
      const float* vr = vb + (int64_t)(s0 + j) * ks + d;                                         \
      vf vv[NV];                                                                                 \
      for (int i = 0; i < NV; i++) vv[i] = vf_load(vr + i * VW);                                 \
      for (int r = 0; r < R; r++) {                                                              \
        vf pj = vf_splat(p[r][j]);                                                               \
        for (int i = 0; i < NV; i++) acc[r][i] = vf_fma(acc[r][i], pj, vv[i]);                   \
      }                                                                                          \
    }                                                                                            \
    for (int r = 0; r < R; r++) for (int i = 0; i < NV; i++) vf_store(o[r] + d + i * VW, acc[r][i]); \
  } while (0)

// R (1 to RMAX) query rows t0.. of the tile against the key block at s0 (n keys, transposed in kt):
// their scores share each kt load, then each row's online-softmax step, then their p·v share
// each v load. Every row's sums run in the order a row alone would use.
// A head narrower than a vector (D < VW) sums p·v over the block's keys instead, from vt (the
// block's values transposed, D×TBK), one horizontal sum per element.
static inline __attribute__((always_inline)) void tile_rows(float* out, const float* q, const float* kt, const float* vt, const float* vb,
    float* mx, float* sum, int R, int t0, int q0, int s0, int n, int b, int h, int Tq, int Tk, int H, int D, int64_t ks, vf vscale) {
  float p[RMAX][TBK] __attribute__((aligned(64)));
  int64_t qs = (int64_t)H * D;
  const float* qr[RMAX];
  float* o[RMAX];
  int visible[RMAX], n_max = 0;
  for (int r = 0; r < R; r++) {
    int last = Tk - Tq + t0 + r;
    visible[r] = last < s0 ? 0 : last + 1 - s0 < n ? last + 1 - s0 : n;
    if (visible[r] > n_max) n_max = visible[r];
    qr[r] = q + ((int64_t)b * Tq + t0 + r) * qs + h * D;
    o[r] = out + ((int64_t)b * Tq + t0 + r) * qs + h * D;
  }
  if (n_max == 0) return;
  vf sc[RMAX][TBK / VW]; // TBK/VW independent chains a row, so FMA latency overlaps
  for (int r = 0; r < R; r++) for (int jv = 0; jv < TBK / VW; jv++) sc[r][jv] = vf_zero();
  for (int d = 0; d < D; d++) {
    for (int jv = 0; jv < TBK / VW; jv++) {
      vf kd = vf_load(kt + d * TBK + jv * VW);
      for (int r = 0; r < R; r++) sc[r][jv] = vf_fma(sc[r][jv], vf_splat(qr[r][d]), kd);
    }
  }
  for (int r = 0; r < R; r++) {
    for (int jv = 0; jv < TBK / VW; jv++) vf_store(p[r] + jv * VW, vf_mul(sc[r][jv], vscale));
    if (visible[r] == 0) { for (int j = 0; j < TBK; j++) p[r][j] = 0.0f; continue; }
    float* m = mx + t0 + r - q0;
    for (int j = visible[r]; j < TBK; j++) p[r][j] = -3.4028235e38f; // the max sees visible keys only
    vf vmax = vf_load(p[r]);
    for (int j = VW; j < TBK; j += VW) vmax = vf_max(vmax, vf_load(p[r] + j));
    float bmax = vf_hmax(vmax);
    float* vs = sum + (t0 + r - q0) * VW;
    if (bmax > *m) {
      float alpha = wren_expf(*m - bmax);
      vf av = vf_splat(alpha);
      vf_store(vs, vf_mul(vf_load(vs), av));
      int d = 0;
      for (; d + VW <= D; d += VW) vf_store(o[r] + d, vf_mul(vf_load(o[r] + d), av));
      for (; d < D; d++) o[r][d] *= alpha;
      *m = bmax;
    }
    vf vm = vf_splat(*m);
    for (int j = 0; j < TBK; j += VW) vf_store(p[r] + j, vf_exp(vf_sub(vf_load(p[r] + j), vm)));
    for (int j = visible[r]; j < TBK; j++) p[r][j] = 0.0f; // causal mask and padding
    vf sv = vf_load(vs);
    for (int j = 0; j < TBK; j += VW) sv = vf_add(sv, vf_load(p[r] + j));
    vf_store(vs, sv);
  }
  if (D < VW) {
    for (int r = 0; r < R; r++)
      for (int e = 0; e < D; e++) {
        vf a = vf_zero();
        for (int jv = 0; jv < TBK / VW; jv++) a = vf_fma(a, vf_load(p[r] + jv * VW), vf_load(vt + e * TBK + jv * VW));
        o[r][e] += vf_hsum(a);
      }
    return;
  }
  n = n_max;
  int d = 0;
  for (; d + TAV * VW <= D; d += TAV * VW) PV_CHUNK(TAV);
  switch ((D - d) / VW) { // the vectors left, fewer than TAV, also in one pass
#if TAV > 3
    case 3: PV_CHUNK(3); d += 3 * VW; break;
#endif
    case 2: PV_CHUNK(2); d += 2 * VW; break;
    case 1: PV_CHUNK(1); d += VW; break;
    default: break;
  }
  for (int r = 0; r < R; r++)
    for (int e = d; e < D; e++) {
      float a = o[r][e];
      for (int j = 0; j < visible[r]; j++) a += p[r][j] * vb[(int64_t)(s0 + j) * ks + e];
      o[r][e] = a;
    }
}

// Queries [q0, q1) of head h in batch b, RMAX rows at a time; out rows hold the running accumulators.
static void attention_tile(float* out, float* lse, const float* q, const float* k, const float* v,
                           int b, int h, int kvh, int q0, int q1, int Tq, int Tk, int H, int Hkv, int D, float scale) {
  float kt[TDMAX * TBK] __attribute__((aligned(64)));
  float vt[VW * TBK] __attribute__((aligned(64))); // only for D < VW
  float mx[TQB], sum[TQB * VW] __attribute__((aligned(64)));
  int64_t qs = (int64_t)H * D, ks = (int64_t)Hkv * D;
  const float* kb = k + (int64_t)b * Tk * ks + kvh * D;
  const float* vb = v + (int64_t)b * Tk * ks + kvh * D;
  for (int t = q0; t < q1; t++) {
    float* o = out + ((int64_t)b * Tq + t) * qs + h * D;
    for (int d = 0; d < D; d++) o[d] = 0.0f;
    mx[t - q0] = -3.4028235e38f;
    vf_store(sum + (t - q0) * VW, vf_zero());
  }
  int lastKey = Tk - Tq + q1 - 1; // the last key the block's last query sees
  vf vscale = vf_splat(scale);
  for (int s0 = 0; s0 <= lastKey; s0 += TBK) {
    int n = lastKey + 1 - s0 < TBK ? lastKey + 1 - s0 : TBK;
    for (int j = 0; j < TBK; j++)
      for (int d = 0; d < D; d++) kt[d * TBK + j] = j < n ? kb[(int64_t)(s0 + j) * ks + d] : 0.0f;
    if (D < VW)
      for (int j = 0; j < TBK; j++)
        for (int d = 0; d < D; d++) vt[d * TBK + j] = j < n ? vb[(int64_t)(s0 + j) * ks + d] : 0.0f;
    int t = q0;
    for (; t + RMAX <= q1; t += RMAX) tile_rows(out, q, kt, vt, vb, mx, sum, RMAX, t, q0, s0, n, b, h, Tq, Tk, H, D, ks, vscale);
    for (; t < q1; t++) tile_rows(out, q, kt, vt, vb, mx, sum, 1, t, q0, s0, n, b, h, Tq, Tk, H, D, ks, vscale);
  }
  for (int t = q0; t < q1; t++) {
    float* o = out + ((int64_t)b * Tq + t) * qs + h * D;
    float total = vf_hsum(vf_load(sum + (t - q0) * VW));
    float inv = 1.0f / total;
    for (int d = 0; d < D; d++) o[d] *= inv;
    if (lse) lse[((int64_t)b * H + h) * Tq + t] = (float)((double)mx[t - q0] + wren_log((double)total));
  }
}

void attention(float* out, float* lse, const float* q, const float* k, const float* v,
               int B, int Tq, int Tk, int H, int Hkv, int D, int tid, int nth) {
  if (D > DMAX) return; // the TS op rejects such shapes before calling
  if (Tq >= 8 && D <= TDMAX && TBK % VW == 0) {
    int blocks = (Tq + TQB - 1) / TQB, items = B * H * blocks;
    float scale = 1.0f / wren_sqrtf((float)D);
    for (int i = tid; i < items; i += nth) { // (b, h, query block), blocks fastest: balances the triangle
      int qb = i % blocks, h = (i / blocks) % H, b = i / (blocks * H);
      int q0 = qb * TQB, q1 = q0 + TQB < Tq ? q0 + TQB : Tq;
      attention_tile(out, lse, q, k, v, b, h, h / (H / Hkv), q0, q1, Tq, Tk, H, Hkv, D, scale);
    }
    return;
  }
  // One query row at a time (decode, short chunks): a block's scores first, then their exps on
  // vectors, then acc += Σ p·v with AV vectors of acc held in registers across the block's keys.
  float acc[DMAX] __attribute__((aligned(64)));
  float sc[BK] __attribute__((aligned(64)));
  float scale = 1.0f / wren_sqrtf((float)D);
  int group = H / Hkv, rows = B * H * Tq;
  int64_t qs = (int64_t)H * D, ks = (int64_t)Hkv * D;
  for (int r = tid; r < rows; r += nth) {
    int t = r % Tq, h = (r / Tq) % H, b = r / (Tq * H), kvh = h / group;
    int last = Tk - Tq + t;
    const float* qr = q + ((int64_t)b * Tq + t) * qs + h * D;
    const float* kb = k + (int64_t)b * Tk * ks + kvh * D;
    const float* vb = v + (int64_t)b * Tk * ks + kvh * D;
    float max = -3.4028235e38f, sum = 0.0f;
    for (int d = 0; d < D; d++) acc[d] = 0.0f;
    for (int s0 = 0; s0 <= last; s0 += BK) {
      int n = last + 1 - s0 < BK ? last + 1 - s0 : BK;
      int nv = (n + VW - 1) / VW * VW; // the exps run on whole vectors; sc[n..nv) is padding
      float bmax = -3.4028235e38f;
      int j = 0;
      for (; j + 4 <= n; j += 4) { // four keys' dot products side by side: four chains, not one
        const float* k0 = kb + (int64_t)(s0 + j) * ks;
        dot4(sc + j, qr, k0, k0 + ks, k0 + 2 * ks, k0 + 3 * ks, D);
      }
      for (; j < n; j++) sc[j] = dot(qr, kb + (int64_t)(s0 + j) * ks, D);
      for (j = 0; j < n; j++) {
        sc[j] *= scale;
        if (sc[j] > bmax) bmax = sc[j];
      }
      if (bmax > max) {
        float alpha = wren_expf(max - bmax);
        sum *= alpha;
        for (int d = 0; d < D; d++) acc[d] *= alpha;
        max = bmax;
      }
      for (int j = n; j < nv; j++) sc[j] = max;
      vf vm = vf_splat(max);
      for (int j = 0; j < nv; j += VW) vf_store(sc + j, vf_exp(vf_sub(vf_load(sc + j), vm)));
      for (int j = 0; j < n; j++) sum += sc[j];
      const float* vs = vb + (int64_t)s0 * ks;
      int d = 0;
      for (; d + AV * VW <= D; d += AV * VW) {
        vf a[AV];
        for (int i = 0; i < AV; i++) a[i] = vf_load(acc + d + i * VW);
        for (int j = 0; j < n; j++) {
          vf pj = vf_splat(sc[j]);
          for (int i = 0; i < AV; i++) a[i] = vf_fma(a[i], pj, vf_load(vs + j * ks + d + i * VW));
        }
        for (int i = 0; i < AV; i++) vf_store(acc + d + i * VW, a[i]);
      }
      for (; d + VW <= D; d += VW) {
        vf a = vf_load(acc + d);
        for (int j = 0; j < n; j++) a = vf_fma(a, vf_splat(sc[j]), vf_load(vs + j * ks + d));
        vf_store(acc + d, a);
      }
      for (int j = 0; j < n && d < D; j++) // the rest of a row narrower than a vector: key by key
        for (int e = d; e < D; e++) acc[e] += sc[j] * vs[j * ks + e];
    }
    float* o = out + ((int64_t)b * Tq + t) * qs + h * D;
    float inv = 1.0f / sum;
    for (int d = 0; d < D; d++) o[d] = acc[d] * inv;
    if (lse) lse[((int64_t)b * H + h) * Tq + t] = (float)((double)max + wren_log((double)sum));
  }
}

// attention_backward (Tq = Tk = T), FlashAttention-2 style: the probabilities are recomputed from
// q, k and the forward's lse, so nothing of size T×T is stored. For query row t and key s ≤ t:
//   p = exp(q·k·scale - lse),  dv_s += p·dout_t,  ds = p·(dout_t·v_s - dout_t·out_t)·scale,
//   dq_t += ds·k_s,  dk_s += ds·q_t.
// Threads take whole (batch, kv head) pairs: every query head of the group, so all writes to
// dk and dv of a pair, and to dq of its heads, come from one thread. Keys go in blocks of BKB,
// held on the stack twice: transposed (kt, vt: D×BKB), so scores vectorise across the block's
// keys, and as rows (kn: BKB×KNS), so dq sums whole vectors of d with no horizontal sums. The
// block's dk, dv accumulate transposed (dkt, dvt) until all queries have seen it. Queries go QR
// rows at a time, so each load of kt, vt, kn, dkt and dvt serves QR rows. Head sizes above
// DB_MAX take the plain row-by-row loop.
// AVX2 takes 4 rows × 16 keys (8 score accumulators) and dq 3 vectors at a time (12): against
// 2 × 32 and 4, whose last two dq vectors of a 48-wide head ran as 4 chains, the 15M shape's
// backward ran 65 → 84 GFLOP/s (a one-thread harness on a Zen 5 EPYC). AVX-512: 4 × 32 and 4.
// WebAssembly: 2 × 16 and 4 (2 × 32 is 16 score accumulators, which V8 spills: 30 → 37
// GFLOP/s). NEON: 2 × 32 and 4.
#if VW == 8 || defined(__wasm_simd128__)
#define BKB 16
#else
#define BKB 32
#endif
#define DB_MAX 64
#define QR (VW >= 8 ? 4 : 2)    // query rows at a time: QR·BKB/VW score accumulators
#define DQV (VW == 8 ? 3 : 4)   // dq vectors summed at a time (QR·DQV accumulators)
#define KNS_MAX 64              // kn's row stride: D rounded up to VW (≤ 64 for VW ≤ 16)

// acc[r][jv] = Σ_d x_r[d]·blk[d][jv·VW …] for the QR rows against the block's keys (blk
// transposed, D×BKB): each blk load feeds QR FMAs.
#define BLOCK_DOTS(acc, blk, x)                                                                  \
  do {                                                                                           \
    for (int r = 0; r < QR; r++) for (int jv = 0; jv < JV; jv++) acc[r][jv] = vf_zero();        \
    for (int d = 0; d < D; d++)                                                                  \
      for (int jv = 0; jv < JV; jv++) {                                                          \
        vf bd = vf_load(blk + d * BKB + jv * VW);                                                \
        for (int r = 0; r < QR; r++) acc[r][jv] = vf_fma(acc[r][jv], vf_splat(x[r][d]), bd);    \
      }                                                                                          \
  } while (0)

// dqs_r[d0 + i·VW …] = Σ_{j<n} ds_r[j]·kn_j for NV vectors of d from d0: each kn load feeds QR
// FMAs; masked keys (ds 0) add exact zeros.
#define DQ_CHUNK(NV)                                                                             \
  do {                                                                                           \
    vf dqa[QR][NV];                                                                              \
    for (int r = 0; r < QR; r++) for (int i = 0; i < NV; i++) dqa[r][i] = vf_zero();            \
    for (int j = 0; j < n; j++) {                                                                \
      vf kv[NV];                                                                                 \
      for (int i = 0; i < NV; i++) kv[i] = vf_load(kn + j * kns + d0 + i * VW);                 \
      for (int r = 0; r < QR; r++) {                                                             \
        vf dsj = vf_splat(ds[r][j]);                                                             \
        for (int i = 0; i < NV; i++) dqa[r][i] = vf_fma(dqa[r][i], dsj, kv[i]);                 \
      }                                                                                          \
    }                                                                                            \
    for (int r = 0; r < QR; r++) for (int i = 0; i < NV; i++) vf_store(dqs[r] + d0 + i * VW, dqa[r][i]); \
  } while (0)

static void attention_backward_rows(float* dq, float* dk, float* dv, const float* dout, const float* out, const float* lse,
                                    const float* q, const float* k, const float* v, int b, int kvh,
                                    int T, int H, int Hkv, int D, float scale) {
  int group = H / Hkv;
  int64_t qs = (int64_t)H * D, ks = (int64_t)Hkv * D;
  const float* kb = k + (int64_t)b * T * ks + kvh * D;
  const float* vb = v + (int64_t)b * T * ks + kvh * D;
  float* dkb = dk + (int64_t)b * T * ks + kvh * D;
  float* dvb = dv + (int64_t)b * T * ks + kvh * D;
  for (int h = kvh * group; h < (kvh + 1) * group; h++) {
    for (int t = 0; t < T; t++) {
      int64_t row = ((int64_t)b * T + t) * qs + h * D;
      const float* qr = q + row;
      const float* gr = dout + row;
      float delta = dot(gr, out + row, D);
      float l = lse[((int64_t)b * H + h) * T + t];
      for (int s = 0; s <= t; s++) {
        float p = wren_expf(dot(qr, kb + s * ks, D) * scale - l);
        float ds = p * (dot(gr, vb + s * ks, D) - delta) * scale;
        scale_add(dvb + s * ks, 1.0f, gr, p, D);
        scale_add(dkb + s * ks, 1.0f, qr, ds, D);
        scale_add(dq + row, 1.0f, kb + s * ks, ds, D);
      }
    }
  }
}

void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* out, const float* lse,
                        const float* q, const float* k, const float* v,
                        int B, int T, int H, int Hkv, int D, int tid, int nth) {
  if (D > DMAX) return;
  float scale = 1.0f / wren_sqrtf((float)D);
  int group = H / Hkv, lo, hi;
  int64_t qs = (int64_t)H * D, ks = (int64_t)Hkv * D;
  wren_slice(B * Hkv, 1, tid, nth, &lo, &hi);
  if (D > DB_MAX) {
    for (int pair = lo; pair < hi; pair++) attention_backward_rows(dq, dk, dv, dout, out, lse, q, k, v, pair / Hkv, pair % Hkv, T, H, Hkv, D, scale);
    return;
  }
  enum { JV = BKB / VW };
  int kns = (D + VW - 1) / VW * VW;
  float kt[DB_MAX * BKB] __attribute__((aligned(64))), vt[DB_MAX * BKB] __attribute__((aligned(64)));
  float dkt[DB_MAX * BKB] __attribute__((aligned(64))), dvt[DB_MAX * BKB] __attribute__((aligned(64)));
  float kn[BKB * KNS_MAX] __attribute__((aligned(64)));
  float p[QR][BKB] __attribute__((aligned(64))), ds[QR][BKB] __attribute__((aligned(64)));
  float dqs[QR][KNS_MAX] __attribute__((aligned(64)));
  vf vscale = vf_splat(scale);
  for (int pair = lo; pair < hi; pair++) {
    int b = pair / Hkv, kvh = pair % Hkv;
    const float* kb = k + (int64_t)b * T * ks + kvh * D;
    const float* vb = v + (int64_t)b * T * ks + kvh * D;
    for (int s0 = 0; s0 < T; s0 += BKB) {
      int n = T - s0 < BKB ? T - s0 : BKB;
      for (int d = 0; d < D; d++) {
        for (int j = 0; j < BKB; j++) {
          kt[d * BKB + j] = j < n ? kb[(int64_t)(s0 + j) * ks + d] : 0.0f;
          vt[d * BKB + j] = j < n ? vb[(int64_t)(s0 + j) * ks + d] : 0.0f;
          dkt[d * BKB + j] = dvt[d * BKB + j] = 0.0f;
        }
      }
      for (int j = 0; j < BKB; j++)
        for (int d = 0; d < kns; d++) kn[j * kns + d] = j < n && d < D ? kb[(int64_t)(s0 + j) * ks + d] : 0.0f;
      for (int h = kvh * group; h < (kvh + 1) * group; h++) {
        for (int t0 = s0; t0 < T; t0 += QR) {
          // rows t0..t0+QR-1; a row past T repeats the last one and is masked out entirely
          const float* qr[QR];
          const float* gr[QR];
          float delta[QR], l[QR];
          int visible[QR];
          for (int r = 0; r < QR; r++) {
            int t = t0 + r < T ? t0 + r : T - 1;
            int64_t row = ((int64_t)b * T + t) * qs + h * D;
            qr[r] = q + row;
            gr[r] = dout + row;
            delta[r] = dot(gr[r], out + row, D);
            l[r] = lse[((int64_t)b * H + h) * T + t];
            visible[r] = t0 + r >= T ? 0 : t - s0 + 1 < n ? t - s0 + 1 : n;
          }
          vf acc[QR][JV];
          BLOCK_DOTS(acc, kt, qr); // scores q_r·k_j
          for (int r = 0; r < QR; r++) {
            vf vl = vf_splat(l[r]);
            for (int jv = 0; jv < JV; jv++) vf_store(p[r] + jv * VW, vf_exp(vf_sub(vf_mul(acc[r][jv], vscale), vl)));
            for (int j = visible[r]; j < BKB; j++) p[r][j] = 0.0f; // causal mask and padding
          }
          BLOCK_DOTS(acc, vt, gr); // dout_r·v_j
          for (int r = 0; r < QR; r++) {
            vf vdelta = vf_splat(delta[r]);
            for (int jv = 0; jv < JV; jv++) {
              vf pv = vf_load(p[r] + jv * VW);
              vf_store(ds[r] + jv * VW, vf_mul(vf_mul(pv, vf_sub(acc[r][jv], vdelta)), vscale));
            }
          }
          // dv_j += Σ_r p_rj·dout_r and dk_j += Σ_r ds_rj·q_r, transposed: row d of dvt, dkt
          for (int jv = 0; jv < JV; jv++) {
            vf pv[QR], dsv[QR];
            for (int r = 0; r < QR; r++) { pv[r] = vf_load(p[r] + jv * VW); dsv[r] = vf_load(ds[r] + jv * VW); }
            for (int d = 0; d < D; d++) {
              vf a = vf_load(dvt + d * BKB + jv * VW), c = vf_load(dkt + d * BKB + jv * VW);
              for (int r = 0; r < QR; r++) { a = vf_fma(a, pv[r], vf_splat(gr[r][d])); c = vf_fma(c, dsv[r], vf_splat(qr[r][d])); }
              vf_store(dvt + d * BKB + jv * VW, a);
              vf_store(dkt + d * BKB + jv * VW, c);
            }
          }
          // dq_r += Σ_j ds_rj·k_j over the block's rows (masked keys add exact zeros)
          int d0 = 0;
          for (; d0 + DQV * VW <= kns; d0 += DQV * VW) DQ_CHUNK(DQV);
          switch ((kns - d0) / VW) { // the vectors left, fewer than DQV, in one pass
#if DQV > 3
            case 3: DQ_CHUNK(3); break;
#endif
            case 2: DQ_CHUNK(2); break;
            case 1: DQ_CHUNK(1); break;
            default: break;
          }
          for (int r = 0; r < QR && t0 + r < T; r++) {
            float* dqr = dq + ((int64_t)b * T + t0 + r) * qs + h * D;
            for (int d = 0; d < D; d++) dqr[d] += dqs[r][d];
          }
        }
      }
      float* dkb = dk + (int64_t)b * T * ks + kvh * D;
      float* dvb = dv + (int64_t)b * T * ks + kvh * D;
      for (int j = 0; j < n; j++) {
        for (int d = 0; d < D; d++) {
          dkb[(int64_t)(s0 + j) * ks + d] += dkt[d * BKB + j];
          dvb[(int64_t)(s0 + j) * ks + d] += dvt[d * BKB + j];
        }
      }
    }
  }
}
