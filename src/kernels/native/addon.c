// The native Node addon: the same kernels as the WASM build (src/kernels/*.c), compiled for the
// host CPU, run on a persistent pthread pool over the engine's arena with no copies.
//
// JS API (see src/engine/native-backend.ts):
//   kernels()                  -> string[]   kernel names, in op-index order
//   simd()                     -> string     vector ISA compiled in ("avx2-fma", "neon", "portable-c")
//   createPool(threads, args)  -> external   args: Float64Array(32) the caller writes arguments into
//   setMemory(pool, bytes)                   bytes: Uint8Array over the whole arena (SharedArrayBuffer)
//   run(pool, op, nargs, nth)                runs kernel `op` on nth threads (the caller is tid 0)
//   destroyPool(pool)
// Pointers cross as byte offsets into the arena (0 is null); sizes as integers.
#define _DEFAULT_SOURCE // madvise's MADV_HUGEPAGE under -std=c11
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include "pool.h"
#include "../wren.h"
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define KERNELS(X) X(matmul) X(matmul3) X(rmsnorm) X(rope) X(attention) X(swiglu) X(add) X(embedding) X(softmax) X(argmax) X(matmul_q8_0) X(matmul_q4_0) \
  X(rmsnorm_backward) X(rope_backward) X(attention_backward) X(swiglu_backward) X(embedding_backward) \
  X(softmax_cross_entropy) X(adamw) X(sumsq) X(dropout) X(zero)

// Kernel prototypes: the C files define them; the signatures are the contract in kernels.ts.
void matmul(float* out, const float* a, const float* b, int M, int K, int N, int transA, int transB, int accumulate, int tid, int nth);
void matmul3(float* out0, float* out1, float* out2, const float* x, const float* w0, const float* w1, const float* w2,
             int M, int K, int N0, int N1, int N2, int tid, int nth);
void rmsnorm(float* out, const float* x, const float* w, int M, int C, float eps, int tid, int nth);
void rope(float* x, int M, int T, int H, int D, int pos0, float theta, int tid, int nth);
void attention(float* out, float* lse, const float* q, const float* k, const float* v, int B, int Tq, int Tk, int H, int Hkv, int D, int tid, int nth);
void swiglu(float* out, const float* gate, const float* up, int n, int tid, int nth);
void add(float* out, const float* a, const float* b, int n, int tid, int nth);
void embedding(float* out, const float* table, const int32_t* ids, int M, int C, int tid, int nth);
void softmax(float* out, const float* x, int M, int N, int tid, int nth);
void argmax(int32_t* idx, const float* x, int M, int N, int tid, int nth);
void matmul_q8_0(float* out, const float* x, const uint8_t* w, int M, int K, int N, int tid, int nth);
void matmul_q4_0(float* out, const float* x, const uint8_t* w, int M, int K, int N, int tid, int nth);
// training
void rmsnorm_backward(float* dx, float* dw, const float* dout, const float* x, const float* w, int M, int C, float eps, int tid, int nth);
void rope_backward(float* dx, int M, int T, int H, int D, int pos0, float theta, int tid, int nth);
void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* out, const float* lse, const float* q, const float* k, const float* v, int B, int T, int H, int Hkv, int D, int tid, int nth);
void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, int n, int tid, int nth);
void embedding_backward(float* dtable, const float* dout, const int32_t* ids, int M, int C, int tid, int nth);
void softmax_cross_entropy(float* losses, float* dlogits, const float* logits, const int32_t* targets, int M, int V, float gradScale, int tid, int nth);
void adamw(float* param, const float* grad, float* m, float* v, const float* decay, int n, float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2, float gradScale, int tid, int nth);
void sumsq(float* partials, const float* x, int n, int tid, int nth);
void dropout(float* out, const float* x, int n, int threshold, float scale, int seed, int accumulate, int tid, int nth);
void zero(float* x, int n, int tid, int nth);

#define ENUM(k) OP_##k,
enum { KERNELS(ENUM) OP_COUNT };
#define NAME(k) #k,
static const char* kernel_names[] = { KERNELS(NAME) };

