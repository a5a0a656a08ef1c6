/* The element-wise kernels (ops-template.h) for avx512. */
#define SUFFIX avx512
#define ISA_NAME "avx512"
#include "ops-template.h"
