// OpenBLAS baseline for `wren bench kernels`: cblas_sgemm on the same matmul shapes (the forward
// linear, out (M,N) = x (M,K) · Wᵀ with W (N,K) row-major) and cblas_sgemv on the decode case,
// once on one matrix (from L2) and once swept over 96 distinct ones (85 MB, streamed from memory
// as a decode streams its weights),
// timed alternately with Wren's native matmul (src/kernels/matmul.c on its pthread pool, the
// addon's build flags) in the same process, so a busy machine slows both alike.
// One JSON line per case and library, medians of repeated runs. Build and run with
// bench/openblas.sh (Debian: apt-get install -y libopenblas-dev).
#include <cblas.h>
#include "../src/kernels/native/pool.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

void matmul(float* out, const float* a, const float* b, int M, int K, int N, int transA, int transB, int accumulate, int tid, int nth);

static void matmul_task(void* ctx, int op, const double* a, int tid, int nth) {
  float** p = (float**)ctx;
  matmul(p[0], p[1], p[2 + (int)a[3]], (int)a[0], (int)a[1], (int)a[2], 0, 1, 0, tid, nth);
}

static double median(double* t, int n) {
  qsort(t, n, sizeof(double), cmp);
  return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double min_ms = argc > 2 ? atof(argv[2]) : 400;
  openblas_set_num_threads(threads);
  // DYNAMIC_ARCH builds pick their kernels at load time (OPENBLAS_CORETYPE overrides): say which
  printf("{\"openblas\":\"%s\",\"core\":\"%s\",\"threads\":%d}\n", openblas_get_config(), openblas_get_corename(), threads);
  // M, K, N and how many distinct weight matrices a rep sweeps (the last: a decode's stream)
  enum { COPIES_MAX = 96 };
  int shapes[][4] = { {4096, 256, 768, 1}, {4096, 256, 256, 1}, {4096, 768, 256, 1}, {8192, 512, 2048, 1}, {1, 288, 768, 1},
                      {1, 288, 768, COPIES_MAX} };
  for (int s = 0; s < 6; s++) {
    int M = shapes[s][0], K = shapes[s][1], N = shapes[s][2], copies = shapes[s][3];
    float* x = malloc(sizeof(float) * M * K);
    float* out = malloc(sizeof(float) * M * N);
    float* ptrs[2 + COPIES_MAX] = { out, x };
    for (long i = 0; i < (long)M * K; i++) x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (int c = 0; c < copies; c++) {
      float* w = ptrs[2 + c] = malloc(sizeof(float) * N * K);
      for (long i = 0; i < (long)N * K; i++) w[i] = (float)((i * 104729 + c) % 1000) / 1000.0f - 0.5f;
    }
    wren_pool* pool = wren_pool_create(threads - 1, matmul_task);
    wren_pool_set_context(pool, ptrs);
    double tb[200], tw[200];
    int n = 0;
    double start = now_ms();
    for (int rep = -1; n < 200 && (n < 5 || now_ms() - start < (M == 1 ? 200 : min_ms)); rep++) {
      // A sweep over every copy with one library, then the other: when Wren reads a matrix,
      // OpenBLAS last touched it a whole sweep (85 MB) before, so neither finds it in cache.
      double t0 = now_ms();
      for (int c = 0; c < copies; c++) {
        const float* w = ptrs[2 + c];
        if (M == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, 1.0f, w, K, x, 1, 0.0f, out, 1);
        else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, x, K, w, K, 0.0f, out, N);
      }
      double t1 = now_ms();
      // The matvec runs on one thread: split, between OpenBLAS calls whose threads spin on the
      // same two cores, it times wake-ups (17–40 GFLOP/s, against ~40 alone), not the kernel.
      for (int c = 0; c < copies; c++) {
        double args[4] = { M, K, N, c };
        wren_pool_run(pool, 0, args, 4, M == 1 ? 1 : threads, 4);
      }
      double t2 = now_ms();
      if (rep >= 0) { tb[n] = (t1 - t0) / copies; tw[n] = (t2 - t1) / copies; n++; } // rep -1 warms up
    }
    wren_pool_destroy(pool);
    double mb = median(tb, n), mw = median(tw, n), flop = 2.0 * M * K * N;
    const char* shape_note = copies > 1 ? " streamed" : "";
    printf("{\"backend\":\"openblas\",\"kernel\":\"%s\",\"shape\":\"%dx%dx%d%s\",\"threads\":%d,\"gflops\":%.2f}\n",
           M == 1 ? "sgemv" : "sgemm", M, K, N, shape_note, threads, flop / mb / 1e6);
    printf("{\"backend\":\"native-c\",\"kernel\":\"matmul\",\"shape\":\"%dx%dx%d%s\",\"threads\":%d,\"gflops\":%.2f,\"vs_openblas\":%.3f}\n",
           M, K, N, shape_note, threads, flop / mw / 1e6, mb / mw);
    free(x); free(out);
    for (int c = 0; c < copies; c++) free(ptrs[2 + c]);
  }
  return 0;
}
