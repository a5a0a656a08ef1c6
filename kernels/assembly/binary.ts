// Binary elementwise kernels over broadcast views, and `where`. Op codes come from the shared table
// src/backend/opcodes.ts. Strides are in elements; a broadcast operand has stride 0. The output is
// contiguous. Rows of the last dimension get a loop per layout (both contiguous, one side broadcast,
// anything else by lane gathers); outer dimensions are walked by an odometer kept in `meta`.
import { jsPow } from "./elementwise";
import { Binary } from "../../src/backend/opcodes";

/** Four elements from p with stride s (0: one element broadcast, 1: contiguous, else gathered). */
@inline export function gather4(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 0) return v128.load32_splat(p);
  const step = <usize>(s << 2);
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + step, v, 1);
  v = v128.load32_lane(p + step * 2, v, 2);
  return v128.load32_lane(p + step * 3, v, 3);
}

@inline function at(p: usize, i: i32, s: i32): usize {
  return p + (<usize>(i * s) << 2);
}

/** One output row of n elements: out[i] = f(a[i·sa], b[i·sb]). */
@inline function row<O>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const f = changetype<O>(0);
  const n4 = n & ~3;
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f.v(v128.load(a + o), v128.load(b + o)));
    }
  } else if (sa == 1 && sb == 0) {
    const vb = v128.load32_splat(b);
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f.v(v128.load(a + o), vb));
    }
  } else if (sa == 0 && sb == 1) {
    const va = v128.load32_splat(a);
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, f.v(va, v128.load(b + o)));
    }
  } else {
    for (; i < n4; i += 4) {
      v128.store(out + (<usize>i << 2), f.v(gather4(at(a, i, sa), sa), gather4(at(b, i, sb), sb)));
    }
  }
  for (; i < n; i++) {
    const r = f.v(v128.load32_zero(at(a, i, sa)), v128.load32_zero(at(b, i, sb)));
    v128.store32_lane(out + (<usize>i << 2), r, 0);
  }
}

/**
 * The odometer over the outer dimensions. meta holds shape[nd], strideA[nd], strideB[nd] and nd
 * words of scratch for the counters (i32 each).
 */
@inline function walk<O>(nd: i32, meta: usize, a: usize, b: usize, out: usize): void {
  const shape = meta, sA = meta + (<usize>nd << 2), sB = sA + (<usize>nd << 2), idx = sB + (<usize>nd << 2);
  const last = <usize>(nd - 1) << 2;
  const n = load<i32>(shape + last), sa = load<i32>(sA + last), sb = load<i32>(sB + last);
  let rows = 1;
  for (let k = 0; k < nd - 1; k++) {
    rows *= load<i32>(shape + (<usize>k << 2));
    store<i32>(idx + (<usize>k << 2), 0);
  }
  for (let r = 0; r < rows; r++) {
    row<O>(a, sa, b, sb, out, n);
    out += <usize>n << 2;
    for (let k = nd - 2; k >= 0; k--) {
      const kk = <usize>k << 2;
      const dimA = load<i32>(sA + kk), dimB = load<i32>(sB + kk), size = load<i32>(shape + kk);
      a += <usize>(dimA << 2);
      b += <usize>(dimB << 2);
      const c = load<i32>(idx + kk) + 1;
      if (c < size) { store<i32>(idx + kk, c); break; }
      store<i32>(idx + kk, 0);
      a -= <usize>((dimA * size) << 2);
      b -= <usize>((dimB * size) << 2);
    }
  }
}

