// See pool.h. Job hand-off: the caller bumps `seq` (seq_cst), then wakes sleepers under the
// mutex; a worker registers as a sleeper under the mutex before re-checking `seq`, so no
// wake-up is lost (one of the two always sees the other's write).
#include "pool.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

#define SPIN 20000 // pauses before sleeping: ~0.1–0.5 ms, longer than the gaps between kernels

typedef struct { wren_pool* pool; int tid; } worker_start;

struct wren_pool {
  wren_task task;
  void* ctx;
  int workers;
  pthread_t threads[WREN_POOL_MAX];
  worker_start starts[WREN_POOL_MAX];
  atomic_uint seq;
  atomic_int done;
  atomic_int sleepers;
  atomic_int quit;
  int op, nth;
  const double* args;
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

static void* worker_main(void* arg) {
  wren_pool* p = ((worker_start*)arg)->pool;
  int tid = ((worker_start*)arg)->tid;
  unsigned seen = 0; // seq starts at 0: a job (or quit) published before this thread ran is still seen
  for (;;) {
    int spins = 0;
    while (atomic_load(&p->seq) == seen) {
      if (++spins < SPIN) { cpu_relax(); continue; }
      pthread_mutex_lock(&p->mu);
      atomic_fetch_add(&p->sleepers, 1);
      while (atomic_load(&p->seq) == seen) pthread_cond_wait(&p->cv, &p->mu);
      atomic_fetch_sub(&p->sleepers, 1);
      pthread_mutex_unlock(&p->mu);
    }
    seen = atomic_load(&p->seq);
    if (atomic_load(&p->quit)) return NULL;
    if (tid < p->nth) {
      p->task(p->ctx, p->op, p->args, tid, p->nth);
      atomic_fetch_add(&p->done, 1);
    }
  }
}

wren_pool* wren_pool_create(int workers, wren_task task) {
  if (workers < 0 || workers >= WREN_POOL_MAX) return NULL;
  wren_pool* p = (wren_pool*)calloc(1, sizeof(wren_pool));
  if (!p) return NULL;
  p->task = task;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  for (int i = 0; i < workers; i++) {
    p->starts[i].pool = p;
    p->starts[i].tid = i + 1;
    if (pthread_create(&p->threads[i], NULL, worker_main, &p->starts[i]) != 0) {
      p->workers = i;
      wren_pool_destroy(p);
      return NULL;
    }
    p->workers = i + 1;
  }
  return p;
}

void wren_pool_set_context(wren_pool* p, void* ctx) {
  p->ctx = ctx;
}

static void publish(wren_pool* p) {
  atomic_fetch_add(&p->seq, 1);
  if (atomic_load(&p->sleepers) > 0) {
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
  }
}

void wren_pool_run(wren_pool* p, int op, const double* args, int nargs, int nth) {
  (void)nargs;
  if (nth > p->workers + 1) nth = p->workers + 1;
  if (nth <= 1) { p->task(p->ctx, op, args, 0, 1); return; }
  p->op = op;
  p->args = args;
  p->nth = nth;
  atomic_store(&p->done, 0);
  publish(p);
  p->task(p->ctx, op, args, 0, nth);
  while (atomic_load(&p->done) < nth - 1) cpu_relax();
}

void wren_pool_destroy(wren_pool* p) {
  if (!p) return;
  atomic_store(&p->quit, 1);
  publish(p);
  for (int i = 0; i < p->workers; i++) pthread_join(p->threads[i], NULL);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p);
}
