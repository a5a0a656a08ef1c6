// Reduction kernels (placeholder).
export function reduce_placeholder(): void {}
