// 2-d convolution, float32, NCHW. Each call covers images [n0, n1) and is independent of the others,
// so the thread pool runs calls side by side; the weight gradient goes to one partial buffer per call,
// summed afterwards in a fixed order (conv_sum_f32), so results do not depend on the thread count.
// Three paths, chosen by the caller (meta word PATH):
//   im2col: a block of output rows is unfolded into the workspace (K = C/G·kh·kw rows of taps), then
//           one GEMM per image and group; col2im (the adjoint) scatters the input gradient back.
//   pointwise: a 1×1, stride-1, unpadded convolution is a GEMM on the image itself, with no copy.
//   direct: one input channel per group (depthwise): multiply-adds along output rows, no GEMM (a
//           GEMM with K = kh·kw would spend its time packing).
// Meta words (i32): the Conv2dGeometry of src/backend/backend.ts plus the path and the rows per block.
import { gemm_f32, gemm_workspace_bytes } from "./gemm";
import { fmadd } from "./vmath";
import { copyRow, fillRow } from "./rows";

const N = 0, C = 1, H = 2, W = 3, O = 4, G = 5, KH = 6, KW = 7, SH = 8, SW = 9, PH = 10, PW = 11;
const DH = 12, DW = 13, OH = 14, OW = 15, PATH = 16, ROWS = 17;
const IM2COL = 0, POINTWISE = 1, DIRECT = 2;

// @ts-ignore: decorator
@inline function word(meta: usize, i: i32): i32 {
  return load<i32>(meta + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Where the column block starts in a thread's workspace: after the GEMM's packing buffers. */
export function conv_cols_offset(): i32 {
  return (gemm_workspace_bytes() + 63) & ~63;
}

/** First output position whose input position o·s + off is ≥ 0 (at most n). */
// @ts-ignore: decorator
@inline function firstInside(off: i32, s: i32, n: i32): i32 {
  return off >= 0 ? 0 : min(n, (s - 1 - off) / s);
}

/** One past the last output position whose input position o·s + off is < size (at least `from`). */
// @ts-ignore: decorator
@inline function endInside(off: i32, s: i32, size: i32, n: i32, from: i32): i32 {
  const last = size - 1 - off;
  return last < 0 ? from : max(from, min(n, last / s + 1));
}

/** dst[i·s] += a·src[i] for i < n. */
function axpyScatter(dst: usize, s: i32, src: usize, a: f32, n: i32): void {
  let i = 0;
  if (s == 1) {
    const av = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      v128.store(at(dst, i), fmadd(av, v128.load(at(src, i)), v128.load(at(dst, i))));
    }
  }
  for (; i < n; i++) store<f32>(at(dst, i * s), load<f32>(at(dst, i * s)) + a * load<f32>(at(src, i)));
}

/** dst[i] += a·src[i·s] for i < n. */
function axpyGather(dst: usize, src: usize, s: i32, a: f32, n: i32): void {
  let i = 0;
  if (s == 1) {
    const av = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      v128.store(at(dst, i), fmadd(av, v128.load(at(src, i)), v128.load(at(dst, i))));
    }
  }
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + a * load<f32>(at(src, i * s)));
}

/** Σ a[i]·b[i·s] for i < n, four lanes then the tail. */
function dotGather(a: usize, b: usize, s: i32, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) acc = fmadd(v128.load(at(a, i)), v128.load(at(b, i)), acc);
  }
  let tail: f32 = 0;
  for (; i < n; i++) tail += load<f32>(at(a, i)) * load<f32>(at(b, i * s));
  return (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)) + tail;
}

function sumRow(p: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, v128.load(at(p, i)));
  let tail: f32 = 0;
  for (; i < n; i++) tail += load<f32>(at(p, i));
  return (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)) + tail;
}

/**
 * Unfolds output rows [oy0, oy1) of `channels` planes at x into cols: row (c·kh + ki)·kw + kj holds,
 * for each output position, the input under tap (ki, kj), or 0 in the padding.
 */
