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

/** The 2×2, stride-2, unpadded window: four loads, no bounds checks. */
function pool2x2(x: usize, w: i32, y: usize, index: usize, oh: i32, ow: i32): void {
  for (let oy = 0; oy < oh; oy++) {
    const r0 = 2 * oy * w, r1 = r0 + w;
    for (let ox = 0; ox < ow; ox++) {
      let best = load<f32>(at(x, r0 + 2 * ox)), bi = r0 + 2 * ox;
      let v = load<f32>(at(x, r0 + 2 * ox + 1));
      if (v > best || v != v) { best = v; bi = r0 + 2 * ox + 1; }
      v = load<f32>(at(x, r1 + 2 * ox));
      if (v > best || v != v) { best = v; bi = r1 + 2 * ox; }
      v = load<f32>(at(x, r1 + 2 * ox + 1));
      if (v > best || v != v) { best = v; bi = r1 + 2 * ox + 1; }
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
            if (v > best || v != v || bi < 0) { best = v; bi = iy * w + ix; }
          }
        }
        store<f32>(at(yp, oy * ow + ox), best);
        store<i32>(at(ip, oy * ow + ox), bi);
      }
    }
  }
}

/** dx [p0, p1) planes = 0, then each output gradient added at its recorded index (-1: nowhere). */
export function max_pool2d_backward_f32(meta: usize, gy: usize, index: usize, dx: usize, p0: i32, p1: i32): void {
  const plane = word(meta, H) * word(meta, W), out = word(meta, OH) * word(meta, OW);
  for (let p = p0; p < p1; p++) {
    const dp = at(dx, p * plane), gp = at(gy, p * out), ip = at(index, p * out);
    memory.fill(dp, 0, <usize>plane << 2);
    for (let i = 0; i < out; i++) {
      const j = load<i32>(at(ip, i));
      if (j >= 0) store<f32>(at(dp, j), load<f32>(at(dp, j)) + load<f32>(at(gp, i)));
    }
  }
}
