// GEMM packing (BLIS): copies a block of A into MR-tall row panels and a block of B into NR-wide column
// panels, each laid out in the order the microkernel reads it (k-major), so the microkernel does only
// unit-stride loads whatever the operands' strides. Transposed operands are just other strides here:
// A(i, p) = A[i·rs + p·cs] and B(p, j) = B[p·rs + j·cs], which is why Aᵀ·B and A·Bᵀ run as fast as
// A·B.
// Panels past the matrix edge are zero-padded in M and N (never in K, so no 0·Inf reaches valid outputs).
import { MR, NR } from "./gemm-micro";

/** Stores the transpose of the 4×4 block with rows r0..r3 as 4 rows of 4 floats, `stride` bytes apart. */
// @ts-ignore: decorator
@inline function storeTransposed(d: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(d + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(d + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** One full A panel whose rows are contiguous in k (A row-major): 4×4 transposes, then the last rows. */
function packAPanelRows(kc: i32, src: usize, rs: usize, dst: usize): void {
  const step: usize = MR * 4;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = src + (<usize>p << 2);
    const d = dst + <usize>p * step;
    storeTransposed(d, step, v128.load(s), v128.load(s + rs), v128.load(s + 2 * rs), v128.load(s + 3 * rs));
    for (let r = 4; r < MR; r++) {
      const v = v128.load(s + <usize>r * rs);
      const dr = d + (<usize>r << 2);
      v128.store_lane<f32>(dr, v, 0);
      v128.store_lane<f32>(dr + step, v, 1);
      v128.store_lane<f32>(dr + 2 * step, v, 2);
      v128.store_lane<f32>(dr + 3 * step, v, 3);
    }
  }
  for (; p < kc; p++) {
    const s = src + (<usize>p << 2);
    const d = dst + <usize>p * step;
    for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), load<f32>(s + <usize>r * rs));
  }
}

/** One full A panel whose columns are contiguous in i (a transposed A view): MR floats per k step. */
function packAPanelColumns(kc: i32, src: usize, cs: usize, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    v128.store(dst, v128.load(src));
    for (let r = 4; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(src + (<usize>r << 2)));
    src += cs;
    dst += MR * 4;
  }
}

/** Any strides, `rows` ≤ MR valid rows, zero padding below them. */
function packAPanelGeneric(rows: i32, kc: i32, src: usize, rs: usize, cs: usize, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    const s = src + <usize>p * cs;
    for (let r = 0; r < MR; r++) {
      store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(s + <usize>r * rs) : 0);
    }
    dst += MR * 4;
  }
}

/** Packs the mc×kc block of A at `src` (element strides rs, cs) into ⌈mc/MR⌉ panels of MR·kc floats. */
export function gemm_pack_a(mc: i32, kc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  const rsBytes = <usize>rs << 2, csBytes = <usize>cs << 2;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min(MR, mc - i0);
    const panel = src + <usize>i0 * rsBytes;
    if (rows == MR && cs == 1) packAPanelRows(kc, panel, rsBytes, dst);
    else if (rows == MR && rs == 1) packAPanelColumns(kc, panel, csBytes, dst);
    else packAPanelGeneric(rows, kc, panel, rsBytes, csBytes, dst);
    dst += <usize>(MR * kc) << 2;
  }
}

/** One full B panel whose rows are contiguous in j (B row-major): two vector copies per k step. */
function packBPanelRows(kc: i32, src: usize, rs: usize, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    src += rs;
    dst += NR * 4;
  }
}

/** One full B panel whose columns are contiguous in k (a transposed B view): two 4×4 transposes. */
function packBPanelColumns(kc: i32, src: usize, cs: usize, dst: usize): void {
  const step: usize = NR * 4;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const s = src + (<usize>p << 2);
    const d = dst + <usize>p * step;
    storeTransposed(d, step, v128.load(s), v128.load(s + cs), v128.load(s + 2 * cs), v128.load(s + 3 * cs));
    const s4 = s + 4 * cs;
    storeTransposed(d + 16, step, v128.load(s4), v128.load(s4 + cs), v128.load(s4 + 2 * cs),
      v128.load(s4 + 3 * cs));
  }
  for (; p < kc; p++) {
    const s = src + (<usize>p << 2);
    const d = dst + <usize>p * step;
    for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(s + <usize>c * cs));
  }
}

/** Any strides, `cols` ≤ NR valid columns, zero padding right of them. */
function packBPanelGeneric(cols: i32, kc: i32, src: usize, rs: usize, cs: usize, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    const s = src + <usize>p * rs;
    for (let c = 0; c < NR; c++) {
      store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(s + <usize>c * cs) : 0);
    }
    dst += NR * 4;
  }
}

/** Packs the kc×nc block of B at `src` (element strides rs, cs) into ⌈nc/NR⌉ panels of NR·kc floats. */
export function gemm_pack_b(kc: i32, nc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  const rsBytes = <usize>rs << 2, csBytes = <usize>cs << 2;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    const panel = src + <usize>j0 * csBytes;
    if (cols == NR && cs == 1) packBPanelRows(kc, panel, rsBytes, dst);
    else if (cols == NR && rs == 1) packBPanelColumns(kc, panel, csBytes, dst);
    else packBPanelGeneric(cols, kc, panel, rsBytes, csBytes, dst);
    dst += <usize>(NR * kc) << 2;
  }
}
