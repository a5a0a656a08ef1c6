/*
 * zendl's native kernels as a Node-API addon. The kernels work in place on zendl's WebAssembly heap:
 * each call passes a Uint8Array over the heap's shared buffer, whose data pointer is the heap's base
 * (stable across memory.grow: V8 reserves a shared memory's whole maximum up front), and byte
 * offsets into it. Every operand's extent is checked against the array's length before anything runs.
 */
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "binding.h"
#include "gemm.h"
#include "pool.h"

#if defined(__x86_64__)
#define ZD_X86 1
static const zd_gemm_kernel *const kernels[] = {
  &zd_gemm_kernel_avx512, &zd_gemm_kernel_avx2, &zd_gemm_kernel_portable, &zd_gemm_kernel_avx512emu,
};
#else
static const zd_gemm_kernel *const kernels[] = { &zd_gemm_kernel_portable };
#endif
#define KERNEL_COUNT ((int)(sizeof kernels / sizeof kernels[0]))

static const zd_gemm_kernel *active = NULL;
/* One product at a time: calls from several JS threads (worker_threads) share the workspaces. */
static pthread_mutex_t serial = PTHREAD_MUTEX_INITIALIZER;

static int cpu_supports(const char *isa) {
#ifdef ZD_X86
  __builtin_cpu_init();
  if (!strcmp(isa, "avx512")) return __builtin_cpu_supports("avx512f");
  if (!strcmp(isa, "avx2") || !strcmp(isa, "avx512emu")) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
#endif
  return !strcmp(isa, "portable");
}

/* ---- the thread split ------------------------------------------------------------------------- */

/* A share below this many multiply-adds costs more in hand-off than it gains (as in the wasm backend). */
#define MIN_MACS_PER_THREAD (1L << 20)
/* More pieces than threads lets a thread the OS has descheduled fall behind without holding up all, but
 * each piece packs the whole of one operand again: only products with this much work per piece get more
 * pieces than threads (the 128x256x784 product of an MLP split in 4 repacked its A 4 times). */
#define PIECES_PER_THREAD 2
#define MIN_MACS_PER_EXTRA_PIECE (1L << 24)

typedef struct {
  const zd_gemm_kernel *kernel;
  zd_gemm_args *tasks;
  long count;
  long next; /* claimed with an atomic add */
  int failed;
} job;

static float *workspaces[ZD_MAX_THREADS];
static size_t workspace_floats[ZD_MAX_THREADS];

const zd_gemm_kernel *zd_gemm_active(void) { return active; }
void zd_lock(void) { pthread_mutex_lock(&serial); }
void zd_unlock(void) { pthread_mutex_unlock(&serial); }

/* Thread `slot`'s packing buffers for `kernel` (grown on need; NULL when out of memory). Under zd_lock. */
float *zd_gemm_workspace(const zd_gemm_kernel *kernel, int slot) {
  const size_t need = kernel->workspace_floats();
  if (workspace_floats[slot] < need) {
    free(workspaces[slot]);
    workspaces[slot] = aligned_alloc(64, (need * sizeof(float) + 63) / 64 * 64);
    workspace_floats[slot] = workspaces[slot] ? need : 0;
  }
  return workspaces[slot];
}

static void run_tasks(int slot, void *arg) {
  job *j = arg;
  float *work = zd_gemm_workspace(j->kernel, slot);
  if (!work) {
    __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
    return;
  }
  for (;;) {
    const long t = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
    if (t >= j->count) break;
    j->kernel->gemm(&j->tasks[t], work);
  }
}

/* Largest byte touched + 1 by a [rows, cols] operand at `offset` (elements of 4 bytes). */
static double extent(double offset, double rows, double cols, double rs, double cs) {
  return offset + 4.0 * ((rows - 1) * rs + (cols - 1) * cs + 1);
}

