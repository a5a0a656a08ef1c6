// Vector math on f32x4 for the elementwise kernels. Accuracy, measured against the float32-rounded
// double result (what the reference backend computes): exp, log within 1 ulp; tanh, sigmoid within
// 2-3 ulp (relative error below 3e-7); erf is evaluated in double, so it rounds like the reference.
// Special values follow IEEE: NaN propagates, exp(-inf) = 0, log(0) = -inf, log(x < 0) = NaN.

/** a·b + c, fused where relaxed SIMD is available (one rounding), else a multiply and an add. */
@inline export function fmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** 2^k for integer lanes k in [-126, 127], built from the exponent bits. */
@inline function pow2i(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

/**
 * e^x (Cephes expf): x = n·ln2 + r with ln2 split in two so r is exact, a degree-6 polynomial for e^r
 * on |r| <= ln2/2, then 2^n applied in two halves so results in the subnormal range round once
 * instead of flushing to zero.
 */
@inline export function vexp(x: v128): v128 {
  const xc = f32x4.max(f32x4.min(x, splat(89.0)), splat(-104.0)); // min/max keep NaN
  const n = f32x4.nearest(f32x4.mul(xc, splat(1.44269504088896341)));
  let r = fmadd(n, splat(-0.693359375), xc);
  r = fmadd(n, splat(2.12194440e-4), r);
  let p = splat(1.9875691500e-4);
  p = fmadd(p, r, splat(1.3981999507e-3));
  p = fmadd(p, r, splat(8.3334519073e-3));
  p = fmadd(p, r, splat(4.1665795894e-2));
  p = fmadd(p, r, splat(1.6666665459e-1));
  p = fmadd(p, r, splat(5.0000001201e-1));
  p = fmadd(p, f32x4.mul(r, r), f32x4.add(r, splat(1.0)));
  const k = i32x4.trunc_sat_f32x4_s(n);
  const k1 = i32x4.shr_s(k, 1);
  const k2 = i32x4.sub(k, k1);
  return f32x4.mul(f32x4.mul(p, pow2i(k1)), pow2i(k2));
}

/**
 * Natural log (Cephes logf): x = m·2^e with m in [sqrt(1/2), sqrt(2)), a degree-8 polynomial in m - 1,
 * e·ln2 added in two parts. Subnormal inputs are scaled by 2^23 first.
 */
@inline export function vlog(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  const bits = xs;
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  e = f32x4.sub(e, v128.and(tiny, splat(23.0)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(low, splat(1.0)));
  m = f32x4.sub(f32x4.add(m, v128.and(low, m)), splat(1.0));
  const z = f32x4.mul(m, m);
  let y = splat(7.0376836292e-2);
  y = fmadd(y, m, splat(-1.1514610310e-1));
  y = fmadd(y, m, splat(1.1676998740e-1));
  y = fmadd(y, m, splat(-1.2420140846e-1));
  y = fmadd(y, m, splat(1.4249322787e-1));
  y = fmadd(y, m, splat(-1.6668057665e-1));
  y = fmadd(y, m, splat(2.0000714765e-1));
  y = fmadd(y, m, splat(-2.4999993993e-1));
  y = fmadd(y, m, splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = fmadd(e, splat(-2.12194440e-4), y);
  y = fmadd(z, splat(-0.5), y);
  let r = f32x4.add(m, y);
  r = fmadd(e, splat(0.693359375), r);
  // special values: +inf stays, 0 gives -inf, negatives and NaN give NaN
  r = v128.bitselect(x, r, f32x4.eq(x, splat(Infinity)));
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0)));
  return v128.bitselect(splat(NaN), r, v128.not(f32x4.ge(x, splat(0))));
}

/**
 * tanh (Cephes tanhf): an odd polynomial below |x| = 0.625, where 1 - 2/(e^2x + 1) would cancel,
 * and that formula above it (e^2x overflowing to inf gives exactly 1).
 */
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = fmadd(p, s, splat(2.06390887954e-2));
  p = fmadd(p, s, splat(-5.37397155531e-2));
  p = fmadd(p, s, splat(1.33314422036e-1));
  p = fmadd(p, s, splat(-3.33332819422e-1));
  const small = fmadd(f32x4.mul(p, s), x, x);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(signed, small, f32x4.gt(ax, splat(0.625)));
}

