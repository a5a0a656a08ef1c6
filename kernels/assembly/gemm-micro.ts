// GEMM microkernels: C[MR×8] (=|+=) Ap·Bp over one packed KC block (BLIS, Van Zee & van de Geijn 2015).
// Ap holds MR floats per k step (one packed column of an A panel), Bp 8 floats per k step.
//
// Register budget: V8 on x64 keeps at most about 15 live v128 values (16 XMM registers, one scratch).
// With fused multiply-add (relaxed SIMD) 6×8 needs 12 accumulators + 2 B vectors + 1 broadcast A = 15;
// with separate mul and add the product needs one more temporary, so 5×8 (10 + 2 + 1 + 1) is the
// largest shape that does not spill. Measured: one spill costs 40–50%, and so does unrolling k in the
// source (the extra loads get hoisted and spilled), so each loop iteration is exactly one k step.

/** Microkernel rows: 6 with FMA, 5 without. */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
/** Microkernel columns: two f32x4 vectors. */
export const NR: i32 = 8;

/** a·b + c, fused where the engine offers relaxed SIMD (one rounding), mul then add otherwise. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Writes two accumulators to one 8-wide row of C. */
// @ts-ignore: decorator
@inline function storeRow(c: usize, lo: v128, hi: v128): void {
  v128.store(c, lo);
  v128.store(c, hi, 16);
}

/** Adds two accumulators to one 8-wide row of C. */
// @ts-ignore: decorator
@inline function addRow(c: usize, lo: v128, hi: v128): void {
  v128.store(c, f32x4.add(v128.load(c), lo));
  v128.store(c, f32x4.add(v128.load(c, 16), hi), 16);
}

/** C[6×8] (=|+=) Ap·Bp; `ldc` is C's row stride in bytes. The kernel for engines with FMA. */
export function gemm_micro_6x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, add: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(ap, 20);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    ap += 24;
    bp += 32;
  }
  // One branch for the whole tile: a branch per row (loads of C under `if (add)` between the stores)
  // made TurboFan hoist the loop's six A loads ahead of the FMAs and spill four accumulators.
  if (add) {
    addRow(c, c00, c01); addRow(c + ldc, c10, c11); addRow(c + 2 * ldc, c20, c21);
    addRow(c + 3 * ldc, c30, c31); addRow(c + 4 * ldc, c40, c41); addRow(c + 5 * ldc, c50, c51);
  } else {
    storeRow(c, c00, c01); storeRow(c + ldc, c10, c11); storeRow(c + 2 * ldc, c20, c21);
    storeRow(c + 3 * ldc, c30, c31); storeRow(c + 4 * ldc, c40, c41); storeRow(c + 5 * ldc, c50, c51);
  }
}

/** C[5×8] (=|+=) Ap·Bp; the kernel for engines without FMA (see the register budget above). */
export function gemm_micro_5x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, add: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    ap += 20;
    bp += 32;
  }
  if (add) {
    addRow(c, c00, c01); addRow(c + ldc, c10, c11); addRow(c + 2 * ldc, c20, c21);
    addRow(c + 3 * ldc, c30, c31); addRow(c + 4 * ldc, c40, c41);
  } else {
    storeRow(c, c00, c01); storeRow(c + ldc, c10, c11); storeRow(c + 2 * ldc, c20, c21);
    storeRow(c + 3 * ldc, c30, c31); storeRow(c + 4 * ldc, c40, c41);
  }
}
