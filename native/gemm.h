/* One float32 product for a kernel variant: pointers already resolved, strides in elements. */
#ifndef ZD_GEMM_H
#define ZD_GEMM_H
#include <stddef.h>

typedef struct {
  long m, n, k;
  const float *a; long rs_a, cs_a;
  const float *b; long rs_b, cs_b;
  float *c; long ldc;
  int accumulate;
} zd_gemm_args;

typedef struct {
  const char *isa;
  int mr, nr;
  size_t (*workspace_floats)(void);
  void (*gemm)(const zd_gemm_args *args, float *work);
} zd_gemm_kernel;

extern const zd_gemm_kernel zd_gemm_kernel_avx512, zd_gemm_kernel_avx512emu, zd_gemm_kernel_avx2,
  zd_gemm_kernel_portable;

/* In zendl.c: the selected kernel, a thread slot's packing buffers for it (NULL when out of memory),
 * and the lock that makes one caller at a time own the buffers. */
const zd_gemm_kernel *zd_gemm_active(void);
float *zd_gemm_workspace(const zd_gemm_kernel *kernel, int slot);
void zd_lock(void);
void zd_unlock(void);
#endif