function im2col(meta: usize, x: usize, channels: i32, oy0: i32, oy1: i32, cols: usize): void {
  const h = word(meta, H), w = word(meta, W), kh = word(meta, KH), kw = word(meta, KW);
  const sh = word(meta, SH), sw = word(meta, SW), ph = word(meta, PH), pw = word(meta, PW);
  const dh = word(meta, DH), dw = word(meta, DW), ow = word(meta, OW);
  let dst = cols;
  for (let c = 0; c < channels; c++) {
    const plane = at(x, c * h * w);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const off = kj * dw - pw;
        const a = firstInside(off, sw, ow), e = endInside(off, sw, w, ow, a);
        for (let oy = oy0; oy < oy1; oy++) {
          const iy = oy * sh + ki * dh - ph;
          if (iy < 0 || iy >= h) {
            fillRow(dst, 0, ow);
          } else {
            fillRow(dst, 0, a);
            copyRow(at(dst, a), at(plane, iy * w + off + a * sw), sw, e - a);
            fillRow(at(dst, e), 0, ow - e);
          }
          dst = at(dst, ow);
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every column entry into the input position it was read from. */
function col2im(meta: usize, cols: usize, channels: i32, oy0: i32, oy1: i32, x: usize): void {
  const h = word(meta, H), w = word(meta, W), kh = word(meta, KH), kw = word(meta, KW);
  const sh = word(meta, SH), sw = word(meta, SW), ph = word(meta, PH), pw = word(meta, PW);
  const dh = word(meta, DH), dw = word(meta, DW), ow = word(meta, OW);
  let src = cols;
  for (let c = 0; c < channels; c++) {
    const plane = at(x, c * h * w);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const off = kj * dw - pw;
        const a = firstInside(off, sw, ow), e = endInside(off, sw, w, ow, a);
        for (let oy = oy0; oy < oy1; oy++) {
          const iy = oy * sh + ki * dh - ph;
          if (iy >= 0 && iy < h) axpyScatter(at(plane, iy * w + off + a * sw), sw, at(src, a), 1, e - a);
          src = at(src, ow);
        }
      }
    }
  }
}

/** Direct convolution of one plane with one kh×kw kernel into one output plane (bias first). */
function directForward(meta: usize, x: usize, k: usize, bias: f32, y: usize): void {
  const h = word(meta, H), w = word(meta, W), kh = word(meta, KH), kw = word(meta, KW);
  const sh = word(meta, SH), sw = word(meta, SW), ph = word(meta, PH), pw = word(meta, PW);
  const dh = word(meta, DH), dw = word(meta, DW), oh = word(meta, OH), ow = word(meta, OW);
  for (let oy = 0; oy < oh; oy++) {
    const row = at(y, oy * ow);
    fillRow(row, bias, ow);
    for (let ki = 0; ki < kh; ki++) {
      const iy = oy * sh + ki * dh - ph;
      if (iy < 0 || iy >= h) continue;
      for (let kj = 0; kj < kw; kj++) {
        const off = kj * dw - pw;
        const a = firstInside(off, sw, ow), e = endInside(off, sw, w, ow, a);
        axpyGather(at(row, a), at(x, iy * w + off + a * sw), sw, load<f32>(at(k, ki * kw + kj)), e - a);
      }
    }
  }
}

/** Adds the input gradient of one direct convolution (gradient plane g, kernel k) into plane dx. */
function directBackwardInput(meta: usize, g: usize, k: usize, dx: usize): void {
  const h = word(meta, H), w = word(meta, W), kh = word(meta, KH), kw = word(meta, KW);
  const sh = word(meta, SH), sw = word(meta, SW), ph = word(meta, PH), pw = word(meta, PW);
  const dh = word(meta, DH), dw = word(meta, DW), oh = word(meta, OH), ow = word(meta, OW);
  for (let oy = 0; oy < oh; oy++) {
    const row = at(g, oy * ow);
    for (let ki = 0; ki < kh; ki++) {
      const iy = oy * sh + ki * dh - ph;
      if (iy < 0 || iy >= h) continue;
      for (let kj = 0; kj < kw; kj++) {
        const off = kj * dw - pw;
        const a = firstInside(off, sw, ow), e = endInside(off, sw, w, ow, a);
        axpyScatter(at(dx, iy * w + off + a * sw), sw, at(row, a), load<f32>(at(k, ki * kw + kj)), e - a);
      }
    }
  }
}

/** Adds the kernel gradient of one direct convolution (input plane x, gradient plane g) into dk. */
function directBackwardWeight(meta: usize, x: usize, g: usize, dk: usize): void {
  const h = word(meta, H), w = word(meta, W), kh = word(meta, KH), kw = word(meta, KW);
  const sh = word(meta, SH), sw = word(meta, SW), ph = word(meta, PH), pw = word(meta, PW);
  const dh = word(meta, DH), dw = word(meta, DW), oh = word(meta, OH), ow = word(meta, OW);
  for (let ki = 0; ki < kh; ki++) {
    for (let kj = 0; kj < kw; kj++) {
      const off = kj * dw - pw;
      const a = firstInside(off, sw, ow), e = endInside(off, sw, w, ow, a);
      let total: f32 = 0;
      for (let oy = 0; oy < oh; oy++) {
        const iy = oy * sh + ki * dh - ph;
        if (iy < 0 || iy >= h) continue;
        total += dotGather(at(g, oy * ow + a), at(x, iy * w + off + a * sw), sw, e - a);
      }
      const p = at(dk, ki * kw + kj);
      store<f32>(p, load<f32>(p) + total);
    }
  }
}

/** y[n] = x[n] ⋆ w (+ bias) for images [n0, n1); `bias` 0 means none. */
export function conv2d_f32(meta: usize, x: usize, w: usize, bias: usize, y: usize, n0: i32, n1: i32,
  work: usize): void {
  const c = word(meta, C), o = word(meta, O), g = word(meta, G), path = word(meta, PATH);
  const cg = c / g, og = o / g, k = cg * word(meta, KH) * word(meta, KW);
  const oh = word(meta, OH), ow = word(meta, OW), l = oh * ow, plane = word(meta, H) * word(meta, W);
  const rows = word(meta, ROWS), cols = work + <usize>conv_cols_offset();
  const accumulate = i32(bias != 0);
  for (let n = n0; n < n1; n++) {
    for (let gi = 0; gi < g; gi++) {
      const xg = at(x, (n * c + gi * cg) * plane), wg = at(w, gi * og * k), yg = at(y, (n * o + gi * og) * l);
      if (path == DIRECT) {
        for (let oc = 0; oc < og; oc++) {
          const b: f32 = bias != 0 ? load<f32>(at(bias, gi * og + oc)) : 0;
          directForward(meta, xg, at(wg, oc * k), b, at(yg, oc * l));
        }
        continue;
      }
      if (bias != 0) {
        for (let oc = 0; oc < og; oc++) fillRow(at(yg, oc * l), load<f32>(at(bias, gi * og + oc)), l);
      }
      if (path == POINTWISE) {
        gemm_f32(og, l, k, wg, k, 1, xg, l, 1, yg, l, accumulate, work);
        continue;
      }
      for (let oy0 = 0; oy0 < oh; oy0 += rows) {
        const oy1 = min(oh, oy0 + rows), lb = (oy1 - oy0) * ow;
        im2col(meta, xg, cg, oy0, oy1, cols);
        gemm_f32(og, lb, k, wg, k, 1, cols, lb, 1, at(yg, oy0 * ow), l, accumulate, work);
      }
    }
  }
}

/** dx[n] = the input gradient of images [n0, n1) from their output gradient gy and the weight. */
export function conv2d_backward_input_f32(meta: usize, gy: usize, w: usize, dx: usize, n0: i32, n1: i32,
  work: usize): void {
  const c = word(meta, C), o = word(meta, O), g = word(meta, G), path = word(meta, PATH);
  const cg = c / g, og = o / g, k = cg * word(meta, KH) * word(meta, KW);
  const oh = word(meta, OH), ow = word(meta, OW), l = oh * ow, plane = word(meta, H) * word(meta, W);
  const rows = word(meta, ROWS), cols = work + <usize>conv_cols_offset();
  for (let n = n0; n < n1; n++) {
    const dxn = at(dx, n * c * plane);
    if (path != POINTWISE) memory.fill(dxn, 0, <usize>(c * plane) << 2);
    for (let gi = 0; gi < g; gi++) {
      const gg = at(gy, (n * o + gi * og) * l), wg = at(w, gi * og * k), dxg = at(dxn, gi * cg * plane);
      if (path == DIRECT) {
        for (let oc = 0; oc < og; oc++) directBackwardInput(meta, at(gg, oc * l), at(wg, oc * k), dxg);
        continue;
      }
      // Wᵀ·gy: A(i, p) = W[p][i] is the weight read down its columns
      if (path == POINTWISE) {
        gemm_f32(cg, l, og, wg, 1, k, gg, l, 1, dxg, l, 0, work);
        continue;
      }
      for (let oy0 = 0; oy0 < oh; oy0 += rows) {
        const oy1 = min(oh, oy0 + rows), lb = (oy1 - oy0) * ow;
        gemm_f32(k, lb, og, wg, 1, k, at(gg, oy0 * ow), l, 1, cols, lb, 0, work);
        col2im(meta, cols, cg, oy0, oy1, dxg);
      }
    }
  }
}

/**
 * dw = Σ over images [n0, n1) of gy[n]·colsᵀ (and db = Σ gy[n] over positions when db is not 0),
 * written (not added) to this call's partial buffers.
 */
export function conv2d_backward_weight_f32(meta: usize, x: usize, gy: usize, dw: usize, db: usize, n0: i32,
  n1: i32, work: usize): void {
  const c = word(meta, C), o = word(meta, O), g = word(meta, G), path = word(meta, PATH);
  const cg = c / g, og = o / g, k = cg * word(meta, KH) * word(meta, KW);
  const oh = word(meta, OH), ow = word(meta, OW), l = oh * ow, plane = word(meta, H) * word(meta, W);
  const rows = word(meta, ROWS), cols = work + <usize>conv_cols_offset();
  memory.fill(dw, 0, <usize>(o * k) << 2);
  if (db != 0) memory.fill(db, 0, <usize>o << 2);
  for (let n = n0; n < n1; n++) {
    for (let gi = 0; gi < g; gi++) {
      const xg = at(x, (n * c + gi * cg) * plane), gg = at(gy, (n * o + gi * og) * l);
      const dwg = at(dw, gi * og * k);
      if (db != 0) {
        for (let oc = 0; oc < og; oc++) {
          const p = at(db, gi * og + oc);
          store<f32>(p, load<f32>(p) + sumRow(at(gg, oc * l), l));
        }
      }
      if (path == DIRECT) {
        for (let oc = 0; oc < og; oc++) directBackwardWeight(meta, xg, at(gg, oc * l), at(dwg, oc * k));
        continue;
      }
      // gy·colsᵀ: B(p, j) = cols[j][p] is the column block read down its columns
      if (path == POINTWISE) {
        gemm_f32(og, k, l, gg, l, 1, xg, 1, l, dwg, k, 1, work);
        continue;
      }
      for (let oy0 = 0; oy0 < oh; oy0 += rows) {
        const oy1 = min(oh, oy0 + rows), lb = (oy1 - oy0) * ow;
        im2col(meta, xg, cg, oy0, oy1, cols);
        gemm_f32(og, k, lb, at(gg, oy0 * ow), l, 1, cols, 1, lb, dwg, k, 1, work);
      }
    }
  }
}

/** out[i] = Σ_p parts[p·size + i] over `count` partial buffers, in order. */
export function conv_sum_f32(parts: usize, count: i32, size: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    let acc = v128.load(at(parts, i));
    for (let p = 1; p < count; p++) acc = f32x4.add(acc, v128.load(at(parts, p * size + i)));
    v128.store(at(out, i), acc);
  }
  for (; i < size; i++) {
    let acc = load<f32>(at(parts, i));
    for (let p = 1; p < count; p++) acc += load<f32>(at(parts, p * size + i));
    store<f32>(at(out, i), acc);
  }
}
