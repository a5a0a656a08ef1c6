// Row-wise softmax and log-softmax over contiguous [rows, cols] blocks, and their adjoints. One pass
// for the row max, one for the sum of exponentials (softmax writes them as it goes), one to scale or
// shift: where the composite took six kernels and five temporaries. A row whose max is infinite is
// shifted by 0 instead (inf - inf would be NaN where the reference gives the IEEE result).
import { vexp, vlog } from "./vmath";

@inline function rowMax(p: usize, n: i32): f32 {
  let a = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) a = f32x4.max(a, v128.load(p + (<usize>i << 2)));
  for (; i < n; i++) a = f32x4.max(a, v128.load32_splat(p + (<usize>i << 2)));
  a = f32x4.max(a, v128.shuffle<i32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(a, v128.shuffle<i32>(a, a, 1, 0, 3, 2)), 0);
}

@inline function lanes(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

/** Σ exp(x − shift) over a row, writing each exponential to `out` when `write` is set. */
@inline function expSum(p: usize, out: usize, n: i32, shift: v128, write: bool): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const e = vexp(f32x4.sub(v128.load(p + o), shift));
    if (write) v128.store(out + o, e);
    acc = f32x4.add(acc, e);
  }
  let total = lanes(acc);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const e = f32x4.extract_lane(vexp(f32x4.sub(v128.load32_splat(p + o), shift)), 0);
    if (write) store<f32>(out + o, e);
    total += <f64>e;
  }
  return total;
}

export function softmax_f32(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const p = x + <usize>r * rowBytes, q = out + <usize>r * rowBytes;
    let m = rowMax(p, cols);
    if (m == Infinity || m == -Infinity) m = 0;
    const shift = f32x4.splat(m);
    if (log) {
      const s = expSum(p, q, cols, shift, false);
      // (x − m) − log s, in that order: x − m is exact near the max, where the largest outputs are
      const logSum = vlog(f32x4.splat(<f32>s));
      let i = 0;
      for (; i + 4 <= cols; i += 4) {
        const o = <usize>i << 2;
        v128.store(q + o, f32x4.sub(f32x4.sub(v128.load(p + o), shift), logSum));
      }
      for (; i < cols; i++) {
        const o = <usize>i << 2;
        store<f32>(q + o, (load<f32>(p + o) - m) - f32x4.extract_lane(logSum, 0));
      }
    } else {
      const inv = f32x4.splat(<f32>(1.0 / expSum(p, q, cols, shift, true)));
      let i = 0;
      for (; i + 4 <= cols; i += 4) {
        const o = <usize>i << 2;
        v128.store(q + o, f32x4.mul(v128.load(q + o), inv));
      }
      for (; i < cols; i++) {
        const o = <usize>i << 2;
        store<f32>(q + o, load<f32>(q + o) * f32x4.extract_lane(inv, 0));
      }
    }
  }
}

/** softmax: dx = y·(g − Σ g·y); log-softmax: dx = g − exp(y)·Σ g (y is the forward output). */
export function softmax_backward_f32(y: usize, g: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * rowBytes;
    const py = y + base, pg = g + base, q = out + base;
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(pg + o);
      acc = f32x4.add(acc, log ? gv : f32x4.mul(gv, v128.load(py + o)));
    }
    let total = lanes(acc);
    for (; i < cols; i++) {
      const o = <usize>i << 2;
      total += log ? <f64>load<f32>(pg + o) : <f64>(load<f32>(pg + o) * load<f32>(py + o));
    }
    const s = f32x4.splat(<f32>total);
    i = 0;
    for (; i + 4 <= cols; i += 4) {
      const o = <usize>i << 2;
      const yv = v128.load(py + o), gv = v128.load(pg + o);
      v128.store(q + o, log ? f32x4.sub(gv, f32x4.mul(vexp(yv), s)) : f32x4.mul(yv, f32x4.sub(gv, s)));
    }
    for (; i < cols; i++) {
      const o = <usize>i << 2;
      const yv = v128.load32_splat(py + o), gv = v128.load32_splat(pg + o);
      const d = log ? f32x4.sub(gv, f32x4.mul(vexp(yv), s)) : f32x4.mul(yv, f32x4.sub(gv, s));
      store<f32>(q + o, f32x4.extract_lane(d, 0));
    }
  }
}
