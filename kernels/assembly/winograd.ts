// Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2016) for 3×3, stride-1, undilated
// convolutions: each 2×2 output tile costs 16 multiplies per channel pair instead of 36, so the GEMMs
// carry 2.25× fewer multiply-adds than im2col's. With U = G·g·Gᵀ (weights), V = Bᵀ·d·B (4×4 input
// tiles, 2 apart) and Y = Aᵀ·(U ⊙ V)·A, the channel sums become 16 GEMMs M[ξ] = U[ξ]·V[ξ] over all
// tiles of a block of images. The input gradient is the same computation on the output gradient with the
// kernels rotated by 180°, channels swapped and padding 2 − p; the weight gradient is
// Gᵀ·(Σ (A·dY·Aᵀ)[ξ]·V[ξ]ᵀ)·G. Transforms run on four horizontally adjacent tiles at once, from
// zero-padded copies of the planes, so no tile needs bounds checks.
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
//   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
import { gemm_f32 } from "./gemm";
import { conv_cols_offset } from "./conv";
import { copyRow, fillRow } from "./rows";

const C = 1, H = 2, W = 3, O = 4, G = 5, PH = 10, PW = 11, OH = 14, OW = 15, IMGS = 18;

// @ts-ignore: decorator
@inline function word(meta: usize, i: i32): i32 {
  return load<i32>(meta + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function ceil4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Writes the first n (1..4) lanes of v. */
function storeLanes(p: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(p, v); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

/** Copies `channels` planes ih×iw into zero-padded planes hp×wp, offset by (top, left). */
function padPlanes(x: usize, channels: i32, ih: i32, iw: i32, top: i32, left: i32, dst: usize, hp: i32,
  wp: i32): void {
  const r0 = max(0, top), r1 = min(hp, ih + top);   // padded rows that hold input rows
  const c0 = max(0, left), c1 = max(c0, min(wp, iw + left));
  for (let c = 0; c < channels; c++) {
    const src = at(x, c * ih * iw), plane = at(dst, c * hp * wp);
    fillRow(plane, 0, r0 * wp);
    for (let r = r0; r < r1; r++) {
      const row = at(plane, r * wp);
      fillRow(row, 0, c0);
      copyRow(at(row, c0), at(src, (r - top) * iw + c0 - left), 1, c1 - c0);
      fillRow(at(row, c1), 0, wp - c1);
    }
    fillRow(at(plane, r1 * wp), 0, (hp - r1) * wp);
  }
}

/** Even and odd lanes of eight floats at p: columns 0 and 1 of four tiles 2 apart. */
// @ts-ignore: decorator
@inline function evens(p: usize): v128 {
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
}
// @ts-ignore: decorator
@inline function odds(p: usize): v128 {
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 1, 3, 5, 7);
}

/** Columns 0..3 of four 4-wide tiles 2 apart, from the ten floats at p. */
// @ts-ignore: decorator
@inline function column(p: usize, j: i32): v128 {
  const lo = v128.load(p + <usize>((j & 2) << 2)), hi = v128.load(p + <usize>((j & 2) << 2), 16);
  return (j & 1) == 0 ? v128.shuffle<f32>(lo, hi, 0, 2, 4, 6) : v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
}

/**
 * V = Bᵀ·d·B of the four tiles starting at padded row `row` (row stride wp floats), stored as 16
 * vectors `xi` bytes apart from `v`, `n` lanes valid. Bᵀ·d combines rows (d0 − d2, d1 + d2, d2 − d1,
 * d1 − d3), ·B the same on columns.
 */
function inputTiles(row: usize, wp: i32, v: usize, xi: usize, n: i32): void {
  const r1 = at(row, wp), r2 = at(row, 2 * wp), r3 = at(row, 3 * wp);
  for (let j = 0; j < 4; j++) {
    const d0 = column(row, j), d1 = column(r1, j), d2 = column(r2, j), d3 = column(r3, j);
    // column j of Bᵀ·d, parked in V's slots of column j (rows 0..3), transformed along rows below;
    // only the valid lanes: the others belong to tiles of the next row, image or channel
    const q = v + <usize>j * xi;
    storeLanes(q, f32x4.sub(d0, d2), n);
    storeLanes(q + 4 * xi, f32x4.add(d1, d2), n);
    storeLanes(q + 8 * xi, f32x4.sub(d2, d1), n);
    storeLanes(q + 12 * xi, f32x4.sub(d1, d3), n);
  }
  for (let a = 0; a < 4; a++) {
    const p = v + <usize>(a * 4) * xi;
    const t0 = v128.load(p), t1 = v128.load(p + xi), t2 = v128.load(p + 2 * xi), t3 = v128.load(p + 3 * xi);
    storeLanes(p, f32x4.sub(t0, t2), n);
    storeLanes(p + xi, f32x4.add(t1, t2), n);
    storeLanes(p + 2 * xi, f32x4.sub(t2, t1), n);
    storeLanes(p + 3 * xi, f32x4.sub(t1, t3), n);
  }
}

/** Aᵀ·m·A of four tiles (16 vectors `xi` bytes apart from m) plus bias, written into the output plane. */
function outputTiles(m: usize, xi: usize, bias: f32, y: usize, ow: i32, rows: i32, cols: i32, n: i32,
  spill: usize): void {
  // Aᵀ·m down each column b of the 4×4 tiles: s (output row 0) and u (output row 1)
  const m00 = v128.load(m), m10 = v128.load(m + 4 * xi), m20 = v128.load(m + 8 * xi);
  const m30 = v128.load(m + 12 * xi);
  const m01 = v128.load(m + xi), m11 = v128.load(m + 5 * xi), m21 = v128.load(m + 9 * xi);
  const m31 = v128.load(m + 13 * xi);
  const m02 = v128.load(m + 2 * xi), m12 = v128.load(m + 6 * xi), m22 = v128.load(m + 10 * xi);
  const m32 = v128.load(m + 14 * xi);
  const m03 = v128.load(m + 3 * xi), m13 = v128.load(m + 7 * xi), m23 = v128.load(m + 11 * xi);
  const m33 = v128.load(m + 15 * xi);
  const s0 = f32x4.add(f32x4.add(m00, m10), m20), u0 = f32x4.sub(f32x4.sub(m10, m20), m30);
  const s1 = f32x4.add(f32x4.add(m01, m11), m21), u1 = f32x4.sub(f32x4.sub(m11, m21), m31);
  const s2 = f32x4.add(f32x4.add(m02, m12), m22), u2 = f32x4.sub(f32x4.sub(m12, m22), m32);
  const s3 = f32x4.add(f32x4.add(m03, m13), m23), u3 = f32x4.sub(f32x4.sub(m13, m23), m33);
  const bv = f32x4.splat(bias);
  const y00 = f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), bv);
  const y01 = f32x4.add(f32x4.sub(f32x4.sub(s1, s2), s3), bv);
  const y10 = f32x4.add(f32x4.add(f32x4.add(u0, u1), u2), bv);
  const y11 = f32x4.add(f32x4.sub(f32x4.sub(u1, u2), u3), bv);
  if (n == 4 && cols >= 8 && rows >= 2) {
    v128.store(y, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
    v128.store(y, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
    const y1 = at(y, ow);
    v128.store(y1, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
    v128.store(y1, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
    return;
  }
  // an edge: spill the four vectors and write the outputs that exist
  v128.store(spill, y00); v128.store(spill, y01, 16); v128.store(spill, y10, 32); v128.store(spill, y11, 48);
  for (let k = 0; k < n; k++) {
    for (let r = 0; r < min(rows, 2); r++) {
      for (let c = 0; c < 2 && 2 * k + c < cols; c++) {
        store<f32>(at(y, r * ow + 2 * k + c), load<f32>(at(spill, (r * 2 + c) * 4 + k)));
      }
    }
  }
}

/**
 * Convolution of planes [inTotal, ih, iw] per image into [outTotal, oh, ow] per image, tiles of 2×2
 * outputs, for images [n0, n1) in blocks of `imgs`. U holds the transformed kernels per group as
 * [16][outG × inG] read with strides (rsA, csA); padding (top, left) may be up to 2.
 */
function convolve(x: usize, inTotal: i32, ih: i32, iw: i32, top: i32, left: i32, y: usize, outTotal: i32,
  oh: i32, ow: i32, groups: i32, u: usize, rsA: i32, csA: i32, bias: usize, n0: i32, n1: i32, imgs: i32,
  work: usize): void {
  const inG = inTotal / groups, outG = outTotal / groups;
  const th = (oh + 1) >> 1, tw = (ow + 1) >> 1, tiles = th * tw;
  const hp = 2 * th + 2, wp = 2 * ceil4(tw) + 2;
  const spill = work + <usize>conv_cols_offset();
  const padded = spill + 64;
  const v = at(padded, imgs * inTotal * hp * wp);
  const blockTiles = imgs * tiles;
  const m = at(v, 16 * inG * blockTiles);
  for (let b0 = n0; b0 < n1; b0 += imgs) {
    const count = min(imgs, n1 - b0), tb = count * tiles;
    padPlanes(at(x, b0 * inTotal * ih * iw), count * inTotal, ih, iw, top, left, padded, hp, wp);
    // V and M are [channel][ξ][tile]: the 16 slots of one channel's tiles sit within 16·tb floats
    const xiBytes = <usize>tb << 2, stride = 16 * tb;
    for (let gi = 0; gi < groups; gi++) {
      for (let b = 0; b < count; b++) {
        for (let c = 0; c < inG; c++) {
          const plane = at(padded, ((b * inTotal) + gi * inG + c) * hp * wp);
          for (let ty = 0; ty < th; ty++) {
            for (let tx = 0; tx < tw; tx += 4) {
              const t = b * tiles + ty * tw + tx;
              inputTiles(at(plane, 2 * ty * wp + 2 * tx), wp, at(v, c * stride + t), xiBytes,
                min(4, tw - tx));
            }
          }
        }
      }
      for (let xi = 0; xi < 16; xi++) {
        gemm_f32(outG, tb, inG, at(u, (gi * 16 + xi) * outG * inG), rsA, csA, at(v, xi * tb), stride, 1,
          at(m, xi * tb), stride, 0, work);
      }
      for (let b = 0; b < count; b++) {
        for (let o = 0; o < outG; o++) {
          const channel = gi * outG + o;
          const bv: f32 = bias != 0 ? load<f32>(at(bias, channel)) : 0;
          const plane = at(y, ((b0 + b) * outTotal + channel) * oh * ow);
          for (let ty = 0; ty < th; ty++) {
            for (let tx = 0; tx < tw; tx += 4) {
              const t = b * tiles + ty * tw + tx;
              outputTiles(at(m, o * stride + t), xiBytes, bv, at(plane, 2 * ty * ow + 2 * tx), ow,
                oh - 2 * ty, ow - 2 * tx, min(4, tw - tx), spill);
            }
          }
        }
      }
    }
  }
}

/**
 * U = G·g·Gᵀ of every 3×3 kernel of w [O, cg, 3, 3] into u [groups][16][og][cg]; with `rotate`, of
 * the kernel turned by 180° (for the input gradient).
 */
export function winograd_weights_f32(w: usize, o: i32, cg: i32, groups: i32, rotate: i32, u: usize): void {
  const og = o / groups;
  for (let oc = 0; oc < o; oc++) {
    const gi = oc / og, ol = oc - gi * og;
    for (let c = 0; c < cg; c++) {
      const k = at(w, (oc * cg + c) * 9);
      // q = G·g (4×3), row a; then row a of U = q·Gᵀ
      for (let a = 0; a < 4; a++) {
        let q0: f32 = 0, q1: f32 = 0, q2: f32 = 0;
        for (let j = 0; j < 3; j++) {
          const g0 = load<f32>(at(k, rotate ? 8 - j : j)), g1 = load<f32>(at(k, rotate ? 5 - j : 3 + j));
          const g2 = load<f32>(at(k, rotate ? 2 - j : 6 + j));
          const q: f32 = a == 0 ? g0 : a == 1 ? (g0 + g1 + g2) * 0.5 : a == 2 ? (g0 - g1 + g2) * 0.5 : g2;
          if (j == 0) q0 = q; else if (j == 1) q1 = q; else q2 = q;
        }
        const p = at(u, ((gi * 16 + a * 4) * og + ol) * cg + c), step = <usize>(og * cg) << 2;
        store<f32>(p, q0);
        store<f32>(p + step, (q0 + q1 + q2) * 0.5);
        store<f32>(p + 2 * step, (q0 - q1 + q2) * 0.5);
        store<f32>(p + 3 * step, q2);
      }
    }
  }
}

/** Forward (mode 0: x → y with U) or input gradient (mode 1: dy → dx, rotated U) of images [n0, n1). */
export function winograd_f32(meta: usize, x: usize, u: usize, bias: usize, y: usize, mode: i32, n0: i32,
  n1: i32, work: usize): void {
  const c = word(meta, C), h = word(meta, H), w = word(meta, W), o = word(meta, O), g = word(meta, G);
  const ph = word(meta, PH), pw = word(meta, PW), oh = word(meta, OH), ow = word(meta, OW);
  const imgs = word(meta, IMGS), cg = c / g;
  if (mode == 0) convolve(x, c, h, w, ph, pw, y, o, oh, ow, g, u, cg, 1, bias, n0, n1, imgs, work);
  else convolve(x, o, oh, ow, 2 - ph, 2 - pw, y, c, h, w, g, u, 1, cg, 0, n0, n1, imgs, work);
}

/** dm = A·dy·Aᵀ of four 2×2 output-gradient tiles (rows `row` and row + gw floats) as 16 vectors. */
function gradTiles(row: usize, gw: i32, m: usize, xi: usize, n: i32): void {
  const r1 = at(row, gw);
  const a00 = evens(row), a01 = odds(row), a10 = evens(r1), a11 = odds(r1);
  const zero = f32x4.splat(0);
  // P = A·dy (4×2), then each row of P times Aᵀ: (p0, p0 + p1, p0 − p1, −p1)
  for (let a = 0; a < 4; a++) {
    const p0 = a == 0 ? a00 : a == 1 ? f32x4.add(a00, a10) : a == 2 ? f32x4.sub(a00, a10)
      : f32x4.sub(zero, a10);
    const p1 = a == 0 ? a01 : a == 1 ? f32x4.add(a01, a11) : a == 2 ? f32x4.sub(a01, a11)
      : f32x4.sub(zero, a11);
    const q = m + <usize>(a * 4) * xi;
    storeLanes(q, p0, n);
    storeLanes(q + xi, f32x4.add(p0, p1), n);
    storeLanes(q + 2 * xi, f32x4.sub(p0, p1), n);
    storeLanes(q + 3 * xi, f32x4.sub(zero, p1), n);
  }
}

/** Bytes past conv_cols_offset() one thread needs: mode 0 forward, 1 input gradient, 2 weight gradient. */
export function winograd_workspace_bytes(meta: usize, mode: i32): i32 {
  const c = word(meta, C), o = word(meta, O), g = word(meta, G), imgs = word(meta, IMGS);
  const ih = mode == 1 ? word(meta, OH) : word(meta, H), iw = mode == 1 ? word(meta, OW) : word(meta, W);
  const oh = mode == 1 ? word(meta, H) : word(meta, OH), ow = mode == 1 ? word(meta, W) : word(meta, OW);
  const inTotal = mode == 1 ? o : c, outTotal = mode == 1 ? c : o;
  const th = (oh + 1) >> 1, tw = (ow + 1) >> 1, tiles = imgs * th * tw;
  let floats = 16 + imgs * inTotal * (2 * th + 2) * (2 * ceil4(tw) + 2);
  floats += 16 * (inTotal + outTotal) / g * tiles + 16;
  if (mode == 2) floats += imgs * outTotal * (2 * th) * (2 * ceil4(tw)) + 16 * (c / g) * o;
  return floats << 2;
}

/**
 * The weight gradient Gᵀ·(Σ over the tiles of images [n0, n1) of dm[ξ]·V[ξ]ᵀ)·G, written to dw
 * [O, C/G, 3, 3] (and Σ dy to db [O] unless db is 0): this call's partial sums.
 */
export function winograd_backward_weight_f32(meta: usize, x: usize, gy: usize, dw: usize, db: usize, n0: i32,
  n1: i32, work: usize): void {
  const c = word(meta, C), ih = word(meta, H), iw = word(meta, W), o = word(meta, O), g = word(meta, G);
  const ph = word(meta, PH), pw = word(meta, PW), oh = word(meta, OH), ow = word(meta, OW);
  const imgs = word(meta, IMGS), cg = c / g, og = o / g;
  const th = (oh + 1) >> 1, tw = (ow + 1) >> 1, tiles = th * tw;
  const hp = 2 * th + 2, wp = 2 * ceil4(tw) + 2, gh = 2 * th, gw = 2 * ceil4(tw);
  const spill = work + <usize>conv_cols_offset();
  const padded = spill + 64;
  const gpad = at(padded, imgs * c * hp * wp);
  const v = at(gpad, imgs * o * gh * gw);
  const m = at(v, 16 * cg * imgs * tiles);
  const du = at(m, 16 * og * imgs * tiles + 16);
  memory.fill(du, 0, <usize>(g * 16 * og * cg) << 2);
  if (db != 0) memory.fill(db, 0, <usize>o << 2);
  for (let b0 = n0; b0 < n1; b0 += imgs) {
    const count = min(imgs, n1 - b0), tb = count * tiles;
    padPlanes(at(x, b0 * c * ih * iw), count * c, ih, iw, ph, pw, padded, hp, wp);
    padPlanes(at(gy, b0 * o * oh * ow), count * o, oh, ow, 0, 0, gpad, gh, gw);
    if (db != 0) {
      for (let b = 0; b < count; b++) {
        for (let oc = 0; oc < o; oc++) {
          const plane = at(gy, ((b0 + b) * o + oc) * oh * ow);
          let total: f32 = 0;
          for (let i = 0; i < oh * ow; i++) total += load<f32>(at(plane, i));
          store<f32>(at(db, oc), load<f32>(at(db, oc)) + total);
        }
      }
    }
    const xiBytes = <usize>tb << 2, stride = 16 * tb;
    for (let gi = 0; gi < g; gi++) {
      for (let b = 0; b < count; b++) {
        for (let ty = 0; ty < th; ty++) {
          for (let tx = 0; tx < tw; tx += 4) {
            const t = b * tiles + ty * tw + tx, n = min(4, tw - tx);
            for (let ci = 0; ci < cg; ci++) {
              const plane = at(padded, (b * c + gi * cg + ci) * hp * wp);
              inputTiles(at(plane, 2 * ty * wp + 2 * tx), wp, at(v, ci * stride + t), xiBytes, n);
            }
            for (let oi = 0; oi < og; oi++) {
              const plane = at(gpad, (b * o + gi * og + oi) * gh * gw);
              gradTiles(at(plane, 2 * ty * gw + 2 * tx), gw, at(m, oi * stride + t), xiBytes, n);
            }
          }
        }
      }
      // dU[ξ] (og × cg) += dm[ξ] (og × tiles) · V[ξ]ᵀ (tiles × cg)
      for (let xi = 0; xi < 16; xi++) {
        gemm_f32(og, cg, tb, at(m, xi * tb), stride, 1, at(v, xi * tb), 1, stride,
          at(du, (gi * 16 + xi) * og * cg), cg, 1, work);
      }
    }
  }
  // dw = Gᵀ·dU·G per kernel: rows (u0 + (u1 + u2)/2, (u1 − u2)/2, (u1 + u2)/2 + u3), then the columns
  const step = <usize>(og * cg) << 2;
  for (let oc = 0; oc < o; oc++) {
    const gi = oc / og, ol = oc - gi * og;
    for (let ci = 0; ci < cg; ci++) {
      const k = at(dw, (oc * cg + ci) * 9);
      for (let b = 0; b < 4; b++) {
        const p = at(du, ((gi * 16 + b) * og + ol) * cg + ci);
        const u0 = load<f32>(p), u1 = load<f32>(p + 4 * step), u2 = load<f32>(p + 8 * step);
        const u3 = load<f32>(p + 12 * step);
        // row i of Gᵀ·dU at column b, kept in the spill area
        store<f32>(at(spill, b), u0 + (u1 + u2) * 0.5);
        store<f32>(at(spill, 4 + b), (u1 - u2) * 0.5);
        store<f32>(at(spill, 8 + b), (u1 + u2) * 0.5 + u3);
      }
      for (let i = 0; i < 3; i++) {
        const r = at(spill, 4 * i);
        const r0 = load<f32>(r), r1 = load<f32>(r, 4), r2 = load<f32>(r, 8), r3 = load<f32>(r, 12);
        store<f32>(at(k, 3 * i), r0 + (r1 + r2) * 0.5);
        store<f32>(at(k, 3 * i + 1), (r1 - r2) * 0.5);
        store<f32>(at(k, 3 * i + 2), (r1 + r2) * 0.5 + r3);
      }
    }
  }
}
