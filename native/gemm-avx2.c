/* AVX2 + FMA: 6×16 tile in 12 ymm accumulators (16 ymm registers in all), BLIS's Haswell blocking. */
#define VW 8
#define MR 6
#define KC 256
#define MC 168
#define NC 4080
#define SUFFIX avx2
#define ISA_NAME "avx2"
#include "gemm-template.h"
