// See pool.h. Job hand-off: the caller bumps `seq` (seq_cst), then wakes sleepers under the
// mutex; a worker registers as a sleeper under the mutex before re-checking `seq`, so no
// wake-up is lost (one of the two always sees the other's write).
// A job is cut into chunks (chunk c of `chunks` is the task run as thread c of `chunks`) that the
// caller and the workers claim one at a time from `claim` = (seq << 8 | next chunk): a worker that
// wakes late, or is descheduled on a busy machine, delays the caller by at most the chunk it took.
// A claim also proves its job is still current, so a stale worker can never run a newer job's
// chunk with an older job's arguments.
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
  atomic_uint claim;
  int op, chunks;
  const double* args;
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

// The next chunk of job `seq`, or -1 when it has none left or is no longer the current job.
static int claim_chunk(wren_pool* p, unsigned seq, int chunks) {
  unsigned w = atomic_load(&p->claim);
  for (;;) {
    if ((w >> 8) != (seq & 0xffffffu) || (int)(w & 0xff) >= chunks) return -1;
    if (atomic_compare_exchange_weak(&p->claim, &w, w + 1)) return (int)(w & 0xff);
  }
}

static void* worker_main(void* arg) {
  wren_pool* p = ((worker_start*)arg)->pool;
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
    int chunks = p->chunks;
    for (int c; (c = claim_chunk(p, seen, chunks)) >= 0;) {
      p->task(p->ctx, p->op, p->args, c, chunks);
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

void wren_pool_run(wren_pool* p, int op, const double* args, int nargs, int nth, int per_thread) {
  (void)nargs;
  if (nth > p->workers + 1) nth = p->workers + 1;
  if (nth <= 1) { p->task(p->ctx, op, args, 0, 1); return; }
  if (per_thread < 1) per_thread = 1;
  int chunks = nth * per_thread < WREN_POOL_MAX ? nth * per_thread : WREN_POOL_MAX; // some kernels index per-thread slots
  unsigned seq = atomic_load(&p->seq) + 1;
  p->op = op;
  p->args = args;
  p->chunks = chunks;
  atomic_store(&p->done, 0);
  atomic_store(&p->claim, (seq & 0xffffffu) << 8);
  publish(p);
  for (int c; (c = claim_chunk(p, seq, chunks)) >= 0;) {
    p->task(p->ctx, op, args, c, chunks);
    atomic_fetch_add(&p->done, 1);
  }
  while (atomic_load(&p->done) < chunks) cpu_relax();
  // Close the job before the next one's chunk count is written: a worker that read this job's
  // seq but is slow to claim could otherwise pair it with the next job's larger count, claim
  // chunks this job never had and count them into the next job's done (which then ends early).
  atomic_store(&p->claim, (seq & 0xffffffu) << 8 | 0xffu);
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
