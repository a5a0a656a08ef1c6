// Fused optimizer update kernels (placeholder).
export function optim_placeholder(): void {}
