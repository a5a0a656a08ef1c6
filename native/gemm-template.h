/*
 * The float32 GEMM, BLIS-style, written once and compiled per instruction set (gemm-avx512.c,
 * gemm-avx2.c, gemm-portable.c include it with their own vector width and block sizes, each object
 * built with its own -m flags). GNU vector types, so the same source becomes zmm, ymm, xmm or NEON
 * code, and the AVX-512 geometry can be checked on a machine without AVX-512 (gemm-avx512emu.c).
 *
 * C (row-major, ldc) = [C +] A·B with A [m,k] and B [k,n] at any element strides. Loops, outermost
 * first: columns in NC blocks, depth in KC blocks (pack B: kc×nc, L3), rows in MC blocks (pack A:
 * mc×kc, L2), then NR-column micro-panels of B (kc×NR, L1) against MR-row micro-panels of A.
 * The microkernel keeps an MR×NR tile of C in MR·NR/VW vector registers; per step of k it loads
 * two vectors of B, broadcasts MR values of A and does 2·MR fused multiply-adds.
 *
 * Every element of C is computed the same way whatever the tile or thread split: its products are
 * summed in k order from zero within each KC block, then added to C (or stored). An edge tile runs
 * the same kernel into a buffer and does the same final addition, so results do not depend on where
 * the threads cut the product.
 */
#include <stddef.h>
#include <string.h>
#include "gemm.h"

#define NR (2 * VW)
typedef float vf __attribute__((vector_size(VW * 4)));
typedef float vfu __attribute__((vector_size(VW * 4), aligned(4)));

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NAME(x) CAT(x, CAT(_, SUFFIX))

#define REP6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define REP8(X) REP6(X) X(6) X(7)
#define REP12(X) REP8(X) X(8) X(9) X(10) X(11)
#define REP14(X) REP12(X) X(12) X(13)
#define REP_MR CAT(REP, MR)

