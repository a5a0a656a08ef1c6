/* AVX-512F: 12×32 tile in 24 zmm accumulators; KC·NR·4 = 24 KiB of B per micro-panel stays in L1. */
#define VW 16
#define MR 12
#define KC 192
#define MC 144
#define NC 3072
#ifndef SUFFIX
#define SUFFIX avx512
#define ISA_NAME "avx512"
#endif
#include "gemm-template.h"
