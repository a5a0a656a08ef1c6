// SGEMM driver, BLIS loop order (Goto & van de Geijn 2008; Van Zee & van de Geijn 2015):
//   jc (NC columns of B) → pc (KC of K: pack a KC×NC block of B) → ic (MC rows: pack an MC×KC block
//   of A) → jr (NR) → ir (MR) → microkernel.
// Sizes for a core with a 32 KiB L1 and 512 KiB L2: one B micro-panel (KC·NR·4 = 8 KiB) and one A
// micro-panel (6 KiB) stay in L1, the packed A block (MC·KC·4 = 144 KiB) in L2, the packed B block
// (2 MiB) in L3. Measured flat for KC ≥ 256 and MC between 96 and 384.
// The caller gives each thread its own workspace; threads run disjoint row or column ranges of C.
import { MR, NR, gemm_micro_5x8, gemm_micro_6x8 } from "./gemm-micro";
import { gemm_pack_a, gemm_pack_b } from "./gemm-pack";

export { gemm_micro_5x8, gemm_micro_6x8 } from "./gemm-micro";
export { gemm_pack_a, gemm_pack_b } from "./gemm-pack";

const KC: i32 = 256;
const MC: i32 = MR * 24;
const NC: i32 = 2048;
const AP_BYTES: usize = <usize>(MC * KC) << 2;
const BP_BYTES: usize = <usize>(KC * NC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;

/** Rows of the microkernel (the JS side rounds thread splits to it). */
export function gemm_mr(): i32 {
  return MR;
}

/** Columns of the microkernel. */
export function gemm_nr(): i32 {
  return NR;
}

/** Bytes of packing workspace one thread needs (64-byte aligned by the caller). */
export function gemm_workspace_bytes(): i32 {
  return <i32>(AP_BYTES + BP_BYTES + TILE_BYTES);
}

// @ts-ignore: decorator
@inline function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, add: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    gemm_micro_6x8(kc, ap, bp, c, ldc, add);
  } else {
    gemm_micro_5x8(kc, ap, bp, c, ldc, add);
  }
}

/** Edge tile: the full microkernel into a scratch tile, then its valid mr×nr corner into C. */
function edgeTile(kc: i32, ap: usize, bp: usize, tile: usize, c: usize, ldc: usize, add: i32,
  mr: i32, nr: i32): void {
  micro(kc, ap, bp, tile, NR * 4, 0);
  for (let r = 0; r < mr; r++) {
    const t = tile + (<usize>(r * NR) << 2), cr = c + <usize>r * ldc;
    if (add) {
      for (let j = 0; j < nr; j++) {
        const cj = cr + (<usize>j << 2);
        store<f32>(cj, load<f32>(cj) + load<f32>(t + (<usize>j << 2)));
      }
    } else {
      for (let j = 0; j < nr; j++) store<f32>(cr + (<usize>j << 2), load<f32>(t + (<usize>j << 2)));
    }
  }
}

/**
 * C (m×n, row stride ldc, all in elements) = A·B, or += with `accumulate`; A(i,p) = a[i·rsA + p·csA],
 * B(p,j) = b[p·rsB + j·csB] (pointers in bytes). Requires k ≥ 1: with k = 0 C is never written.
 */
export function gemm_f32(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32, accumulate: i32, work: usize): void {
  const ap = work, bp = work + AP_BYTES, tile = bp + BP_BYTES;
  const ldcBytes = <usize>ldc << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // the first K block writes C, so C's old contents (maybe NaN) never leak in without `accumulate`
      const add = accumulate | i32(pc > 0);
      gemm_pack_b(kc, nc, b + (<usize>(pc * rsB + jc * csB) << 2), rsB, csB, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        gemm_pack_a(mc, kc, a + (<usize>(ic * rsA + pc * csA) << 2), rsA, csA, ap);
        const cBlock = c + <usize>ic * ldcBytes + (<usize>jc << 2);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = bp + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const aPanel = ap + (<usize>(ir * kc) << 2);
            const cTile = cBlock + <usize>ir * ldcBytes + (<usize>jr << 2);
            if (mr == MR && nr == NR) micro(kc, aPanel, bPanel, cTile, ldcBytes, add);
            else edgeTile(kc, aPanel, bPanel, tile, cTile, ldcBytes, add, mr, nr);
          }
        }
      }
    }
  }
}
