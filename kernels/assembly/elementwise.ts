// Unary elementwise kernels over contiguous float32 / int32 data (out may alias x). Op codes come from
// the one table in src/backend/opcodes.ts, which the TypeScript side reads too.
// Each op is a tiny class whose method the generic loops inline: `changetype<O>(0)` gives a typed
// null whose methods are static calls, so every op gets its own loop with no dispatch per element.
import { fmadd, verf, vexp, vlog, vsigmoid, vtanh } from "./vmath";
import { Unary } from "../../src/backend/opcodes";

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** out[i] = f(x[i]) with f on four lanes; the tail goes through one lane-loaded vector. */
@inline function mapVector<O>(x: usize, out: usize, n: i32, p0: v128, p1: v128): void {
  const f = changetype<O>(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, f.v(v128.load(x + at), p0, p1));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    v128.store32_lane(out + at, f.v(v128.load32_zero(x + at), p0, p1), 0);
  }
}

/** out[i] = f(x[i]) in double, rounded once to float32: the ops without a vector form. */
@inline function mapScalar<O>(x: usize, out: usize, n: i32, p0: f64, p1: f64): void {
  const f = changetype<O>(0);
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, <f32>f.s(<f64>load<f32>(x + at), p0, p1));
  }
}

@final class Neg { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.neg(x); } }
@final class Exp { @inline v(x: v128, a: v128, b: v128): v128 { return vexp(x); } }
@final class Log { @inline v(x: v128, a: v128, b: v128): v128 { return vlog(x); } }
@final class Sqrt { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.sqrt(x); } }
@final class Abs { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.abs(x); } }
@final class Recip { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.div(splat(1), x); } }
@final class Relu { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.max(x, splat(0)); } }
@final class Sigmoid { @inline v(x: v128, a: v128, b: v128): v128 { return vsigmoid(x); } }
@final class Tanh { @inline v(x: v128, a: v128, b: v128): v128 { return vtanh(x); } }
@final class Erf { @inline v(x: v128, a: v128, b: v128): v128 { return verf(x); } }
@final class Floor { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.floor(x); } }
@final class Ceil { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.ceil(x); } }
@final class Round { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.nearest(x); } }
@final class Square { @inline v(x: v128, a: v128, b: v128): v128 { return f32x4.mul(x, x); } }
@final class Identity { @inline v(x: v128, a: v128, b: v128): v128 { return x; } }

/** 1/sqrt(x) in double, as the reference computes it, so the result is the same float. */
@final class Rsqrt {
  @inline v(x: v128, a: v128, b: v128): v128 {
    const one = f64x2.splat(1);
    const lo = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(x)));
    const hi = f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 0, 1))));
    return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
  }
}

@final class Sign {
  @inline v(x: v128, a: v128, b: v128): v128 {
    const r = v128.or(v128.and(f32x4.gt(x, splat(0)), splat(1)), v128.and(f32x4.lt(x, splat(0)), splat(-1)));
    return v128.bitselect(x, r, f32x4.ne(x, x));
  }
}

@final class LeakyRelu {
  @inline v(x: v128, slope: v128, b: v128): v128 {
    return v128.bitselect(x, f32x4.mul(x, slope), f32x4.gt(x, splat(0)));
  }
}

/** x < lo ? lo : x > hi ? hi : x, so NaN stays NaN and lo wins when lo > hi. */
@final class Clamp {
  @inline v(x: v128, lo: v128, hi: v128): v128 {
    return v128.bitselect(lo, v128.bitselect(hi, x, f32x4.gt(x, hi)), f32x4.lt(x, lo));
  }
}

@final class Log1p { @inline s(x: f64, a: f64, b: f64): f64 { return Math.log1p(x); } }
@final class Expm1 { @inline s(x: f64, a: f64, b: f64): f64 { return Math.expm1(x); } }
@final class Sin { @inline s(x: f64, a: f64, b: f64): f64 { return Math.sin(x); } }
@final class Cos { @inline s(x: f64, a: f64, b: f64): f64 { return Math.cos(x); } }
@final class Elu { @inline s(x: f64, alpha: f64, b: f64): f64 { return x > 0 ? x : alpha * Math.expm1(x); } }
@final class Pow { @inline s(x: f64, y: f64, b: f64): f64 { return jsPow(x, y); } }

