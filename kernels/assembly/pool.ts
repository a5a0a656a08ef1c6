// Max pooling, float32, over planes [H, W] (N·C of them, each call a range of planes). The forward
// records the flat index (row·W + column) of each window's maximum, so the backward routes each
// gradient to that one input, as PyTorch does (ties: the first maximum; NaN wins and stays).
// Meta words (i32) as the spatial part of conv.ts's: H, W, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW.
const H = 2, W = 3, KH = 6, KW = 7, SH = 8, SW = 9, PH = 10, PW = 11, DH = 12, DW = 13, OH = 14, OW = 15;

// @ts-ignore: decorator
@inline function word(meta: usize, i: i32): i32 {
  return load<i32>(meta + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** v takes over from best where it is larger or NaN (PyTorch's rule), lane by lane. */
// @ts-ignore: decorator
@inline function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
}

/**
 * The 2×2, stride-2, unpadded window, four outputs per step without branches: random data makes
 * compare-and-branch code mispredict about once per input, which costs more than the whole vector
 * version. Even and odd columns of two input rows are split by shuffles; the running maximum and its
 * index follow with bitselect.
 */
function pool2x2(x: usize, w: i32, y: usize, index: usize, oh: i32, ow: i32): void {
  const lanes = i32x4(0, 2, 4, 6);
  for (let oy = 0; oy < oh; oy++) {
    const r0 = 2 * oy * w, r1 = r0 + w;
    let ox = 0;
    for (; ox + 4 <= ow; ox += 4) {
      const p0 = at(x, r0 + 2 * ox), p1 = at(x, r1 + 2 * ox);
      const a0 = v128.load(p0), a1 = v128.load(p0, 16), b0 = v128.load(p1), b1 = v128.load(p1, 16);
      const topRight = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
      const bottomLeft = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
      const bottomRight = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
      const base = i32x4.add(i32x4.splat(r0 + 2 * ox), lanes);
      let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), bi = base;
      let take = takes(topRight, best);
      best = v128.bitselect(topRight, best, take);
      bi = v128.bitselect(i32x4.add(base, i32x4.splat(1)), bi, take);
      take = takes(bottomLeft, best);
      best = v128.bitselect(bottomLeft, best, take);
      bi = v128.bitselect(i32x4.add(base, i32x4.splat(w)), bi, take);
      take = takes(bottomRight, best);
      best = v128.bitselect(bottomRight, best, take);
      bi = v128.bitselect(i32x4.add(base, i32x4.splat(w + 1)), bi, take);
      v128.store(at(y, oy * ow + ox), best);
      v128.store(at(index, oy * ow + ox), bi);
    }
    for (; ox < ow; ox++) {
      let best = load<f32>(at(x, r0 + 2 * ox)), bi = r0 + 2 * ox;
      for (let t = 1; t < 4; t++) {
        const i = (t < 2 ? r0 : r1) + 2 * ox + (t & 1);
        const v = load<f32>(at(x, i));
        const take = v > best || v != v;
        best = select<f32>(v, best, take);
        bi = select<i32>(i, bi, take);
      }
      store<f32>(at(y, oy * ow + ox), best);
      store<i32>(at(index, oy * ow + ox), bi);
    }
  }
}

/** y, index [p0, p1) planes of [OH, OW] from x [.., H, W]; padding is never a maximum. */
export function max_pool2d_f32(meta: usize, x: usize, y: usize, index: usize, p0: i32, p1: i32): void {
  const h = word(meta, H), w = word(meta, W), kh = word(meta, KH), kw = word(meta, KW);
  const sh = word(meta, SH), sw = word(meta, SW), ph = word(meta, PH), pw = word(meta, PW);
  const dh = word(meta, DH), dw = word(meta, DW), oh = word(meta, OH), ow = word(meta, OW);
  const simple = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1 &&
    2 * oh <= h && 2 * ow <= w;
  for (let p = p0; p < p1; p++) {
    const xp = at(x, p * h * w), yp = at(y, p * oh * ow), ip = at(index, p * oh * ow);
    if (simple) {
      pool2x2(xp, w, yp, ip, oh, ow);
      continue;
    }
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity as f32, bi = -1;
        for (let ki = 0; ki < kh; ki++) {
          const iy = oy * sh + ki * dh - ph;
          if (iy < 0 || iy >= h) continue;
          for (let kj = 0; kj < kw; kj++) {
            const ix = ox * sw + kj * dw - pw;
            if (ix < 0 || ix >= w) continue;
            const v = load<f32>(at(xp, iy * w + ix));
            const take = v > best || v != v || bi < 0;
            best = select<f32>(v, best, take);
            bi = select<i32>(iy * w + ix, bi, take);
          }
        }
        store<f32>(at(yp, oy * ow + ox), best);
        store<i32>(at(ip, oy * ow + ox), bi);
      }
    }
  }
}

