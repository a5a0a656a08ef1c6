/*
 * Element-wise kernels written once in plain C and compiled per instruction set (ops-avx512.c,
 * ops-avx2.c, ops-portable.c), with -O3 so the loops vectorize and -ffp-contract=off so every
 * operation rounds to float32 as the wasm kernels (kernels/assembly) and the reference do: the
 * results are bit for bit those of the wasm backend.
 */
#include <math.h>
#include "ops.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NAME(x) CAT(x, CAT(_, SUFFIX))

/* max as wasm's f32x4.max: NaN when either is NaN (fmaxf would drop it). */
static inline float NAME(max_nan)(float a, float b) {
  return a != a || b != b ? a + b : a > b ? a : b;
}

/* One loop per flag combination the optimizers use, so each vectorizes without branches inside. */
#define ADAM_BODY(MAXIMIZE, DECOUPLED, COUPLED, AMSGRAD)                                    \
  for (long i = 0; i < n; i++) {                                                           \
    float value = p[i], d = g[i];                                                          \
    if (MAXIMIZE) d = -d;                                                                  \
    if (DECOUPLED) value = value * s->decay;                                               \
    else if (COUPLED) d = d + value * s->wd;                                               \
    const float mv = m[i] * s->beta1 + d * s->rest1;                                       \
    const float vv = v[i] * s->beta2 + (d * s->rest2) * d;                                 \
    m[i] = mv;                                                                             \
    v[i] = vv;                                                                             \
    float second = vv;                                                                     \
    if (AMSGRAD) { second = NAME(max_nan)(vmax[i], vv); vmax[i] = second; }                \
    const float denom = sqrtf(second) / s->bc2 + s->eps;                                   \
    p[i] = value - (mv * s->step_size) / denom;                                            \
  }

static void NAME(adam)(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                       float *restrict vmax, long n, const zd_adam_args *s) {
  const int maximize = s->flags & ZD_ADAM_MAXIMIZE, amsgrad = s->flags & ZD_ADAM_AMSGRAD;
  const int decoupled = s->flags & ZD_ADAM_DECOUPLED, coupled = s->flags & ZD_ADAM_WEIGHT_DECAY;
  if (!maximize && !decoupled && !coupled && !amsgrad) { ADAM_BODY(0, 0, 0, 0) }
  else if (!maximize && decoupled && !amsgrad) { ADAM_BODY(0, 1, 0, 0) }
  else { ADAM_BODY(maximize, decoupled, coupled, amsgrad) }
}

static void NAME(sgd)(float *restrict p, const float *restrict g, float *restrict buf, long n,
                      const zd_sgd_args *s) {
  const int maximize = s->flags & ZD_SGD_MAXIMIZE, decay = s->flags & ZD_SGD_WEIGHT_DECAY;
  const int use_buf = s->flags & ZD_SGD_MOMENTUM, first = s->flags & ZD_SGD_FIRST;
  const int nesterov = s->flags & ZD_SGD_NESTEROV;
  const float lr = s->lr, momentum = s->momentum, keep = s->keep, wd = s->wd;
  if (!maximize && !decay && !use_buf) {
    for (long i = 0; i < n; i++) p[i] = p[i] - g[i] * lr;
    return;
  }
  for (long i = 0; i < n; i++) {
    const float pv = p[i];
    float d = g[i];
    if (maximize) d = -d;
    if (decay) d = d + pv * wd;
    if (use_buf) {
      const float b = first ? d : buf[i] * momentum + d * keep;
      buf[i] = b;
      d = nesterov ? d + b * momentum : b;
    }
    p[i] = pv - d * lr;
  }
}

const zd_ops_kernel NAME(zd_ops_kernel) = { .isa = ISA_NAME, .adam = NAME(adam), .sgd = NAME(sgd) };
