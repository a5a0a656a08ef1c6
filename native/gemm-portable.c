/* Portable: 128-bit vectors (SSE2 on any x86-64, NEON on arm64), 6×8 tile in 12 registers. */
#define VW 4
#define MR 6
#define KC 256
#define MC 120
#define NC 2048
#define SUFFIX portable
#define ISA_NAME "portable"
#include "gemm-template.h"
