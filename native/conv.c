/*
 * 2-d convolution and its two gradients on the native GEMM (im2col): a block of output rows is unfolded
 * into a thread's column buffer (K = C/G·kh·kw rows of taps) and multiplied by the weight, one GEMM per
 * image, group and block; a 1×1, stride-1, unpadded convolution multiplies the image itself. Threads
 * take whole images, each running its GEMMs on one core, so the result never depends on the thread
 * count; the weight gradient is summed per fixed range of images and the ranges added in order.
 * The same layout as the wasm kernels (kernels/assembly/conv.ts); depthwise convolutions stay there.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include "binding.h"
#include "gemm.h"
#include "pool.h"

typedef struct { long n, c, h, w, o, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow; } geometry;

enum { FORWARD = 0, BACKWARD_INPUT = 1, BACKWARD_WEIGHT = 2 };
/* Image ranges of the weight gradient: fixed, so its partial sums are the same on any thread count. */
#define CHUNKS 8
/* A column block of about 1 MiB stays in L2 while the GEMM packs it. */
#define COLUMN_BLOCK_BYTES (1L << 20)
#define MIN_MACS_PER_THREAD (1L << 20)

typedef struct {
  int mode, pointwise, failed;
  geometry g;
  const zd_gemm_kernel *kernel;
  const float *a, *b, *bias; /* x or grad; weight or grad; bias (forward) */
  float *out, *parts;        /* parts: CHUNKS × (weight + bias) partial sums (weight gradient) */
  long rows, units, next, cg, og, taps, plane, l;
} job;

static float *columns[ZD_MAX_THREADS];
static size_t column_floats[ZD_MAX_THREADS];

static void gemm(const job *j, float *work, long m, long n, long k, const float *a, long rsa, long csa,
                 const float *b, long rsb, long csb, float *c, long ldc, int accumulate) {
  const zd_gemm_args args = { m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, accumulate };
  j->kernel->gemm(&args, work);
}

/* First output position whose input position o·s + off is >= 0 (at most n). */
static long first_inside(long off, long s, long n) {
  if (off >= 0) return 0;
  const long f = (s - 1 - off) / s;
  return f < n ? f : n;
}

/* One past the last output position whose input position o·s + off is < size (at least `from`). */
static long end_inside(long off, long s, long size, long n, long from) {
  const long last = size - 1 - off;
  if (last < 0) return from;
  long e = last / s + 1;
  if (e > n) e = n;
  return e > from ? e : from;
}

/* Unfolds output rows [oy0, oy1) of `channels` planes at x into cols [channels·kh·kw, (oy1−oy0)·ow]. */
static void im2col(const geometry *g, const float *x, long channels, long oy0, long oy1, float *cols) {
  float *dst = cols;
  for (long c = 0; c < channels; c++) {
    const float *plane = x + c * g->h * g->w;
    for (long ki = 0; ki < g->kh; ki++) {
      for (long kj = 0; kj < g->kw; kj++) {
        const long off = kj * g->dw - g->pw;
        const long a = first_inside(off, g->sw, g->ow), e = end_inside(off, g->sw, g->w, g->ow, a);
        for (long oy = oy0; oy < oy1; oy++, dst += g->ow) {
          const long iy = oy * g->sh + ki * g->dh - g->ph;
          if (iy < 0 || iy >= g->h) { memset(dst, 0, sizeof(float) * g->ow); continue; }
          const float *src = plane + iy * g->w + off;
          for (long ox = 0; ox < a; ox++) dst[ox] = 0.0f;
          if (g->sw == 1) memcpy(dst + a, src + a, sizeof(float) * (e - a));
          else for (long ox = a; ox < e; ox++) dst[ox] = src[ox * g->sw];
          for (long ox = e; ox < g->ow; ox++) dst[ox] = 0.0f;
        }
      }
    }
  }
}

/* The adjoint of im2col: adds every column entry into the input position it was read from. */
static void col2im(const geometry *g, const float *cols, long channels, long oy0, long oy1, float *x) {
  const float *src = cols;
  for (long c = 0; c < channels; c++) {
    float *plane = x + c * g->h * g->w;
    for (long ki = 0; ki < g->kh; ki++) {
      for (long kj = 0; kj < g->kw; kj++) {
        const long off = kj * g->dw - g->pw;
        const long a = first_inside(off, g->sw, g->ow), e = end_inside(off, g->sw, g->w, g->ow, a);
        for (long oy = oy0; oy < oy1; oy++, src += g->ow) {
          const long iy = oy * g->sh + ki * g->dh - g->ph;
          if (iy < 0 || iy >= g->h) continue;
          float *dst = plane + iy * g->w + off;
          for (long ox = a; ox < e; ox++) dst[ox * g->sw] += src[ox];
        }
      }
    }
  }
}

/* Σ x[i] in 8 interleaved partial sums (one chain of additions waits on each add's latency). */
static float sum(const float *x, long n) {
  float part[8] = { 0 };
  long i = 0;
  for (; i + 8 <= n; i += 8) for (int k = 0; k < 8; k++) part[k] += x[i + k];
  for (; i < n; i++) part[i & 7] += x[i];
  return ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
}