/** 1/(1 + e^-x) for x >= 0 and e^x/(1 + e^x) below, so neither side overflows or cancels. */
@inline export function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(splat(1.0), f32x4.add(splat(1.0), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, splat(0)));
}

// Maclaurin coefficients of erf, 2/sqrt(pi)·(-1)^n/(n!(2n+1)), n = 0..40: in double they give erf to
// 1e-12 for |x| < 3, where the largest term (about 56) costs under two digits to cancellation.
const ERF_TERMS = 41;
const ERF_COEFFS = memory.data<f64>([
  1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252,
  0.0052239776254421879, -0.00085483270234508522, 0.00012055332981789664, -0.000014925650358406250,
  0.0000016462114365889246, -1.6365844691234924e-7, 1.4807192815879218e-8, -1.2290555301717926e-9,
  9.4227590646504113e-11, -6.7113668551641105e-12, 4.4632242632864775e-13, -2.7835162072109212e-14,
  1.6342614095367152e-15, -9.0639708428086728e-17, 4.7633480405150683e-18, -2.3784598852774293e-19,
  1.1312187259246311e-20, -5.1362090545858109e-22, 2.2308786802746453e-23, -9.2867290113190594e-25,
  3.7115328531632299e-26, -1.4263930180784176e-27, 5.2791033325108343e-29, -1.8841244217042036e-30,
  6.4929099745445611e-32, -2.1630383901171246e-33, 6.9737303287929154e-35, -2.1781748594796100e-36,
  6.5973565455392029e-38, -1.9395213725013487e-39, 5.5391275344241417e-41, -1.5380273636831620e-42,
  4.1552489658106742e-44, -1.0930925207357809e-45, 2.8018434400267797e-47, -7.0023351146401171e-49,
  1.7073594878289175e-50,
]);

/** erf for |x| >= 3 (double): 1 - erfc with erfc from its continued fraction, as the reference does. */
export function erfTail(x: f64): f64 {
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  let t = ax;
  for (let k = 60; k >= 1; k--) t = ax + <f64>k / 2 / t;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / t;
  return x > 0 ? 1 - erfc : erfc - 1;
}

function erfFar(x: f32): f32 {
  return x != x ? x : <f32>erfTail(<f64>x);
}

/** erf of four floats, evaluated as two f64x2 Horner chains side by side (they hide each other's latency). */
@inline export function verf(x: v128): v128 {
  const xc = f32x4.max(f32x4.min(x, splat(3.0)), splat(-3.0));
  const lo = f64x2.promote_low_f32x4(xc);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<i32>(xc, xc, 2, 3, 0, 1));
  const zlo = f64x2.mul(lo, lo), zhi = f64x2.mul(hi, hi);
  let plo = f64x2.splat(load<f64>(ERF_COEFFS + (<usize>(ERF_TERMS - 1) << 3)));
  let phi = plo;
  for (let n = ERF_TERMS - 2; n >= 0; n--) {
    const c = v128.load64_splat(ERF_COEFFS + (<usize>n << 3));
    plo = f64x2.add(f64x2.mul(plo, zlo), c);
    phi = f64x2.add(f64x2.mul(phi, zhi), c);
  }
  const rlo = f32x4.demote_f64x2_zero(f64x2.mul(plo, lo));
  const rhi = f32x4.demote_f64x2_zero(f64x2.mul(phi, hi));
  let r = v128.shuffle<i32>(rlo, rhi, 0, 1, 4, 5);
  // rare: |x| >= 3, infinities or NaN; those lanes go through the scalar tail
  const far = v128.not(f32x4.lt(f32x4.abs(x), splat(3.0)));
  if (v128.any_true(far)) {
    if (i32x4.extract_lane(far, 0) != 0) r = f32x4.replace_lane(r, 0, erfFar(f32x4.extract_lane(x, 0)));
    if (i32x4.extract_lane(far, 1) != 0) r = f32x4.replace_lane(r, 1, erfFar(f32x4.extract_lane(x, 1)));
    if (i32x4.extract_lane(far, 2) != 0) r = f32x4.replace_lane(r, 2, erfFar(f32x4.extract_lane(x, 2)));
    if (i32x4.extract_lane(far, 3) != 0) r = f32x4.replace_lane(r, 3, erfFar(f32x4.extract_lane(x, 3)));
  }
  return r;
}