/*
 * gemm(heap: Uint8Array, desc: Float64Array): desc = [threads, m, n, k, rsA, csA, rsB, csB, accumulate,
 * count, then per product the byte offsets of A, B and C]. C is contiguous [m, n]; m, n, k >= 1.
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_typedarray_type type, desc_type;
  size_t heap_length, desc_length;
  void *heap, *desc_data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_typedarray_info(env, argv[0], &type, &heap_length, &heap, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &desc_type, &desc_length, &desc_data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || desc_type != napi_float64_array || desc_length < 10) {
    napi_throw_type_error(env, NULL, "zendl native gemm: expected (Uint8Array heap, Float64Array desc)");
    return NULL;
  }
  const double *d = desc_data;
  const double m = d[1], n = d[2], k = d[3], rsa = d[4], csa = d[5], rsb = d[6], csb = d[7];
  const long count = (long)d[9];
  if (!(m >= 1 && n >= 1 && k >= 1 && rsa >= 0 && csa >= 0 && rsb >= 0 && csb >= 0 && count >= 1) ||
      desc_length < (size_t)(10 + 3 * count)) {
    napi_throw_range_error(env, NULL, "zendl native gemm: bad sizes, strides or product count");
    return NULL;
  }
  for (long i = 0; i < count; i++) {
    const double *o = d + 10 + 3 * i;
    if (extent(o[0], m, k, rsa, csa) > heap_length || extent(o[1], k, n, rsb, csb) > heap_length ||
        extent(o[2], m, n, n, 1) > heap_length || o[0] < 0 || o[1] < 0 || o[2] < 0) {
      napi_throw_range_error(env, NULL, "zendl native gemm: an operand lies outside the heap");
      return NULL;
    }
  }
  const zd_gemm_kernel *kernel = active;
  int threads = (int)d[0];
  if (threads < 1) threads = 1;
  const double macs = m * n * k;
  if (threads > macs / MIN_MACS_PER_THREAD) threads = (int)(macs / MIN_MACS_PER_THREAD) + 1;
  if (threads > ZD_MAX_THREADS) threads = ZD_MAX_THREADS;

  /* Cut each product by rows (every piece packs all of B, k×n) or by columns (every piece packs all of
   * A, m×k): the cheaper. Both packings cost about the same per element (0.1 to 0.2 ns on AVX-512, any
   * layout), so that is the smaller of m and n. */
  const int by_columns = m < n;
  const long extent_cut = (long)(by_columns ? n : m), unit = by_columns ? kernel->nr : kernel->mr;
  const long units = (extent_cut + unit - 1) / unit;
  const int per_thread = macs * count / (PIECES_PER_THREAD * threads) >= MIN_MACS_PER_EXTRA_PIECE ?
    PIECES_PER_THREAD : 1;
  long wanted = threads == 1 ? 1 : (per_thread * threads + count - 1) / count;
  long by_work = (long)(macs / MIN_MACS_PER_THREAD);
  long pieces = wanted < units ? wanted : units;
  if (pieces > by_work) pieces = by_work;
  if (pieces < 1) pieces = 1;
  zd_gemm_args *tasks = malloc(sizeof(zd_gemm_args) * count * pieces);
  if (!tasks) {
    napi_throw_error(env, NULL, "zendl native gemm: out of memory");
    return NULL;
  }
  long t = 0;
  uint8_t *base = heap;
  for (long i = 0; i < count; i++) {
    const double *o = d + 10 + 3 * i;
    for (long piece = 0; piece < pieces; piece++) {
      const long start = units * piece / pieces * unit;
      long end = units * (piece + 1) / pieces * unit;
      if (end > extent_cut) end = extent_cut;
      if (end <= start) continue;
      zd_gemm_args *g = &tasks[t++];
      g->m = by_columns ? (long)m : end - start;
      g->n = by_columns ? end - start : (long)n;
      g->k = (long)k;
      g->rs_a = (long)rsa; g->cs_a = (long)csa; g->rs_b = (long)rsb; g->cs_b = (long)csb;
      g->ldc = (long)n;
      g->accumulate = d[8] != 0;
      const long i0 = by_columns ? 0 : start, j0 = by_columns ? start : 0;
      g->a = (const float *)(base + (size_t)o[0]) + i0 * g->rs_a;
      g->b = (const float *)(base + (size_t)o[1]) + j0 * g->cs_b;
      g->c = (float *)(base + (size_t)o[2]) + i0 * g->ldc + j0;
    }
  }
  job j = { kernel, tasks, t, 0, 0 };
  if (threads > t) threads = (int)t;
  pthread_mutex_lock(&serial);
  if (threads == 1) run_tasks(0, &j);
  else zd_pool_run(threads, run_tasks, &j);
  pthread_mutex_unlock(&serial);
  free(tasks);
  if (j.failed) napi_throw_error(env, NULL, "zendl native gemm: out of memory for packing buffers");
  return NULL;
}

/* ---- instruction-set selection ---------------------------------------------------------------- */

static napi_value string_value(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

/* selectIsa(name): "auto" picks the widest the CPU runs; a name forces it. Returns the name in use. */
static napi_value select_isa(napi_env env, napi_callback_info info) {
  size_t argc = 1, length;
  napi_value argv[1];
  char name[32] = "auto";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 1) {
    napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length);
  }
  const zd_gemm_kernel *chosen = NULL;
  for (int i = 0; i < KERNEL_COUNT && !chosen; i++) {
    const char *isa = kernels[i]->isa;
    const int wanted = !strcmp(name, "auto") ? strcmp(isa, "avx512emu") != 0 : !strcmp(name, isa);
    if (wanted && cpu_supports(isa)) chosen = kernels[i];
  }
  if (!chosen) {
    char message[160];
    int compiled = 0;
    for (int i = 0; i < KERNEL_COUNT; i++) compiled |= !strcmp(name, kernels[i]->isa);
    snprintf(message, sizeof message, compiled ? "this CPU lacks %s" : "no %s kernels in this build", name);
    napi_throw_error(env, NULL, message);
    return NULL;
  }
  pthread_mutex_lock(&serial);
  active = chosen;
  zd_ops_select(chosen->isa);
  pthread_mutex_unlock(&serial);
  return string_value(env, chosen->isa);
}

/* isas(): the instruction sets compiled into this build that this CPU runs. */
static napi_value isas(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  for (int i = 0; i < KERNEL_COUNT; i++) {
    if (cpu_supports(kernels[i]->isa)) napi_set_element(env, list, n++, string_value(env, kernels[i]->isa));
  }
  return list;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor properties[] = {
    { "gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL },
    { "selectIsa", NULL, select_isa, NULL, NULL, NULL, napi_default, NULL },
    { "isas", NULL, isas, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  zd_define_ops(env, exports);
  zd_define_conv(env, exports);
  return exports;
}
