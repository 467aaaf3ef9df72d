// attention: causal multi-head attention with grouped key/value heads (GQA).
//   out (B,Tq,H*D), q (B,Tq,H*D), k and v (B,Tk,Hkv*D); lse (B,H,Tq) or null.
// Query t sits at position Tk-Tq+t and sees keys 0..Tk-Tq+t; query head h reads kv head
// h / (H/Hkv). Online softmax over blocks of BK keys (running max, running sum, rescaled
// accumulator), so no T×T score matrix exists: memory per row is BK scores plus D accumulators.
// Threads take rows (b, h, t) round-robin, which balances the causal triangle.
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

static inline void scale_add(float* acc, float alpha, const float* v, float p, int D) {
  vf av = vf_splat(alpha), pv = vf_splat(p);
  int d = 0;
  for (; d + VW <= D; d += VW) vf_store(acc + d, vf_fma(vf_mul(vf_load(acc + d), av), pv, vf_load(v + d)));
  for (; d < D; d++) acc[d] = acc[d] * alpha + p * v[d];
}

void attention(float* out, float* lse, const float* q, const float* k, const float* v,
               int B, int Tq, int Tk, int H, int Hkv, int D, int tid, int nth) {
  if (D > DMAX) return; // the TS op rejects such shapes before calling
  float acc[DMAX] __attribute__((aligned(64)));
  float sc[BK];
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
      float bmax = -3.4028235e38f;
      for (int j = 0; j < n; j++) {
        sc[j] = dot(qr, kb + (s0 + j) * ks, D) * scale;
        if (sc[j] > bmax) bmax = sc[j];
      }
      float alpha = 1.0f;
      if (bmax > max) { alpha = wren_expf(max - bmax); sum *= alpha; max = bmax; }
      for (int j = 0; j < n; j++) {
        float p = wren_expf(sc[j] - max);
        sum += p;
        scale_add(acc, j == 0 ? alpha : 1.0f, vb + (s0 + j) * ks, p, D);
      }
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
// dk and dv of a pair, and to dq of its heads, come from one thread.
void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* out, const float* lse,
                        const float* q, const float* k, const float* v,
                        int B, int T, int H, int Hkv, int D, int tid, int nth) {
  if (D > DMAX) return;
  float scale = 1.0f / wren_sqrtf((float)D);
  int group = H / Hkv, lo, hi;
  int64_t qs = (int64_t)H * D, ks = (int64_t)Hkv * D;
  wren_slice(B * Hkv, 1, tid, nth, &lo, &hi);
  for (int pair = lo; pair < hi; pair++) {
    int b = pair / Hkv, kvh = pair % Hkv;
    const float* kb = k + (int64_t)b * T * ks + kvh * D;
    const float* vb = v + (int64_t)b * T * ks + kvh * D;
    float* dkb = dk + (int64_t)b * T * ks + kvh * D;
    float* dvb = dv + (int64_t)b * T * ks + kvh * D;
    for (int h = kvh * group; h < (kvh + 1) * group; h++) {
      for (int t = 0; t < T; t++) {
        int64_t row = ((int64_t)b * T + t) * qs + h * D;
        const float* qr = q + row;
        const float* gr = dout + row;
        float* dqr = dq + row;
        float delta = dot(gr, out + row, D);
        float l = lse[((int64_t)b * H + h) * T + t];
        for (int s = 0; s <= t; s++) {
          const float* kr = kb + s * ks;
          const float* vr = vb + s * ks;
          float p = wren_expf(dot(qr, kr, D) * scale - l);
          float ds = p * (dot(gr, vr, D) - delta) * scale;
          scale_add(dvb + s * ks, 1.0f, gr, p, D);
          scale_add(dkb + s * ks, 1.0f, qr, ds, D);
          scale_add(dqr, 1.0f, kr, ds, D);
        }
      }
    }
  }
}
