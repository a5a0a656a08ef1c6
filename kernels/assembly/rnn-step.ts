// A whole recurrent step for a block of batch rows, GEMM included, so that threads split a step by rows
// and each runs its rows' GEMM and then their gate kernel with no barrier in between (the gate kernels
// were otherwise serial, after the GEMM's join). The recurrent weight is packed once per sequence
// (rnn_pack_weight_f32) and shared by every thread and step: the per-step GEMM only packs its few rows
// of A. Packing and microkernels are gemm.ts's; the BLIS loops are repeated here for a packed B.
import { MR, NR, gemm_micro_5x8, gemm_micro_6x8 } from "./gemm-micro";
import { gemm_pack_a, gemm_pack_b } from "./gemm-pack";
import {
  gru_backward_f32, gru_forward_f32, lstm_backward_f32, lstm_forward_f32, rnn_backward_f32, rnn_forward_f32,
} from "./rnn";

const KC: i32 = 256;
const MC: i32 = MR * 24;
const AP_BYTES: usize = <usize>(MC * KC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;

// cell codes, as src/backend/wasm/recurrent.ts sends them
const LSTM = 0;
const GRU = 1;
const RNN_TANH = 2;

/** Bytes of scratch one thread needs for the steps (a packed A block and an edge tile). */
export function rnn_workspace_bytes(): i32 {
  return <i32>(AP_BYTES + TILE_BYTES);
}

/** Bytes of a packed k×n weight: K blocks of KC rows, each ceil(n/NR) panels of NR columns. */
export function rnn_packed_bytes(k: i32, n: i32): i32 {
  return k * ((n + NR - 1) / NR) * NR * 4;
}

/** Packs B (B(p, j) = b[p·rsB + j·csB], k×n) into the layout `packedGemm` reads. */
export function rnn_pack_weight_f32(k: i32, n: i32, b: usize, rsB: i32, csB: i32, dst: usize): void {
  const panels = (n + NR - 1) / NR;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    gemm_pack_b(kc, n, b + (<usize>(pc * rsB) << 2), rsB, csB, dst + (<usize>(pc * panels * NR) << 2));
  }
}

// @ts-ignore: decorator
@inline function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, add: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemm_micro_6x8(kc, ap, bp, c, ldc, add);
  else gemm_micro_5x8(kc, ap, bp, c, ldc, add);
}

/** C (m×n, row-major, ldc) = or += A (row-major, lda) · B, with B packed by rnn_pack_weight_f32. */
function packedGemm(m: i32, n: i32, k: i32, a: usize, lda: i32, bp: usize, c: usize, ldc: i32,
  accumulate: i32, work: usize): void {
  const ap = work, tile = work + AP_BYTES;
  const ldcBytes = <usize>ldc << 2;
  const panels = (n + NR - 1) / NR;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const add = accumulate | i32(pc > 0);
    const block = bp + (<usize>(pc * panels * NR) << 2);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      gemm_pack_a(mc, kc, a + (<usize>(ic * lda + pc) << 2), lda, 1, ap);
      for (let jr = 0; jr < n; jr += NR) {
        const nr = min(NR, n - jr);
        const bPanel = block + (<usize>(jr * kc) << 2);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          const aPanel = ap + (<usize>(ir * kc) << 2);
          const cTile = c + <usize>(ic + ir) * ldcBytes + (<usize>jr << 2);
          if (mr == MR && nr == NR) {
            micro(kc, aPanel, bPanel, cTile, ldcBytes, add);
            continue;
          }
          // edge: the full tile into scratch, then its valid corner
          micro(kc, aPanel, bPanel, tile, NR * 4, 0);
          for (let r = 0; r < mr; r++) {
            const t = tile + (<usize>(r * NR) << 2), cr = cTile + <usize>r * ldcBytes;
            for (let j = 0; j < nr; j++) {
              const cj = cr + (<usize>j << 2);
              const v = load<f32>(t + (<usize>j << 2));
              store<f32>(cj, add ? load<f32>(cj) + v : v);
            }
          }
        }
      }
    }
  }
}

function gatesOf(cell: i32): i32 {
  return cell == LSTM ? 4 : cell == GRU ? 3 : 1;
}

/**
 * Forward step for `rows` batch rows (every pointer already at the block's first row; mask at its
 * first entry): hh = h_prev·W_hhᵀ with the packed weight, then the fused gate kernel of rnn.ts. The
 * thread pool passes at most 14 arguments, so the cell-specific state shares two: LSTM (a, b) =
 * (c_prev, c_next); GRU a = extra (hh_n + b_hn).
 */
export function rnn_forward_rows_f32(cell: i32, rows: i32, H: i32, packed: usize, hPrev: usize, x: usize,
  hh: usize, bias: usize, mask: usize, gates: usize, hNext: usize, a: usize, b: usize, work: usize): void {
  const GH = gatesOf(cell) * H;
  packedGemm(rows, GH, H, hPrev, H, packed, hh, GH, 0, work);
  if (cell == LSTM) lstm_forward_f32(rows, H, x, hh, bias, hPrev, a, mask, gates, hNext, b);
  else if (cell == GRU) gru_forward_f32(rows, H, x, hh, bias, hPrev, mask, gates, hNext, a);
  else rnn_forward_f32(rows, H, cell != RNN_TANH, x, hh, bias, hPrev, mask, gates, hNext);
}

/**
 * Backward step for a block of rows: the fused gate adjoint, then dH += dGates·W_hh with the packed
 * weight (dGates is dX, or dHh for a GRU). Cell-specific pointers: LSTM (a, b, c) = (c_prev, c_next,
 * dC); GRU (a, b, c) = (h_prev, extra, dHh).
 */
export function rnn_backward_rows_f32(cell: i32, rows: i32, H: i32, packed: usize, gates: usize, mask: usize,
  dH: usize, dOut: usize, dX: usize, a: usize, b: usize, c: usize, work: usize): void {
  const GH = gatesOf(cell) * H;
  if (cell == LSTM) lstm_backward_f32(rows, H, gates, a, b, mask, dH, dOut, c, dX);
  else if (cell == GRU) gru_backward_f32(rows, H, gates, a, b, mask, dH, dOut, dX, c);
  else rnn_backward_f32(rows, H, cell != RNN_TANH, gates, mask, dH, dOut, dX);
  packedGemm(rows, H, GH, cell == GRU ? c : dX, GH, packed, dH, H, 1, work);
}
