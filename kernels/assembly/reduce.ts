// Reductions (`Reduce` codes of src/backend/opcodes.ts: sum, max, min, prod) over rows (the last axis,
// contiguous) and over columns (the leading axis, as a bias gradient), and argmax/argmin. Float sums add
// blocks in float32 vectors and the block sums in double, so a million-element sum keeps about float32
// precision (the reference sums in double); max/min propagate NaN as the reference does.
import { Reduce } from "../../src/backend/opcodes";

/** Rows of a column sum folded in float32 before the block goes into the double accumulator. */
const COL_BLOCK = 64;
/** Elements of a row sum added in float32 vectors before going into the double total. */
const ROW_BLOCK = 1024;

@inline function lanesSum(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

function sumRow(p: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  while (i < n) {
    const end = min(i + ROW_BLOCK, n);
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 16 <= end; i += 16) {
      const q = p + (<usize>i << 2);
      a0 = f32x4.add(a0, v128.load(q));
      a1 = f32x4.add(a1, v128.load(q, 16));
      a2 = f32x4.add(a2, v128.load(q, 32));
      a3 = f32x4.add(a3, v128.load(q, 48));
    }
    for (; i + 4 <= end; i += 4) a0 = f32x4.add(a0, v128.load(p + (<usize>i << 2)));
    let tail: f64 = 0;
    for (; i < end; i++) tail += <f64>load<f32>(p + (<usize>i << 2));
    total += lanesSum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3))) + tail;
  }
  return total;
}

/** max (isMin = 0) or min of a row; NaN anywhere gives NaN, an empty row gives -inf (or inf). */
function extremeRow(p: usize, n: i32, isMin: i32): f32 {
  let a0 = f32x4.splat(isMin ? Infinity : -Infinity), a1 = a0;
  let i = 0;
  if (isMin) {
    for (; i + 8 <= n; i += 8) {
      const q = p + (<usize>i << 2);
      a0 = f32x4.min(a0, v128.load(q));
      a1 = f32x4.min(a1, v128.load(q, 16));
    }
    for (; i < n; i++) a0 = f32x4.min(a0, v128.load32_splat(p + (<usize>i << 2)));
    a0 = f32x4.min(a0, a1);
    a0 = f32x4.min(a0, v128.shuffle<i32>(a0, a0, 2, 3, 0, 1));
    return f32x4.extract_lane(f32x4.min(a0, v128.shuffle<i32>(a0, a0, 1, 0, 3, 2)), 0);
  }
  for (; i + 8 <= n; i += 8) {
    const q = p + (<usize>i << 2);
    a0 = f32x4.max(a0, v128.load(q));
    a1 = f32x4.max(a1, v128.load(q, 16));
  }
  for (; i < n; i++) a0 = f32x4.max(a0, v128.load32_splat(p + (<usize>i << 2)));
  a0 = f32x4.max(a0, a1);
  a0 = f32x4.max(a0, v128.shuffle<i32>(a0, a0, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(a0, v128.shuffle<i32>(a0, a0, 1, 0, 3, 2)), 0);
}

/** out[r] = op over x[r·rowStride .. + cols) for each of `rows` rows (float32). */
export function reduce_rows_f32(op: i32, x: usize, rowStride: i32, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const p = x + (<usize>(r * rowStride) << 2);
    let v: f32;
    if (op == Reduce.sum) v = <f32>sumRow(p, cols);
    else if (op == Reduce.prod) {
      let acc: f64 = 1;
      for (let i = 0; i < cols; i++) acc *= <f64>load<f32>(p + (<usize>i << 2));
      v = <f32>acc;
    } else v = extremeRow(p, cols, op == Reduce.min ? 1 : 0);
    store<f32>(out + (<usize>r << 2), v);
  }
}

/** out[c] = op(out[c], row[c]) over the columns, in float32 vectors. */
@inline function foldRow(op: i32, row: usize, out: usize, cols: i32): void {
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const o = out + (<usize>c << 2), v = v128.load(row + (<usize>c << 2)), acc = v128.load(o);
    v128.store(o,
      op == Reduce.sum ? f32x4.add(acc, v) : op == Reduce.max ? f32x4.max(acc, v) : f32x4.min(acc, v));
  }
  for (; c < cols; c++) {
    const o = out + (<usize>c << 2), v = v128.load32_zero(row + (<usize>c << 2)), acc = v128.load32_zero(o);
    v128.store32_lane(o,
      op == Reduce.sum ? f32x4.add(acc, v) : op == Reduce.max ? f32x4.max(acc, v) : f32x4.min(acc, v), 0);
  }
}

