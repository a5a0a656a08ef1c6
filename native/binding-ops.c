/*
 * The Node-API entry points of the element-wise kernels (ops.h). Like gemm in zendl.c each takes
 * (heap: Uint8Array over the wasm heap, desc: Float64Array of byte offsets and scalars) and checks
 * every operand's extent against the heap before anything runs. They run on the calling thread.
 */
#include <node_api.h>
#include <string.h>
#include "binding.h"
#include "ops.h"

#if defined(__x86_64__)
static const zd_ops_kernel *const kernels[] = { &zd_ops_kernel_avx512, &zd_ops_kernel_avx2,
  &zd_ops_kernel_portable };
#else
static const zd_ops_kernel *const kernels[] = { &zd_ops_kernel_portable };
#endif
static const zd_ops_kernel *active = NULL;

void zd_ops_select(const char *isa) {
  /* the AVX-512 GEMM geometry emulated on AVX2 keeps the AVX2 element-wise kernels */
  if (!strcmp(isa, "avx512emu")) isa = "avx2";
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
    if (!strcmp(kernels[i]->isa, isa)) active = kernels[i];
  }
}

int zd_heap_args(napi_env env, napi_callback_info info, const char *name, size_t min_desc, uint8_t **heap,
                 size_t *heap_length, const double **desc, size_t *desc_length) {
  size_t argc = 2;
  napi_value argv[2];
  napi_typedarray_type type, desc_type;
  void *h, *d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_typedarray_info(env, argv[0], &type, heap_length, &h, NULL, NULL) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &desc_type, desc_length, &d, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || desc_type != napi_float64_array || *desc_length < min_desc) {
    char message[128];
    snprintf(message, sizeof message, "zendl native %s: expected (Uint8Array heap, Float64Array desc)", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  *heap = h;
  *desc = d;
  return 1;
}

/* The float32 array of `count` elements at byte `offset`, or NULL (and a thrown error) when it is not
 * 4-byte aligned inside the heap. `offset` < 0 means none (an optional operand): NULL without error. */
float *zd_heap_floats(napi_env env, const char *name, uint8_t *heap, size_t heap_length, double offset,
                      double count, int *ok) {
  if (offset < 0) return NULL;
  /* NaN and fractions fail here, before any conversion to an integer */
  if (!(count >= 0) || !(offset + 4 * count <= (double)heap_length) || offset != (double)(size_t)offset ||
      (size_t)offset % 4 != 0) {
    char message[128];
    snprintf(message, sizeof message, "zendl native %s: an operand lies outside the heap", name);
    napi_throw_range_error(env, NULL, message);
    *ok = 0;
    return NULL;
  }
  return (float *)(heap + (size_t)offset);
}

/* adam(heap, desc): desc = [p, g, m, v, vmax (-1: none), n, beta1, rest1, beta2, rest2, wd, decay,
 * stepSize, bc2, eps, flags]. */
static napi_value adam(napi_env env, napi_callback_info info) {
  uint8_t *heap;
  size_t heap_length, desc_length;
  const double *d;
  if (!zd_heap_args(env, info, "adam", 16, &heap, &heap_length, &d, &desc_length)) return NULL;
  const double n = d[5];
  int ok = 1;
  float *p = zd_heap_floats(env, "adam", heap, heap_length, d[0], n, &ok);
  float *g = ok ? zd_heap_floats(env, "adam", heap, heap_length, d[1], n, &ok) : NULL;
  float *m = ok ? zd_heap_floats(env, "adam", heap, heap_length, d[2], n, &ok) : NULL;
  float *v = ok ? zd_heap_floats(env, "adam", heap, heap_length, d[3], n, &ok) : NULL;
  float *vmax = ok ? zd_heap_floats(env, "adam", heap, heap_length, d[4], n, &ok) : NULL;
  const int flags = d[15] >= 0 && d[15] < 64 ? (int)d[15] : 0;
  if (!ok) return NULL;
  if (!p || !g || !m || !v || ((flags & ZD_ADAM_AMSGRAD) && !vmax)) {
    napi_throw_range_error(env, NULL, "zendl native adam: a required operand is missing");
    return NULL;
  }
  const zd_adam_args s = { (float)d[6], (float)d[7], (float)d[8], (float)d[9], (float)d[10], (float)d[11],
    (float)d[12], (float)d[13], (float)d[14], flags };
  active->adam(p, g, m, v, vmax, (long)n, &s);
  return NULL;
}

/* sgd(heap, desc): desc = [p, g, buf (-1: none), n, lr, momentum, keep, wd, flags]. */
static napi_value sgd(napi_env env, napi_callback_info info) {
  uint8_t *heap;
  size_t heap_length, desc_length;
  const double *d;
  if (!zd_heap_args(env, info, "sgd", 9, &heap, &heap_length, &d, &desc_length)) return NULL;
  const double n = d[3];
  int ok = 1;
  float *p = zd_heap_floats(env, "sgd", heap, heap_length, d[0], n, &ok);
  float *g = ok ? zd_heap_floats(env, "sgd", heap, heap_length, d[1], n, &ok) : NULL;
  float *buf = ok ? zd_heap_floats(env, "sgd", heap, heap_length, d[2], n, &ok) : NULL;
  const int flags = d[8] >= 0 && d[8] < 64 ? (int)d[8] : 0;
  if (!ok) return NULL;
  if (!p || !g || ((flags & ZD_SGD_MOMENTUM) && !buf)) {
    napi_throw_range_error(env, NULL, "zendl native sgd: a required operand is missing");
    return NULL;
  }
  const zd_sgd_args s = { (float)d[4], (float)d[5], (float)d[6], (float)d[7], flags };
  active->sgd(p, g, buf, (long)n, &s);
  return NULL;
}

/*
 * indexSelect(heap, desc) on a contiguous input: desc = [byte offsets of x, index (int32), out, outer,
 * size, count, inner, index step, element bytes]; out[o][i] = x[o][index[i·step]], slices of `inner`
 * elements. Every index is checked (0 <= index < size) before anything is written.
 */
static napi_value index_select(napi_env env, napi_callback_info info) {
  uint8_t *heap;
  size_t heap_length, desc_length;
  const double *d;
  if (!zd_heap_args(env, info, "indexSelect", 9, &heap, &heap_length, &d, &desc_length)) return NULL;
  const double outer = d[3], size = d[4], count = d[5], inner = d[6], step = d[7], bytes = d[8];
  if (!(outer >= 0 && size >= 0 && count >= 0 && inner >= 0 && step >= 0 && (bytes == 4 || bytes == 8))) {
    napi_throw_range_error(env, NULL, "zendl native indexSelect: bad sizes");
    return NULL;
  }
  const double words = bytes / 4;
  int ok = 1;
  const float *x = zd_heap_floats(env, "indexSelect", heap, heap_length, d[0], outer * size * inner * words,
    &ok);
  const int32_t *index = ok ? (const int32_t *)zd_heap_floats(env, "indexSelect", heap, heap_length, d[1],
    count == 0 ? 0 : (count - 1) * step + 1, &ok) : NULL;
  float *out = ok ? zd_heap_floats(env, "indexSelect", heap, heap_length, d[2], outer * count * inner * words,
    &ok) : NULL;
  if (!ok) return NULL;
  const long n = (long)count, s = (long)step, rows = (long)size, o_count = (long)outer;
  for (long i = 0; i < n; i++) {
    if (index[i * s] < 0 || index[i * s] >= rows) {
      napi_throw_range_error(env, NULL, "zendl native indexSelect: an index is out of range");
      return NULL;
    }
  }
  const size_t slice = (size_t)inner * (size_t)bytes;
  const uint8_t *src = (const uint8_t *)x;
  uint8_t *dst = (uint8_t *)out;
  for (long o = 0; o < o_count; o++) {
    const uint8_t *plane = src + (size_t)o * (size_t)rows * slice;
    for (long i = 0; i < n; i++, dst += slice) memcpy(dst, plane + (size_t)index[i * s] * slice, slice);
  }
  return NULL;
}

void zd_define_ops(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
    { "adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL },
    { "sgd", NULL, sgd, NULL, NULL, NULL, napi_default, NULL },
    { "indexSelect", NULL, index_select, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
}