/* One image (forward, input gradient) or one range of images (weight gradient). */
static void run_unit(const job *j, long unit, float *work, float *cols) {
  const geometry *g = &j->g;
  const long cg = j->cg, og = j->og, k = j->taps, l = j->l, plane = j->plane, ow = g->ow;
  const long n0 = j->mode == BACKWARD_WEIGHT ? g->n * unit / CHUNKS : unit;
  const long n1 = j->mode == BACKWARD_WEIGHT ? g->n * (unit + 1) / CHUNKS : unit + 1;
  float *dw = j->parts + unit * (g->o * k + g->o), *db = dw + g->o * k;
  if (j->mode == BACKWARD_WEIGHT) memset(dw, 0, sizeof(float) * (g->o * k + g->o));
  for (long n = n0; n < n1; n++) {
    for (long gi = 0; gi < g->groups; gi++) {
      const float *w = j->b + gi * og * k; /* forward and input gradient: the weight */
      if (j->mode == FORWARD) {
        const float *x = j->a + (n * g->c + gi * cg) * plane;
        float *y = j->out + (n * g->o + gi * og) * l;
        if (j->bias) for (long oc = 0; oc < og; oc++) {
          const float b = j->bias[gi * og + oc];
          for (long i = 0; i < l; i++) y[oc * l + i] = b;
        }
        const int acc = j->bias != NULL;
        if (j->pointwise) { gemm(j, work, og, l, k, w, k, 1, x, l, 1, y, l, acc); continue; }
        for (long oy0 = 0; oy0 < g->oh; oy0 += j->rows) {
          const long oy1 = oy0 + j->rows < g->oh ? oy0 + j->rows : g->oh, lb = (oy1 - oy0) * ow;
          im2col(g, x, cg, oy0, oy1, cols);
          gemm(j, work, og, lb, k, w, k, 1, cols, lb, 1, y + oy0 * ow, l, acc);
        }
      } else if (j->mode == BACKWARD_INPUT) {
        const float *dy = j->a + (n * g->o + gi * og) * l;
        float *dx = j->out + (n * g->c + gi * cg) * plane;
        if (j->pointwise) { gemm(j, work, k, l, og, w, 1, k, dy, l, 1, dx, l, 0); continue; }
        memset(dx, 0, sizeof(float) * cg * plane);
        for (long oy0 = 0; oy0 < g->oh; oy0 += j->rows) {
          const long oy1 = oy0 + j->rows < g->oh ? oy0 + j->rows : g->oh, lb = (oy1 - oy0) * ow;
          gemm(j, work, k, lb, og, w, 1, k, dy + oy0 * ow, l, 1, cols, lb, 0);
          col2im(g, cols, cg, oy0, oy1, dx);
        }
      } else {
        const float *x = j->a + (n * g->c + gi * cg) * plane, *dy = j->b + (n * g->o + gi * og) * l;
        float *dwg = dw + gi * og * k;
        if (j->pointwise) gemm(j, work, og, k, l, dy, l, 1, x, 1, l, dwg, k, 1);
        else for (long oy0 = 0; oy0 < g->oh; oy0 += j->rows) {
          const long oy1 = oy0 + j->rows < g->oh ? oy0 + j->rows : g->oh, lb = (oy1 - oy0) * ow;
          im2col(g, x, cg, oy0, oy1, cols);
          gemm(j, work, og, k, lb, dy + oy0 * ow, l, 1, cols, 1, lb, dwg, k, 1);
        }
        for (long oc = 0; oc < og; oc++) db[gi * og + oc] += sum(dy + oc * l, l);
      }
    }
  }
}

static void run_units(int slot, void *arg) {
  job *j = arg;
  float *work = zd_gemm_workspace(j->kernel, slot);
  const size_t need = j->pointwise ? 0 : (size_t)(j->taps * j->rows * j->g.ow);
  if (column_floats[slot] < need) {
    free(columns[slot]);
    columns[slot] = aligned_alloc(64, (need * sizeof(float) + 63) / 64 * 64);
    column_floats[slot] = columns[slot] ? need : 0;
  }
  if (!work || column_floats[slot] < need) {
    __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
    return;
  }
  for (;;) {
    const long unit = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
    if (unit >= j->units) break;
    run_unit(j, unit, work, columns[slot]);
  }
}

