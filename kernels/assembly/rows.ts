// Row helpers shared by the convolution kernels (not kernels themselves: index.ts does not export them).

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** dst[i] = src[i·s] for i < n (short rows: a vector loop beats a bulk-memory call). */
export function copyRow(dst: usize, src: usize, s: i32, n: i32): void {
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v128.load(at(src, i)));
  }
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(src, i * s)));
}

export function fillRow(dst: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v);
  for (; i < n; i++) store<f32>(at(dst, i), value);
}

