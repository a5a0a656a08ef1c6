// Batch normalization in training mode, float32, over x [outer, channels, inner] (NCHW: inner = H·W):
// per channel the batch mean, the biased variance (two passes, so no cancellation) and then
// y = x·scale + shift with scale = γ/√(var + eps), shift = β − mean·scale, in one call per range of
// channels. The backward needs only x, the saved mean and variance and dy:
//   dβ = Σdy,  dγ = Σdy·x̂,  dx = γ/√(var + eps) · (dy − Σdy/M − x̂·Σdy·x̂/M),
// with x̂ = (x − mean)/√(var + eps) and M = outer·inner.
// Sums run in float32 vectors over a row and in double across rows, as the reductions do.

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function lanes(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

function rowSum(p: usize, n: i32): f64 {
  let a = f32x4.splat(0), b = a;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    a = f32x4.add(a, v128.load(at(p, i)));
    b = f32x4.add(b, v128.load(at(p, i), 16));
  }
  let tail: f64 = 0;
  for (; i < n; i++) tail += <f64>load<f32>(at(p, i));
  return lanes(f32x4.add(a, b)) + tail;
}

/** Σ (x − m)² over a row. */
function rowSquares(p: usize, n: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let a = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.sub(v128.load(at(p, i)), mv);
    a = f32x4.add(a, f32x4.mul(d, d));
  }
  let tail: f64 = 0;
  for (; i < n; i++) {
    const d = <f64>load<f32>(at(p, i)) - <f64>m;
    tail += d * d;
  }
  return lanes(a) + tail;
}

/** y = x·s + t over a row. */
function rowAffine(x: usize, y: usize, n: i32, s: f32, t: f32): void {
  const sv = f32x4.splat(s), tv = f32x4.splat(t);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.add(f32x4.mul(v128.load(at(x, i)), sv), tv));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(x, i)) * s + t);
}

/** Normalizes channels [c0, c1); w and b are 0 when absent. */
export function batch_norm_f32(x: usize, w: usize, b: usize, y: usize, mean: usize, variance: usize,
  outer: i32, channels: i32, inner: i32, eps: f64, c0: i32, c1: i32): void {
  const count = <f64>outer * <f64>inner;
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0;
    for (let n = 0; n < outer; n++) s += rowSum(at(x, (n * channels + c) * inner), inner);
    const m = <f32>(s / count);
    let q: f64 = 0;
    for (let n = 0; n < outer; n++) q += rowSquares(at(x, (n * channels + c) * inner), inner, m);
    const v = q / count, invstd = 1 / Math.sqrt(v + eps);
    const scale = w != 0 ? <f64>load<f32>(at(w, c)) * invstd : invstd;
    const shift = (b != 0 ? <f64>load<f32>(at(b, c)) : 0) - <f64>m * scale;
    for (let n = 0; n < outer; n++) {
      const row = (n * channels + c) * inner;
      rowAffine(at(x, row), at(y, row), inner, <f32>scale, <f32>shift);
    }
    store<f32>(at(mean, c), m);
    store<f32>(at(variance, c), <f32>v);
  }
}

/** Σdy and Σdy·(x − m) over a row, into the two slots at `out` (f64). */
function rowGrads(x: usize, g: usize, n: i32, m: f32, out: usize): void {
  const mv = f32x4.splat(m);
  let a = f32x4.splat(0), d = a;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gv = v128.load(at(g, i));
    a = f32x4.add(a, gv);
    d = f32x4.add(d, f32x4.mul(gv, f32x4.sub(v128.load(at(x, i)), mv)));
  }
  let ta: f64 = 0, td: f64 = 0;
  for (; i < n; i++) {
    const gi = <f64>load<f32>(at(g, i));
    ta += gi;
    td += gi * (<f64>load<f32>(at(x, i)) - <f64>m);
  }
  store<f64>(out, load<f64>(out) + lanes(a) + ta);
  store<f64>(out, load<f64>(out, 8) + lanes(d) + td, 8);
}

/**
 * The adjoint for channels [c0, c1): dx (unless 0), dw and db (each unless 0), from x, dy, γ (0: 1)
 * and the saved mean and variance. `work` holds two doubles of scratch.
 */
export function batch_norm_backward_f32(x: usize, g: usize, w: usize, mean: usize, variance: usize,
  dx: usize, dw: usize, db: usize, outer: i32, channels: i32, inner: i32, eps: f64, c0: i32, c1: i32,
  work: usize): void {
  const count = <f64>outer * <f64>inner;
  for (let c = c0; c < c1; c++) {
    const m = load<f32>(at(mean, c)), invstd = 1 / Math.sqrt(<f64>load<f32>(at(variance, c)) + eps);
    store<f64>(work, 0);
    store<f64>(work, 0, 8);
    for (let n = 0; n < outer; n++) {
      const row = (n * channels + c) * inner;
      rowGrads(at(x, row), at(g, row), inner, m, work);
    }
    const sg = load<f64>(work), sgx = load<f64>(work, 8) * invstd;
    if (db != 0) store<f32>(at(db, c), <f32>sg);
    if (dw != 0) store<f32>(at(dw, c), <f32>sgx);
    if (dx == 0) continue;
    // dx = k·(dy − a) − (x − m)·k·invstd·sgx/M, as dy·k + x·e + f per element
    const k = (w != 0 ? <f64>load<f32>(at(w, c)) : 1) * invstd;
    const e = -k * invstd * sgx / count, f = -k * sg / count - <f64>m * e;
    const kv = f32x4.splat(<f32>k), ev = f32x4.splat(<f32>e), fv = f32x4.splat(<f32>f);
    for (let n = 0; n < outer; n++) {
      const row = (n * channels + c) * inner;
      const xr = at(x, row), gr = at(g, row), dr = at(dx, row);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const fromX = f32x4.add(f32x4.mul(v128.load(at(xr, i)), ev), fv);
        v128.store(at(dr, i), f32x4.add(f32x4.mul(v128.load(at(gr, i)), kv), fromX));
      }
      for (; i < inner; i++) {
        store<f32>(at(dr, i), <f32>(<f64>load<f32>(at(gr, i)) * k + <f64>load<f32>(at(xr, i)) * e + f));
      }
    }
  }
}
