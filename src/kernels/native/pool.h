// A persistent pool of kernel threads for the native addon. The caller publishes a job (op and
// arguments), runs tid 0 itself, and spins until the others are done; idle threads spin briefly
// on the job counter, then sleep on a condition variable, so bursts of small kernels never pay
// for a thread wake-up and an idle process never burns a core.
#ifndef WREN_POOL_H
#define WREN_POOL_H

#define WREN_POOL_MAX 16

typedef void (*wren_task)(void* ctx, int op, const double* args, int tid, int nth);
typedef struct wren_pool wren_pool;

wren_pool* wren_pool_create(int workers, wren_task task);
void wren_pool_set_context(wren_pool* p, void* ctx);
/** Run the job on `nth` threads (≤ workers + 1) as task(ctx, op, args, c, chunks) for chunks
 *  c = 0..chunks-1, chunks = nth · per_thread (at most WREN_POOL_MAX), claimed one at a time;
 *  returns when all are done. */
void wren_pool_run(wren_pool* p, int op, const double* args, int nargs, int nth, int per_thread);
void wren_pool_destroy(wren_pool* p);

#endif