/**
 * The 2×2, stride-2 backward: each input cell belongs to at most one window, so every cell is written
 * once (its window's gradient where it was the arg-max, else 0), four windows per step; no zeroing pass
 * and no read-modify-write. A last row or column no window covers (odd sizes) is zeroed.
 */
function unpool2x2(gy: usize, index: usize, dx: usize, w: i32, h: i32, oh: i32, ow: i32): void {
  const lanes = i32x4(0, 2, 4, 6), zero = f32x4.splat(0);
  for (let oy = 0; oy < oh; oy++) {
    const r0 = 2 * oy * w;
    let ox = 0;
    for (; ox + 4 <= ow; ox += 4) {
      const g = v128.load(at(gy, oy * ow + ox)), i = v128.load(at(index, oy * ow + ox));
      const base = i32x4.add(i32x4.splat(r0 + 2 * ox), lanes);
      for (let r = 0; r < 2; r++) {
        const left = i32x4.add(base, i32x4.splat(r * w)), right = i32x4.add(left, i32x4.splat(1));
        const even = v128.bitselect(g, zero, i32x4.eq(i, left));
        const odd = v128.bitselect(g, zero, i32x4.eq(i, right));
        const row = at(dx, r0 + r * w + 2 * ox);
        v128.store(row, v128.shuffle<f32>(even, odd, 0, 4, 1, 5));
        v128.store(row, v128.shuffle<f32>(even, odd, 2, 6, 3, 7), 16);
      }
    }
    for (; ox < ow; ox++) {
      const g = load<f32>(at(gy, oy * ow + ox)), i = load<i32>(at(index, oy * ow + ox));
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 2; c++) {
          const cell = r0 + r * w + 2 * ox + c;
          store<f32>(at(dx, cell), select<f32>(g, 0, i == cell));
        }
      }
    }
    if (2 * ow < w) {
      for (let r = 0; r < 2; r++) memory.fill(at(dx, r0 + r * w + 2 * ow), 0, <usize>(w - 2 * ow) << 2);
    }
  }
  if (2 * oh < h) memory.fill(at(dx, 2 * oh * w), 0, <usize>((h - 2 * oh) * w) << 2);
}

/** dx [p0, p1) planes = 0, then each output gradient added at its recorded index (-1: nowhere). */
export function max_pool2d_backward_f32(meta: usize, gy: usize, index: usize, dx: usize, p0: i32,
  p1: i32): void {
  const h = word(meta, H), w = word(meta, W), oh = word(meta, OH), ow = word(meta, OW);
  const plane = h * w, out = oh * ow;
  const simple = word(meta, KH) == 2 && word(meta, KW) == 2 && word(meta, SH) == 2 && word(meta, SW) == 2 &&
    word(meta, PH) == 0 && word(meta, PW) == 0 && word(meta, DH) == 1 && word(meta, DW) == 1 &&
    2 * oh <= h && 2 * ow <= w;
  for (let p = p0; p < p1; p++) {
    const dp = at(dx, p * plane), gp = at(gy, p * out), ip = at(index, p * out);
    if (simple) {
      unpool2x2(gp, ip, dp, w, h, oh, ow);
      continue;
    }
    memory.fill(dp, 0, <usize>plane << 2);
    for (let i = 0; i < out; i++) {
      const j = load<i32>(at(ip, i));
      if (j >= 0) store<f32>(at(dp, j), load<f32>(at(dp, j)) + load<f32>(at(gp, i)));
    }
  }
}