#define DECLARE(i) vf c##i##0 = zero, c##i##1 = zero;
#define STEP(i) { const float ai = a[i]; c##i##0 += b0 * ai; c##i##1 += b1 * ai; }
#define STORE(i) {                                                         \
    vfu *row = (vfu *)(c + (i) * ldc);                                   \
    if (accumulate) { row[0] = row[0] + c##i##0; row[1] = row[1] + c##i##1; } \
    else { row[0] = c##i##0; row[1] = c##i##1; } }

/* C tile (MR×NR at c, row stride ldc) = [C +] packed A panel · packed B panel over kc steps. */
static void NAME(micro)(long kc, const float *restrict a, const float *restrict b, float *restrict c,
                        long ldc, int accumulate) {
  const vf zero = {0};
  REP_MR(DECLARE)
  /* both ends of each row of the tile (two cache lines on AVX-512): C's rows lie a row stride apart */
  for (long i = 0; i < MR; i++) {
    __builtin_prefetch(c + i * ldc, 1);
    __builtin_prefetch(c + i * ldc + NR - 1, 1);
  }
#pragma GCC unroll 4
  for (long p = 0; p < kc; p++) {
    const vf b0 = *(const vf *)b, b1 = *(const vf *)(b + VW);
    REP_MR(STEP)
    a += MR;
    b += NR;
  }
  REP_MR(STORE)
}

#ifndef ZD_TRANSPOSE4
#define ZD_TRANSPOSE4
typedef float zd_v4 __attribute__((vector_size(16)));
typedef float zd_v4u __attribute__((vector_size(16), aligned(4)));
#ifdef __clang__
#define ZD_SHUF(x, y, i, j, k, l) __builtin_shufflevector(x, y, i, j, k, l)
#else
typedef int zd_i4 __attribute__((vector_size(16)));
#define ZD_SHUF(x, y, i, j, k, l) __builtin_shuffle(x, y, (zd_i4){i, j, k, l})
#endif
#endif

/* out[p·width + i] = src[i·stride + p] for i < width, p < kc: `width` streams that are contiguous in p
 * (the rows of a row-major A, the columns of a transposed B) interleaved. 4×4 blocks transposed in
 * registers: one element at a time this was 1/8 to 1/5 of a backprop product on AVX-512. */
static void NAME(pack_rows)(const float *src, long stride, long width, long kc, float *out) {
  long p = 0;
  for (; p + 4 <= kc; p += 4) {
    long i = 0;
    for (; i + 4 <= width; i += 4) {
      const float *s = src + i * stride + p;
      const zd_v4 r0 = *(const zd_v4u *)s, r1 = *(const zd_v4u *)(s + stride);
      const zd_v4 r2 = *(const zd_v4u *)(s + 2 * stride), r3 = *(const zd_v4u *)(s + 3 * stride);
      const zd_v4 t0 = ZD_SHUF(r0, r1, 0, 4, 1, 5), t1 = ZD_SHUF(r0, r1, 2, 6, 3, 7);
      const zd_v4 t2 = ZD_SHUF(r2, r3, 0, 4, 1, 5), t3 = ZD_SHUF(r2, r3, 2, 6, 3, 7);
      float *o = out + p * width + i;
      *(zd_v4u *)o = ZD_SHUF(t0, t2, 0, 1, 4, 5);
      *(zd_v4u *)(o + width) = ZD_SHUF(t0, t2, 2, 3, 6, 7);
      *(zd_v4u *)(o + 2 * width) = ZD_SHUF(t1, t3, 0, 1, 4, 5);
      *(zd_v4u *)(o + 3 * width) = ZD_SHUF(t1, t3, 2, 3, 6, 7);
    }
    for (; i < width; i++) for (long q = 0; q < 4; q++) out[(p + q) * width + i] = src[i * stride + p + q];
  }
  for (; p < kc; p++) for (long i = 0; i < width; i++) out[p * width + i] = src[i * stride + p];
}

#define DECLARE1(i) vf c##i##0 = zero;
#define DECLARE2(i) vf c##i##0 = zero, c##i##1 = zero;
#define STEP1(i) c##i##0 += b0 * a[i];
#define STEP2(i) STEP(i)
#define STORE1(i) *(vf *)(tile + (i) * NR) = c##i##0;
#define STORE2(i) *(vf *)(tile + (i) * NR) = c##i##0; *(vf *)(tile + (i) * NR + VW) = c##i##1;

/* The top rows (REP's count) and left vectors (W: 1 or 2) of micro's tile into `tile` (row stride NR),
 * each element summed as micro sums it: edges (the 10 outputs of a classifier, the last 8 rows of a
 * batch of 128 on 12-row tiles) at the cost of what they keep. */
#define EDGE_KERNEL(fn, REP, W)                                                                   \
  static void fn(long kc, const float *restrict a, const float *restrict b, float *restrict tile) { \
    const vf zero = {0};                                                                          \
    REP(DECLARE##W)                                                                               \
    _Pragma("GCC unroll 4")                                                                       \
    for (long p = 0; p < kc; p++) {                                                               \
      const vf b0 = *(const vf *)b, b1 = *(const vf *)(b + VW);                                   \
      (void)b1;                                                                                   \
      REP(STEP##W)                                                                                \
      a += MR;                                                                                    \
      b += NR;                                                                                    \
    }                                                                                             \
    REP(STORE##W)                                                                                 \
  }
#define REP4(X) X(0) X(1) X(2) X(3)
EDGE_KERNEL(NAME(edge_full_1), REP_MR, 1)
EDGE_KERNEL(NAME(edge_4_1), REP4, 1)
EDGE_KERNEL(NAME(edge_4_2), REP4, 2)
#if MR > 8
EDGE_KERNEL(NAME(edge_8_1), REP8, 1)
EDGE_KERNEL(NAME(edge_8_2), REP8, 2)
#endif

/* Rows [0, mc) × depth [0, kc) of A into MR-row panels: for each p, MR consecutive values (zero padded). */
static void NAME(pack_a)(long mc, long kc, const float *a, long rs, long cs, float *out) {
  for (long i0 = 0; i0 < mc; i0 += MR) {
    const long rows = mc - i0 < MR ? mc - i0 : MR;
    if (cs == 1 && rows == MR) {
      NAME(pack_rows)(a + i0 * rs, rs, MR, kc, out);
    } else if (rs == 1 && rows == MR) {
      /* a transposed A: MR consecutive floats per p */
      for (long p = 0; p < kc; p++) memcpy(out + p * MR, a + i0 + p * cs, MR * sizeof(float));
    } else if (cs == 1) {
      for (long i = 0; i < rows; i++) {
        const float *src = a + (i0 + i) * rs;
        for (long p = 0; p < kc; p++) out[p * MR + i] = src[p];
      }
    } else {
      for (long p = 0; p < kc; p++) {
        const float *src = a + i0 * rs + p * cs;
        for (long i = 0; i < rows; i++) out[p * MR + i] = src[i * rs];
      }
    }
    if (rows < MR) for (long p = 0; p < kc; p++) for (long i = rows; i < MR; i++) out[p * MR + i] = 0.0f;
    out += MR * kc;
  }
}

/* Depth [0, kc) × columns [0, nc) of B into NR-column panels: for each p, NR consecutive values. */
static void NAME(pack_b)(long kc, long nc, const float *b, long rs, long cs, float *out) {
  for (long j0 = 0; j0 < nc; j0 += NR) {
    const long cols = nc - j0 < NR ? nc - j0 : NR;
    if (cs == 1 && cols == NR) {
      for (long p = 0; p < kc; p++) memcpy(out + p * NR, b + p * rs + j0, NR * sizeof(float));
    } else if (cs == 1) {
      for (long p = 0; p < kc; p++) {
        const float *src = b + p * rs + j0;
        for (long j = 0; j < cols; j++) out[p * NR + j] = src[j];
        for (long j = cols; j < NR; j++) out[p * NR + j] = 0.0f;
      }
    } else if (cols == NR && rs == 1) {
      NAME(pack_rows)(b + j0 * cs, cs, NR, kc, out); /* a transposed B: NR columns, each contiguous */
    } else if (cols == NR) {
      for (long p = 0; p < kc; p++) {
        const float *src = b + j0 * cs + p * rs;
        for (long j = 0; j < NR; j++) out[p * NR + j] = src[j * cs];
      }
    } else {
      for (long j = 0; j < cols; j++) {
        const float *src = b + (j0 + j) * cs;
        for (long p = 0; p < kc; p++) out[p * NR + j] = src[p * rs];
      }
      if (cols < NR) for (long p = 0; p < kc; p++) for (long j = cols; j < NR; j++) out[p * NR + j] = 0.0f;
    }
    out += NR * kc;
  }
}

static void NAME(edge)(long kc, const float *a, const float *b, float *c, long ldc, int accumulate,
                       long rows, long cols) {
  float tile[MR * NR] __attribute__((aligned(64)));
  const int half = cols <= VW;
  if (rows <= 4) (half ? NAME(edge_4_1) : NAME(edge_4_2))(kc, a, b, tile);
#if MR > 8
  else if (rows <= 8) (half ? NAME(edge_8_1) : NAME(edge_8_2))(kc, a, b, tile);
#endif
  else if (half) NAME(edge_full_1)(kc, a, b, tile);
  else NAME(micro)(kc, a, b, tile, NR, 0);
  for (long i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    const float *t = tile + i * NR;
    if (accumulate) for (long j = 0; j < cols; j++) row[j] = row[j] + t[j];
    else for (long j = 0; j < cols; j++) row[j] = t[j];
  }
}

static size_t NAME(workspace_floats)(void) { return (size_t)MC * KC + (size_t)KC * NC; }

static void NAME(gemm)(const zd_gemm_args *g, float *work) {
  float *pa = work, *pb = work + (size_t)MC * KC;
  /* Equal depth blocks (784 = 4×196, not 3×256 + 16): a thin last block would load and store C for
   * little work. They depend on k alone, so every element is still summed the same way on any split. */
  const long kblocks = (g->k + KC - 1) / KC, kb = (g->k + kblocks - 1) / kblocks;
  const long mblocks = (g->m + MC - 1) / MC, mb = ((g->m + mblocks - 1) / mblocks + MR - 1) / MR * MR;
  for (long j0 = 0; j0 < g->n; j0 += NC) {
    const long nc = g->n - j0 < NC ? g->n - j0 : NC;
    for (long p0 = 0; p0 < g->k; p0 += kb) {
      const long kc = g->k - p0 < kb ? g->k - p0 : kb;
      const int accumulate = g->accumulate || p0 > 0;
      NAME(pack_b)(kc, nc, g->b + p0 * g->rs_b + j0 * g->cs_b, g->rs_b, g->cs_b, pb);
      for (long i0 = 0; i0 < g->m; i0 += mb) {
        const long mc = g->m - i0 < mb ? g->m - i0 : mb;
        NAME(pack_a)(mc, kc, g->a + i0 * g->rs_a + p0 * g->cs_a, g->rs_a, g->cs_a, pa);
        for (long jr = 0; jr < nc; jr += NR) {
          const long cols = nc - jr < NR ? nc - jr : NR;
          const float *b = pb + jr * kc;
          for (long ir = 0; ir < mc; ir += MR) {
            const long rows = mc - ir < MR ? mc - ir : MR;
            float *c = g->c + (i0 + ir) * g->ldc + j0 + jr;
            if (rows == MR && cols == NR) NAME(micro)(kc, pa + ir * kc, b, c, g->ldc, accumulate);
            else NAME(edge)(kc, pa + ir * kc, b, c, g->ldc, accumulate, rows, cols);
          }
        }
      }
    }
  }
}

const zd_gemm_kernel NAME(zd_gemm_kernel) = {
  .isa = ISA_NAME, .mr = MR, .nr = NR, .workspace_floats = NAME(workspace_floats), .gemm = NAME(gemm),
};
