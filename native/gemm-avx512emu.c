/* The AVX-512 geometry compiled for AVX2: lets the tests check that variant's blocking on any x86-64. */
#define SUFFIX avx512emu
#define ISA_NAME "avx512emu"
#include "gemm-avx512.c"