// Unpack op `op`'s arguments (doubles) and call it as thread tid of nth.
static void call_kernel(void* ctx, int op, const double* a, int tid, int nth) {
  char* base = (char*)ctx;
#define F(i) ((float*)(a[i] != 0 ? base + (int64_t)a[i] : NULL))
#define I(i) ((int)a[i])
  switch (op) {
    case OP_matmul:    matmul(F(0), F(1), F(2), I(3), I(4), I(5), I(6), I(7), I(8), tid, nth); break;
    case OP_matmul3:   matmul3(F(0), F(1), F(2), F(3), F(4), F(5), F(6), I(7), I(8), I(9), I(10), I(11), tid, nth); break;
    case OP_rmsnorm:   rmsnorm(F(0), F(1), F(2), I(3), I(4), (float)a[5], tid, nth); break;
    case OP_rope:      rope(F(0), I(1), I(2), I(3), I(4), I(5), (float)a[6], tid, nth); break;
    case OP_attention: attention(F(0), F(1), F(2), F(3), F(4), I(5), I(6), I(7), I(8), I(9), I(10), tid, nth); break;
    case OP_swiglu:    swiglu(F(0), F(1), F(2), I(3), tid, nth); break;
    case OP_add:       add(F(0), F(1), F(2), I(3), tid, nth); break;
    case OP_embedding: embedding(F(0), F(1), (const int32_t*)F(2), I(3), I(4), tid, nth); break;
    case OP_softmax:   softmax(F(0), F(1), I(2), I(3), tid, nth); break;
    case OP_argmax:    argmax((int32_t*)F(0), F(1), I(2), I(3), tid, nth); break;
    case OP_matmul_q8_0: matmul_q8_0(F(0), F(1), (const uint8_t*)F(2), I(3), I(4), I(5), tid, nth); break;
    case OP_matmul_q4_0: matmul_q4_0(F(0), F(1), (const uint8_t*)F(2), I(3), I(4), I(5), tid, nth); break;
    case OP_rmsnorm_backward:   rmsnorm_backward(F(0), F(1), F(2), F(3), F(4), I(5), I(6), (float)a[7], tid, nth); break;
    case OP_rope_backward:      rope_backward(F(0), I(1), I(2), I(3), I(4), I(5), (float)a[6], tid, nth); break;
    case OP_attention_backward: attention_backward(F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), I(9), I(10), I(11), I(12), I(13), tid, nth); break;
    case OP_swiglu_backward:    swiglu_backward(F(0), F(1), F(2), F(3), F(4), I(5), tid, nth); break;
    case OP_embedding_backward: embedding_backward(F(0), F(1), (const int32_t*)F(2), I(3), I(4), tid, nth); break;
    case OP_softmax_cross_entropy: softmax_cross_entropy(F(0), F(1), F(2), (const int32_t*)F(3), I(4), I(5), (float)a[6], tid, nth); break;
    case OP_adamw:              adamw(F(0), F(1), F(2), F(3), F(4), I(5), (float)a[6], (float)a[7], (float)a[8], (float)a[9], (float)a[10], (float)a[11], (float)a[12], (float)a[13], tid, nth); break;
    case OP_sumsq:              sumsq(F(0), F(1), I(2), tid, nth); break;
    case OP_dropout:            dropout(F(0), F(1), I(2), I(3), (float)a[4], I(5), I(6), tid, nth); break;
    case OP_zero:               zero(F(0), I(1), tid, nth); break;
    default: break;
  }
#undef F
#undef I
}

typedef struct { wren_pool* pool; double* args; napi_ref args_ref; } handle;

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "wren_native: " #call " failed"); return NULL; } } while (0)

static napi_value js_kernels(napi_env env, napi_callback_info info) {
  napi_value arr, s;
  CHECK(napi_create_array_with_length(env, OP_COUNT, &arr));
  for (int i = 0; i < OP_COUNT; i++) {
    CHECK(napi_create_string_utf8(env, kernel_names[i], NAPI_AUTO_LENGTH, &s));
    CHECK(napi_set_element(env, arr, i, s));
  }
  return arr;
}

static napi_value js_simd(napi_env env, napi_callback_info info) {
  napi_value s;
  CHECK(napi_create_string_utf8(env, WREN_SIMD, NAPI_AUTO_LENGTH, &s));
  return s;
}

static void finalize_handle(napi_env env, void* data, void* hint) {
  handle* h = (handle*)data;
  if (h->pool) wren_pool_destroy(h->pool);
  if (h->args_ref) napi_delete_reference(env, h->args_ref);
  free(h);
}

