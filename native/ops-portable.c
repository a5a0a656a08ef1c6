/* The element-wise kernels (ops-template.h) for portable. */
#define SUFFIX portable
#define ISA_NAME "portable"
#include "ops-template.h"