@final class Add { @inline v(a: v128, b: v128): v128 { return f32x4.add(a, b); } }
@final class Sub { @inline v(a: v128, b: v128): v128 { return f32x4.sub(a, b); } }
@final class Mul { @inline v(a: v128, b: v128): v128 { return f32x4.mul(a, b); } }
@final class Div { @inline v(a: v128, b: v128): v128 { return f32x4.div(a, b); } }
// wasm's min/max propagate NaN, as maximum/minimum must
@final class Max { @inline v(a: v128, b: v128): v128 { return f32x4.max(a, b); } }
@final class Min { @inline v(a: v128, b: v128): v128 { return f32x4.min(a, b); } }
// comparisons give 1.0 or 0.0: the all-ones mask ANDed with the bits of 1.0
@final class Eq { @inline v(a: v128, b: v128): v128 { return v128.and(f32x4.eq(a, b), f32x4.splat(1)); } }
@final class Ne { @inline v(a: v128, b: v128): v128 { return v128.and(f32x4.ne(a, b), f32x4.splat(1)); } }
@final class Lt { @inline v(a: v128, b: v128): v128 { return v128.and(f32x4.lt(a, b), f32x4.splat(1)); } }
@final class Le { @inline v(a: v128, b: v128): v128 { return v128.and(f32x4.le(a, b), f32x4.splat(1)); } }
@final class Gt { @inline v(a: v128, b: v128): v128 { return v128.and(f32x4.gt(a, b), f32x4.splat(1)); } }
@final class Ge { @inline v(a: v128, b: v128): v128 { return v128.and(f32x4.ge(a, b), f32x4.splat(1)); } }

