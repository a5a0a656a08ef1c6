// GEMM kernels (placeholder).
export function gemm_placeholder(): void {}