/*
 * conv2d(heap, desc): desc = [threads, mode, N, C, H, W, O, G, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW,
 * then byte offsets of a, b, bias, out, biasOut (-1: none)]: forward a = x, b = weight (+ bias) -> out;
 * input gradient a = grad, b = weight -> out; weight gradient a = x, b = grad -> out (+ biasOut).
 */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  uint8_t *heap;
  size_t heap_length, desc_length;
  const double *d;
  if (!zd_heap_args(env, info, "conv2d", 23, &heap, &heap_length, &d, &desc_length)) return NULL;
  long v[16];
  for (int i = 0; i < 16; i++) {
    /* range first (NaN fails it), then whole numbers only */
    if (!(d[2 + i] >= 0 && d[2 + i] <= 1e9) || d[2 + i] != (double)(long)d[2 + i]) {
      napi_throw_range_error(env, NULL, "zendl native conv2d: bad geometry");
      return NULL;
    }
    v[i] = (long)d[2 + i];
  }
  job j = { .mode = d[1] == 0 || d[1] == 1 || d[1] == 2 ? (int)d[1] : -1, .kernel = zd_gemm_active() };
  geometry *g = &j.g;
  *g = (geometry){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
    v[14], v[15] };
  if (g->groups < 1 || g->c % g->groups || g->o % g->groups || g->kh < 1 || g->kw < 1 || g->sh < 1 ||
      g->sw < 1 || g->dh < 1 || g->dw < 1 || j.mode < 0 || j.mode > 2) {
    napi_throw_range_error(env, NULL, "zendl native conv2d: bad geometry");
    return NULL;
  }
  j.cg = g->c / g->groups; j.og = g->o / g->groups; j.taps = j.cg * g->kh * g->kw;
  j.plane = g->h * g->w; j.l = g->oh * g->ow;
  const double xs = (double)g->n * g->c * j.plane, ys = (double)g->n * g->o * j.l;
  const double ws = (double)g->o * j.taps;
  const double sizes[3][3] = { { xs, ws, ys }, { ys, ws, xs }, { xs, ys, ws } };
  int ok = 1;
  j.a = zd_heap_floats(env, "conv2d", heap, heap_length, d[18], sizes[j.mode][0], &ok);
  j.b = ok ? zd_heap_floats(env, "conv2d", heap, heap_length, d[19], sizes[j.mode][1], &ok) : NULL;
  j.bias = ok && j.mode == FORWARD
    ? zd_heap_floats(env, "conv2d", heap, heap_length, d[20], g->o, &ok) : NULL;
  j.out = ok ? zd_heap_floats(env, "conv2d", heap, heap_length, d[21], sizes[j.mode][2], &ok) : NULL;
  float *bias_out = ok && j.mode == BACKWARD_WEIGHT ?
    zd_heap_floats(env, "conv2d", heap, heap_length, d[22], g->o, &ok) : NULL;
  if (!ok) return NULL;
  if (!j.a || !j.b || !j.out) {
    napi_throw_range_error(env, NULL, "zendl native conv2d: a required operand is missing");
    return NULL;
  }
  if (g->n == 0 || j.taps == 0 || g->o == 0 || j.l == 0) {
    /* nothing to multiply: the sums are empty */
    if (j.mode != FORWARD) memset(j.out, 0, sizeof(float) * (size_t)sizes[j.mode][2]);
    if (bias_out) memset(bias_out, 0, sizeof(float) * g->o);
    if (j.mode == FORWARD && j.bias) for (long i = 0; i < (long)ys; i++) j.out[i] = j.bias[(i / j.l) % g->o];
    else if (j.mode == FORWARD) memset(j.out, 0, sizeof(float) * (size_t)ys);
    return NULL;
  }
  j.pointwise = g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0 &&
    g->oh == g->h && g->ow == g->w;
  long rows = COLUMN_BLOCK_BYTES / (4 * j.taps * g->ow);
  j.rows = rows < 1 ? 1 : rows > g->oh ? g->oh : rows;
  j.units = j.mode == BACKWARD_WEIGHT ? CHUNKS : g->n;
  if (j.mode == BACKWARD_WEIGHT) {
    j.parts = malloc(sizeof(float) * CHUNKS * (g->o * j.taps + g->o));
    if (!j.parts) { napi_throw_error(env, NULL, "zendl native conv2d: out of memory"); return NULL; }
  }
  int threads = d[0] >= 1 && d[0] <= ZD_MAX_THREADS ? (int)d[0] : 1;
  const double macs = (double)g->n * g->o * j.taps * j.l;
  if (threads > macs / MIN_MACS_PER_THREAD) threads = (int)(macs / MIN_MACS_PER_THREAD) + 1;
  if (threads > j.units) threads = (int)j.units;
  if (threads > ZD_MAX_THREADS) threads = ZD_MAX_THREADS;
  if (threads < 1) threads = 1;
  zd_lock();
  if (threads == 1) run_units(0, &j);
  else zd_pool_run(threads, run_units, &j);
  zd_unlock();
  if (j.mode == BACKWARD_WEIGHT && !j.failed) {
    const long size = g->o * j.taps, stride = size + g->o;
    memcpy(j.out, j.parts, sizeof(float) * size);
    if (bias_out) memcpy(bias_out, j.parts + size, sizeof(float) * g->o);
    for (long c = 1; c < CHUNKS; c++) {
      const float *p = j.parts + c * stride;
      for (long i = 0; i < size; i++) j.out[i] += p[i];
      if (bias_out) for (long i = 0; i < g->o; i++) bias_out[i] += p[size + i];
    }
  }
  free(j.parts);
  if (j.failed) napi_throw_error(env, NULL, "zendl native conv2d: out of memory for its buffers");
  return NULL;
}

void zd_define_conv(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
    { "conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, 1, properties);
}
