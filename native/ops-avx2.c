/* The element-wise kernels (ops-template.h) for avx2. */
#define SUFFIX avx2
#define ISA_NAME "avx2"
#include "ops-template.h"
