/* The element-wise kernels for one instruction set: contiguous float32 arrays, pointers resolved. */
#ifndef ZD_OPS_H
#define ZD_OPS_H

/* Bits of the optimizer kernels' flags, as in kernels/assembly/optim.ts. */
enum {
  ZD_SGD_MAXIMIZE = 1, ZD_SGD_WEIGHT_DECAY = 2, ZD_SGD_MOMENTUM = 4, ZD_SGD_FIRST = 8, ZD_SGD_NESTEROV = 16
};
enum { ZD_ADAM_MAXIMIZE = 1, ZD_ADAM_WEIGHT_DECAY = 2, ZD_ADAM_DECOUPLED = 4, ZD_ADAM_AMSGRAD = 8 };

typedef struct {
  float beta1, rest1, beta2, rest2, wd, decay, step_size, bc2, eps;
  int flags;
} zd_adam_args;

typedef struct {
  float lr, momentum, keep, wd;
  int flags;
} zd_sgd_args;

typedef struct {
  const char *isa;
  void (*adam)(float *p, const float *g, float *m, float *v, float *vmax, long n, const zd_adam_args *a);
  void (*sgd)(float *p, const float *g, float *buf, long n, const zd_sgd_args *a);
} zd_ops_kernel;

extern const zd_ops_kernel zd_ops_kernel_avx512, zd_ops_kernel_avx2, zd_ops_kernel_portable;
#endif
