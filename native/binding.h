/* What the Node-API binding files share: argument parsing and the element-wise kernels' selection. */
#ifndef ZD_BINDING_H
#define ZD_BINDING_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Reads (heap: Uint8Array, desc: Float64Array of at least min_desc); 0 after throwing when they are not. */
int zd_heap_args(napi_env env, napi_callback_info info, const char *name, size_t min_desc, uint8_t **heap,
                 size_t *heap_length, const double **desc, size_t *desc_length);
float *zd_heap_floats(napi_env env, const char *name, uint8_t *heap, size_t heap_length, double offset,
                      double count, int *ok);
/* Makes the element-wise kernels of `isa` (a GEMM kernel's name) the active ones. */
void zd_ops_select(const char *isa);
void zd_define_ops(napi_env env, napi_value exports);
void zd_define_conv(napi_env env, napi_value exports);
#endif