/** pow has no vector form: each lane goes through double pow, rounded once, as the reference. */
@final class Pow {
  @inline v(a: v128, b: v128): v128 {
    let r = f32x4.splat(<f32>jsPow(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
    r = f32x4.replace_lane(r, 1, <f32>jsPow(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
    r = f32x4.replace_lane(r, 2, <f32>jsPow(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
    return f32x4.replace_lane(r, 3, <f32>jsPow(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
  }
}

@final class IAdd { @inline v(a: v128, b: v128): v128 { return i32x4.add(a, b); } }
@final class ISub { @inline v(a: v128, b: v128): v128 { return i32x4.sub(a, b); } }
@final class IMul { @inline v(a: v128, b: v128): v128 { return i32x4.mul(a, b); } }
@final class IMax { @inline v(a: v128, b: v128): v128 { return i32x4.max_s(a, b); } }
@final class IMin { @inline v(a: v128, b: v128): v128 { return i32x4.min_s(a, b); } }
@final class IEq { @inline v(a: v128, b: v128): v128 { return v128.and(i32x4.eq(a, b), i32x4.splat(1)); } }
@final class INe { @inline v(a: v128, b: v128): v128 { return v128.and(i32x4.ne(a, b), i32x4.splat(1)); } }
@final class ILt { @inline v(a: v128, b: v128): v128 { return v128.and(i32x4.lt_s(a, b), i32x4.splat(1)); } }
@final class ILe { @inline v(a: v128, b: v128): v128 { return v128.and(i32x4.le_s(a, b), i32x4.splat(1)); } }
@final class IGt { @inline v(a: v128, b: v128): v128 { return v128.and(i32x4.gt_s(a, b), i32x4.splat(1)); } }
@final class IGe { @inline v(a: v128, b: v128): v128 { return v128.and(i32x4.ge_s(a, b), i32x4.splat(1)); } }

/**
 * Float32 binary op over nd dims (already merged where contiguous, nd >= 1); see `walk` for meta.
 * A single row (nd = 1) costs one call and no odometer.
 */
export function binary_f32(op: i32, nd: i32, meta: usize, a: usize, b: usize, out: usize): void {
  switch (op) {
    case Binary.add: walk<Add>(nd, meta, a, b, out); break;
    case Binary.sub: walk<Sub>(nd, meta, a, b, out); break;
    case Binary.mul: walk<Mul>(nd, meta, a, b, out); break;
    case Binary.div: walk<Div>(nd, meta, a, b, out); break;
    case Binary.pow: walk<Pow>(nd, meta, a, b, out); break;
    case Binary.maximum: walk<Max>(nd, meta, a, b, out); break;
    case Binary.minimum: walk<Min>(nd, meta, a, b, out); break;
    case Binary.eq: walk<Eq>(nd, meta, a, b, out); break;
    case Binary.ne: walk<Ne>(nd, meta, a, b, out); break;
    case Binary.lt: walk<Lt>(nd, meta, a, b, out); break;
    case Binary.le: walk<Le>(nd, meta, a, b, out); break;
    case Binary.gt: walk<Gt>(nd, meta, a, b, out); break;
    case Binary.ge: walk<Ge>(nd, meta, a, b, out); break;
    default: unreachable();
  }
}

/** Int32 binary op (int32 in, int32 out); returns 0 for ops whose result is not int32 (div, pow). */
export function binary_i32(op: i32, nd: i32, meta: usize, a: usize, b: usize, out: usize): i32 {
  switch (op) {
    case Binary.add: walk<IAdd>(nd, meta, a, b, out); return 1;
    case Binary.sub: walk<ISub>(nd, meta, a, b, out); return 1;
    case Binary.mul: walk<IMul>(nd, meta, a, b, out); return 1;
    case Binary.maximum: walk<IMax>(nd, meta, a, b, out); return 1;
    case Binary.minimum: walk<IMin>(nd, meta, a, b, out); return 1;
    case Binary.eq: walk<IEq>(nd, meta, a, b, out); return 1;
    case Binary.ne: walk<INe>(nd, meta, a, b, out); return 1;
    case Binary.lt: walk<ILt>(nd, meta, a, b, out); return 1;
    case Binary.le: walk<ILe>(nd, meta, a, b, out); return 1;
    case Binary.gt: walk<IGt>(nd, meta, a, b, out); return 1;
    case Binary.ge: walk<IGe>(nd, meta, a, b, out); return 1;
    default: return 0;
  }
}

/**
 * out = cond != 0 ? a : b over nd dims; meta holds shape, then the strides of cond, a and b, then nd
 * words of scratch. a, b and out share one 4-byte type; cond is float32 or (condInt = 1) int32.
 */
export function where_nd(nd: i32, meta: usize, cond: usize, a: usize, b: usize, out: usize,
  condInt: i32): void {
  const w = <usize>nd << 2;
  const shape = meta, sC = meta + w, sA = sC + w, sB = sA + w, idx = sB + w;
  const last = w - 4;
  const n = load<i32>(shape + last), sc = load<i32>(sC + last);
  const sa = load<i32>(sA + last), sb = load<i32>(sB + last);
  let rows = 1;
  for (let k = 0; k < nd - 1; k++) {
    rows *= load<i32>(shape + (<usize>k << 2));
    store<i32>(idx + (<usize>k << 2), 0);
  }
  const zero = i32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const c = gather4(at(cond, i, sc), sc);
      const mask = condInt ? i32x4.ne(c, zero) : f32x4.ne(c, zero);
      const v = v128.bitselect(gather4(at(a, i, sa), sa), gather4(at(b, i, sb), sb), mask);
      v128.store(out + (<usize>i << 2), v);
    }
    for (; i < n; i++) {
      const c = at(cond, i, sc);
      const yes = condInt ? load<i32>(c) != 0 : load<f32>(c) != 0;
      store<i32>(out + (<usize>i << 2), load<i32>(yes ? at(a, i, sa) : at(b, i, sb)));
    }
    out += <usize>n << 2;
    for (let k = nd - 2; k >= 0; k--) {
      const kk = <usize>k << 2;
      const size = load<i32>(shape + kk);
      const dc = load<i32>(sC + kk), da = load<i32>(sA + kk), db = load<i32>(sB + kk);
      cond += <usize>(dc << 2); a += <usize>(da << 2); b += <usize>(db << 2);
      const c = load<i32>(idx + kk) + 1;
      if (c < size) { store<i32>(idx + kk, c); break; }
      store<i32>(idx + kk, 0);
      cond -= <usize>((dc * size) << 2); a -= <usize>((da * size) << 2); b -= <usize>((db * size) << 2);
    }
  }
}

/**
 * ReLU's backward over n contiguous float32: out = x <= 0 ? 0 : g (PyTorch's threshold_backward: a
 * NaN x passes g). One pass instead of a mask and a multiply.
 */
export function relu_backward_f32(g: usize, x: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.andnot(v128.load(g + o), f32x4.le(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) <= 0 ? <f32>0 : load<f32>(g + o));
  }
}