static void* typed_data(napi_env env, napi_value v, size_t* length) {
  napi_typedarray_type type;
  void* data = NULL;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &ab, &offset) != napi_ok) return NULL;
  return data;
}

static napi_value js_create_pool(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t threads;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &threads));
  size_t n = 0;
  double* args = (double*)typed_data(env, argv[1], &n);
  if (!args || n < 32 || threads < 1 || threads > WREN_POOL_MAX) { napi_throw_range_error(env, NULL, "createPool(threads 1..16, Float64Array(32))"); return NULL; }
  handle* h = (handle*)calloc(1, sizeof(handle));
  h->args = args;
  CHECK(napi_create_reference(env, argv[1], 1, &h->args_ref));
  h->pool = wren_pool_create(threads - 1, call_kernel);
  if (!h->pool) { free(h); napi_throw_error(env, NULL, "wren_native: could not start threads"); return NULL; }
  CHECK(napi_create_external(env, h, finalize_handle, NULL, &out));
  return out;
}

static handle* get_handle(napi_env env, napi_value v) {
  void* p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p || !((handle*)p)->pool) { napi_throw_type_error(env, NULL, "wren_native: not a live pool"); return NULL; }
  return (handle*)p;
}

// Ask Linux to back the arena with 2 MiB pages. Decoding streams every weight from memory once a
// token, and with 4 KiB pages the TLB misses cost about a quarter of the bandwidth (288×32000
// from DRAM, AVX2, 2 threads, a C harness: 14–17 against 19–23 GB/s; in a 15M decode, 0–10%).
// MADV_HUGEPAGE covers pages touched from now on (where transparent huge pages are "madvise",
// the common default); MADV_COLLAPSE (Linux 6.1+) converts the ones already written, such as
// weights loaded before the first kernel ran. Both are hints: an older kernel, or no huge page
// to be had, leaves the memory as it was. Collapsing takes ~2 ms a MiB the first time (~125 ms
// for the 15M model's arena), so arenas under 32 MiB, whose models stream from cache anyway, are
// left alone.
static void advise_huge_pages(void* base, size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (n < ((size_t)32 << 20)) return;
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)base + huge - 1) & ~(huge - 1), hi = ((uintptr_t)base + n) & ~(huge - 1);
  if (hi <= lo) return;
  madvise((void*)lo, hi - lo, MADV_HUGEPAGE);
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
  madvise((void*)lo, hi - lo, MADV_COLLAPSE);
#else
  (void)base; (void)n;
#endif
}

static napi_value js_set_memory(napi_env env, napi_callback_info info) {
  size_t argc = 2, n = 0;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle* h = get_handle(env, argv[0]);
  if (!h) return NULL;
  void* base = typed_data(env, argv[1], &n);
  if (!base) { napi_throw_type_error(env, NULL, "setMemory: expected a Uint8Array over the arena"); return NULL; }
  advise_huge_pages(base, n);
  wren_pool_set_context(h->pool, base);
  return NULL;
}

static napi_value js_run(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t op, nargs, nth, per_thread;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle* h = get_handle(env, argv[0]);
  if (!h) return NULL;
  CHECK(napi_get_value_int32(env, argv[1], &op));
  CHECK(napi_get_value_int32(env, argv[2], &nargs));
  CHECK(napi_get_value_int32(env, argv[3], &nth));
  CHECK(napi_get_value_int32(env, argv[4], &per_thread));
  if (op < 0 || op >= OP_COUNT) { napi_throw_range_error(env, NULL, "run: unknown kernel"); return NULL; }
  wren_pool_run(h->pool, op, h->args, nargs, nth, per_thread);
  return NULL;
}

static napi_value js_destroy_pool(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle* h = get_handle(env, argv[0]);
  if (!h) return NULL;
  wren_pool_destroy(h->pool);
  h->pool = NULL;
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "kernels", NULL, js_kernels, NULL, NULL, NULL, napi_default, NULL },
    { "simd", NULL, js_simd, NULL, NULL, NULL, napi_default, NULL },
    { "createPool", NULL, js_create_pool, NULL, NULL, NULL, napi_default, NULL },
    { "setMemory", NULL, js_set_memory, NULL, NULL, NULL, napi_default, NULL },
    { "run", NULL, js_run, NULL, NULL, NULL, napi_default, NULL },
    { "destroyPool", NULL, js_destroy_pool, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