/**
 * out[c] = op over r of x[r·rowStride + c] (float32). `acc` is scratch for 8·cols bytes: sums over
 * more than COL_BLOCK rows fold each block into double there.
 */
export function reduce_cols_f32(op: i32, x: usize, rowStride: i32, out: usize, rows: i32, cols: i32,
  acc: usize): void {
  const stride = <usize>(rowStride << 2);
  if (op == Reduce.prod) {
    for (let c = 0; c < cols; c++) {
      let v: f64 = 1;
      for (let r = 0; r < rows; r++) v *= <f64>load<f32>(x + <usize>r * stride + (<usize>c << 2));
      store<f32>(out + (<usize>c << 2), <f32>v);
    }
    return;
  }
  const init: f32 = op == Reduce.sum ? 0 : op == Reduce.max ? -Infinity : Infinity;
  if (op != Reduce.sum || rows <= COL_BLOCK) {
    for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), init);
    for (let r = 0; r < rows; r++) foldRow(op, x + <usize>r * stride, out, cols);
    return;
  }
  for (let c = 0; c < cols; c++) store<f64>(acc + (<usize>c << 3), 0);
  for (let r0 = 0; r0 < rows; r0 += COL_BLOCK) {
    memory.copy(out, x + <usize>r0 * stride, <usize>cols << 2);
    const r1 = min(r0 + COL_BLOCK, rows);
    for (let r = r0 + 1; r < r1; r++) foldRow(Reduce.sum, x + <usize>r * stride, out, cols);
    for (let c = 0; c < cols; c++) {
      const a = acc + (<usize>c << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(out + (<usize>c << 2)));
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}

/** Int32 sum (wrapping, as the reference's store does), max or min over rows; prod is not handled. */
export function reduce_rows_i32(op: i32, x: usize, rowStride: i32, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const p = x + (<usize>(r * rowStride) << 2);
    let v: i32 = 0;
    if (cols > 0) {
      let a = op == Reduce.sum ? i32x4.splat(0) : v128.load32_splat(p);
      let i = 0;
      for (; i + 4 <= cols; i += 4) {
        const q = v128.load(p + (<usize>i << 2));
        a = op == Reduce.sum ? i32x4.add(a, q) : op == Reduce.max ? i32x4.max_s(a, q) : i32x4.min_s(a, q);
      }
      for (; i < cols; i++) {
        const q = v128.load32_splat(p + (<usize>i << 2));
        const one = v128.load32_zero(p + (<usize>i << 2));
        a = op == Reduce.sum ? i32x4.add(a, one) : op == Reduce.max ? i32x4.max_s(a, q) : i32x4.min_s(a, q);
      }
      const b = v128.shuffle<i32>(a, a, 2, 3, 0, 1);
      a = op == Reduce.sum ? i32x4.add(a, b) : op == Reduce.max ? i32x4.max_s(a, b) : i32x4.min_s(a, b);
      const c = v128.shuffle<i32>(a, a, 1, 0, 3, 2);
      v = i32x4.extract_lane(
        op == Reduce.sum ? i32x4.add(a, c) : op == Reduce.max ? i32x4.max_s(a, c) : i32x4.min_s(a, c), 0);
    }
    store<i32>(out + (<usize>r << 2), v);
  }
}

/**
 * Index of the first maximum (isMin = 0) or minimum along a row of `inner` elements with stride
 * sInner, for `outer` rows sOuter apart. A NaN wins at once, as in the reference.
 */
export function argreduce_f32(isMin: i32, x: usize, sOuter: i32, sInner: i32, out: usize, outer: i32,
  inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const p = x + (<usize>(o * sOuter) << 2);
    let best = 0;
    if (inner > 0) {
      let bv = load<f32>(p);
      for (let i = 1; i < inner && bv == bv; i++) {
        const v = load<f32>(p + (<usize>(i * sInner) << 2));
        if ((isMin ? v < bv : v > bv) || v != v) { best = i; bv = v; }
      }
    }
    store<i32>(out + (<usize>o << 2), best);
  }
}

export function argreduce_i32(isMin: i32, x: usize, sOuter: i32, sInner: i32, out: usize, outer: i32,
  inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const p = x + (<usize>(o * sOuter) << 2);
    let best = 0;
    if (inner > 0) {
      let bv = load<i32>(p);
      for (let i = 1; i < inner; i++) {
        const v = load<i32>(p + (<usize>(i * sInner) << 2));
        if (isMin ? v < bv : v > bv) { best = i; bv = v; }
      }
    }
    store<i32>(out + (<usize>o << 2), best);
  }
}
