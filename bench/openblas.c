// OpenBLAS baseline for `wren bench kernels`: cblas_sgemm on the same matmul shapes (the forward
// linear, out (M,N) = x (M,K) · Wᵀ with W (N,K) row-major) and cblas_sgemv on the decode case.
// One JSON line per case, median of repeated runs. Build and run with bench/openblas.sh
// (Debian: apt-get install -y libopenblas-dev); threads via OPENBLAS_NUM_THREADS.
#include <cblas.h>
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

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double min_ms = argc > 2 ? atof(argv[2]) : 400;
  openblas_set_num_threads(threads);
  int shapes[][3] = { {4096, 256, 768}, {4096, 256, 256}, {4096, 768, 256}, {8192, 512, 2048}, {1, 288, 768} };
  for (int s = 0; s < 5; s++) {
    int M = shapes[s][0], K = shapes[s][1], N = shapes[s][2];
    float* x = malloc(sizeof(float) * M * K);
    float* w = malloc(sizeof(float) * N * K);
    float* out = malloc(sizeof(float) * M * N);
    for (long i = 0; i < (long)M * K; i++) x[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (long i = 0; i < (long)N * K; i++) w[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
    double times[200];
    int n = 0;
    double start = now_ms();
    for (int rep = -1; n < 200 && (n < 3 || now_ms() - start < (M == 1 ? 200 : min_ms)); rep++) {
      double t0 = now_ms();
      if (M == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, 1.0f, w, K, x, 1, 0.0f, out, 1);
      else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, x, K, w, K, 0.0f, out, N);
      double t = now_ms() - t0;
      if (rep >= 0) times[n++] = t; // rep -1 warms up
    }
    qsort(times, n, sizeof(double), cmp);
    double med = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    printf("{\"backend\":\"openblas\",\"kernel\":\"%s\",\"shape\":\"%dx%dx%d\",\"threads\":%d,\"gflops\":%.2f,\"ms\":%.4f}\n",
           M == 1 ? "sgemv" : "sgemm", M, K, N, threads, 2.0 * M * K * N / med / 1e6, med);
    free(x); free(w); free(out);
  }
  return 0;
}