/** PyTorch's softplus: log(1 + e^(beta x))/beta, linear once beta x passes the threshold. */
@final class Softplus {
  @inline s(x: f64, beta: f64, threshold: f64): f64 {
    const bx = beta * x;
    if (bx > threshold) return x;
    return (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / beta;
  }
}

/** Math.pow with JavaScript's special cases (pow(1, NaN) and pow(-1, inf) are NaN, unlike C). */
export function jsPow(x: f64, y: f64): f64 {
  if (y != y) return NaN;
  if (Math.abs(x) == 1 && Math.abs(y) == Infinity) return NaN;
  return Math.pow(x, y);
}

/** Float32 unary op `op` (a `Unary` code) on n contiguous elements; p0/p1 as in UNARY_PARAMS. */
export function unary_f32(op: i32, x: usize, out: usize, n: i32, p0: f64, p1: f64): void {
  const a = splat(<f32>p0), b = splat(<f32>p1);
  switch (op) {
    case Unary.neg: mapVector<Neg>(x, out, n, a, b); break;
    case Unary.exp: mapVector<Exp>(x, out, n, a, b); break;
    case Unary.log: mapVector<Log>(x, out, n, a, b); break;
    case Unary.log1p: mapScalar<Log1p>(x, out, n, p0, p1); break;
    case Unary.expm1: mapScalar<Expm1>(x, out, n, p0, p1); break;
    case Unary.sqrt: mapVector<Sqrt>(x, out, n, a, b); break;
    case Unary.rsqrt: mapVector<Rsqrt>(x, out, n, a, b); break;
    case Unary.abs: mapVector<Abs>(x, out, n, a, b); break;
    case Unary.sign: mapVector<Sign>(x, out, n, a, b); break;
    case Unary.reciprocal: mapVector<Recip>(x, out, n, a, b); break;
    case Unary.relu: mapVector<Relu>(x, out, n, a, b); break;
    case Unary.sigmoid: mapVector<Sigmoid>(x, out, n, a, b); break;
    case Unary.tanh: mapVector<Tanh>(x, out, n, a, b); break;
    case Unary.sin: mapScalar<Sin>(x, out, n, p0, p1); break;
    case Unary.cos: mapScalar<Cos>(x, out, n, p0, p1); break;
    case Unary.erf: mapVector<Erf>(x, out, n, a, b); break;
    case Unary.floor: mapVector<Floor>(x, out, n, a, b); break;
    case Unary.ceil: mapVector<Ceil>(x, out, n, a, b); break;
    case Unary.round: mapVector<Round>(x, out, n, a, b); break;
    case Unary.leakyRelu: mapVector<LeakyRelu>(x, out, n, a, b); break;
    case Unary.elu: mapScalar<Elu>(x, out, n, p0, p1); break;
    case Unary.clamp: mapVector<Clamp>(x, out, n, a, b); break;
    case Unary.powScalar:
      // the common exponents are exact without pow; the rest round pow's double result once
      if (p0 == 2) mapVector<Square>(x, out, n, a, b);
      else if (p0 == 1) mapVector<Identity>(x, out, n, a, b);
      else if (p0 == -1) mapVector<Recip>(x, out, n, a, b);
      else mapScalar<Pow>(x, out, n, p0, p1);
      break;
    case Unary.softplus: mapScalar<Softplus>(x, out, n, p0, p1); break;
    default: unreachable();
  }
}

@final class INeg { @inline v(x: v128, a: v128, b: v128): v128 { return i32x4.neg(x); } }
@final class IAbs { @inline v(x: v128, a: v128, b: v128): v128 { return i32x4.abs(x); } }
@final class IRelu { @inline v(x: v128, a: v128, b: v128): v128 { return i32x4.max_s(x, i32x4.splat(0)); } }
@final class ISign {
  @inline v(x: v128, a: v128, b: v128): v128 {
    const zero = i32x4.splat(0);
    return i32x4.sub(i32x4.lt_s(x, zero), i32x4.gt_s(x, zero));
  }
}

/** Int32 unary ops that keep the type: neg, abs, sign, relu; floor/ceil/round copy. 0 if unsupported. */
export function unary_i32(op: i32, x: usize, out: usize, n: i32): i32 {
  const z = i32x4.splat(0);
  switch (op) {
    case Unary.neg: mapVector<INeg>(x, out, n, z, z); return 1;
    case Unary.abs: mapVector<IAbs>(x, out, n, z, z); return 1;
    case Unary.sign: mapVector<ISign>(x, out, n, z, z); return 1;
    case Unary.relu: mapVector<IRelu>(x, out, n, z, z); return 1;
    case Unary.floor: case Unary.ceil: case Unary.round: mapVector<Identity>(x, out, n, z, z); return 1;
    default: return 0;
  }
}
