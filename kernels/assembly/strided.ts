// Strided copy between two views of the same element size (4 or 8 bytes), the data movement behind
// contiguous(), cat, transposes, broadcasts and fills. Strides are in elements and may be 0.
import { gather4 } from "./binary";

/** Output rows per block of the transpose: their partial cache lines stay in L1 across the columns. */
const BLOCK_ROWS = 32;

/**
 * dst[i·sd] = src[i·ss] for one row: a bulk copy when both are contiguous, vector gathers when only
 * the destination is, element by element otherwise.
 */
@inline function row4(src: usize, ss: i32, dst: usize, sd: i32, n: i32): void {
  if (ss == 1 && sd == 1) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  let i = 0;
  if (sd == 1) {
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), gather4(src + (<usize>(i * ss) << 2), ss));
  }
  for (; i < n; i++) store<i32>(dst + (<usize>(i * sd) << 2), load<i32>(src + (<usize>(i * ss) << 2)));
}

@inline function row8(src: usize, ss: i32, dst: usize, sd: i32, n: i32): void {
  if (ss == 1 && sd == 1) {
    memory.copy(dst, src, <usize>n << 3);
    return;
  }
  for (let i = 0; i < n; i++) {
    store<i64>(dst + (<usize>(i * sd) << 3), load<i64>(src + (<usize>(i * ss) << 3)));
  }
}

/** Writes the transpose of four source rows (4 floats each, rows `ss` apart) to four output rows. */
@inline function transpose4x4(src: usize, ss: usize, dst: usize, sd: usize): void {
  const a = v128.load(src), b = v128.load(src + ss), c = v128.load(src + 2 * ss), d = v128.load(src + 3 * ss);
  const t0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), t1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(c, d, 0, 4, 1, 5), t3 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + sd, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * sd, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * sd, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
}

/**
 * dst[r][c] = src[c·ss + r] (a transpose: the source walks columns) in 4x4 register transposes,
 * BLOCK_ROWS output rows at a time so each source cache line is read once; edges element by element.
 */
function transpose(src: usize, ss: i32, dst: usize, sd: i32, rows: i32, cols: i32): void {
  const ssb = <usize>ss << 2, sdb = <usize>sd << 2;
  const rows4 = rows & ~3, cols4 = cols & ~3;
  for (let r0 = 0; r0 < rows4; r0 += BLOCK_ROWS) {
    const r1 = min(r0 + BLOCK_ROWS, rows4);
    for (let c = 0; c < cols4; c += 4) {
      for (let r = r0; r < r1; r += 4) {
        const from = src + <usize>c * ssb + (<usize>r << 2), to = dst + <usize>r * sdb + (<usize>c << 2);
        transpose4x4(from, ssb, to, sdb);
      }
    }
  }
  for (let r = 0; r < rows; r++) {
    const c0 = r < rows4 ? cols4 : 0;
    for (let c = c0; c < cols; c++) {
      store<i32>(dst + <usize>r * sdb + (<usize>c << 2), load<i32>(src + <usize>c * ssb + (<usize>r << 2)));
    }
  }
}

/**
 * Copies over nd dims (merged where possible, nd >= 1) with 4-byte (wide = 0) or 8-byte elements.
 * meta holds shape[nd], srcStrides[nd], dstStrides[nd] and nd words of scratch (i32 each).
 */
export function copy_nd(nd: i32, meta: usize, src: usize, dst: usize, wide: i32): void {
  const w = <usize>nd << 2;
  const shape = meta, sS = meta + w, sD = sS + w, idx = sD + w;
  const last = w - 4;
  const n = load<i32>(shape + last), ss = load<i32>(sS + last), sd = load<i32>(sD + last);
  if (nd == 2 && !wide && sd == 1 && ss != 1 && ss != 0 && load<i32>(sS) == 1 && n >= 4) {
    transpose(src, ss, dst, load<i32>(sD), load<i32>(shape), n);
    return;
  }
  const shift: usize = wide ? 3 : 2;
  let rows = 1;
  for (let k = 0; k < nd - 1; k++) {
    rows *= load<i32>(shape + (<usize>k << 2));
    store<i32>(idx + (<usize>k << 2), 0);
  }
  for (let r = 0; r < rows; r++) {
    if (wide) row8(src, ss, dst, sd, n);
    else row4(src, ss, dst, sd, n);
    for (let k = nd - 2; k >= 0; k--) {
      const kk = <usize>k << 2;
      const size = load<i32>(shape + kk), ds = load<i32>(sS + kk), dd = load<i32>(sD + kk);
      src += <usize>ds << shift;
      dst += <usize>dd << shift;
      const c = load<i32>(idx + kk) + 1;
      if (c < size) { store<i32>(idx + kk, c); break; }
      store<i32>(idx + kk, 0);
      src -= <usize>(ds * size) << shift;
      dst -= <usize>(dd * size) << shift;
    }
  }
}
