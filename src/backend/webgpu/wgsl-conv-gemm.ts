// Convolution as implicit GEMMs for real GPUs, none with a materialized column matrix: the forward is
// W [og, cg·taps] × cols [cg·taps, N·outH·outW] per group, the weight gradient dy [og, N·outH·outW] ×
// colsᵀ, in 64×64 blocks through workgroup memory as in wgsl-matmul.ts, the tiles reading x through
// the im2col index arithmetic (`col`: row k = (channel, tap), column = (image, output position)). The
// weight gradient's long K (images × positions) is split into slices whose partial sums
// `splitSumSource` adds.
import { bindings, perElement, prelude } from "./wgsl-common.js";

/**
 * Params of every conv kernel: N, C, O, G, inH, inW, kh, kw, strideH, strideW, padH, padW, dilationH,
 * dilationW, outH, outW, then three offsets (x or dy, weight or dy, bias) and a flag word (has bias).
 * (The tiled weight gradient's K slices are num_workgroups.y.)
 */
const geometry = `
fn N_() -> i32 { return P[0]; } fn C_() -> i32 { return P[1]; } fn O_() -> i32 { return P[2]; }
fn cg_() -> i32 { return P[1] / P[3]; } fn og_() -> i32 { return P[2] / P[3]; }
fn taps_() -> i32 { return P[6] * P[7]; } fn outPlane_() -> i32 { return P[14] * P[15]; }
// x under tap row k = (channel, ki, kj) of group grp at column q = (image, output position); 0 outside
fn col(grp: i32, k: i32, q: i32) -> f32 {
  let c = k / taps_(); let t = k % taps_();
  let n = q / outPlane_(); let p = q % outPlane_();
  let iy = (p / P[15]) * P[8] + (t / P[7]) * P[12] - P[10];
  let ix = (p % P[15]) * P[9] + (t % P[7]) * P[13] - P[11];
  if (iy < 0 || iy >= P[4] || ix < 0 || ix >= P[5]) { return 0.0; }
  return X[P[16] + ((n * P[1] + grp * cg_() + c) * P[4] + iy) * P[5] + ix];
}`;

const forwardDefs = `
fn gemmM() -> i32 { return og_(); } fn gemmN() -> i32 { return N_() * outPlane_(); }
fn gemmK() -> i32 { return cg_() * taps_(); }
fn loadA(grp: i32, m: i32, k: i32) -> f32 { return W[P[17] + (grp * og_() + m) * gemmK() + k]; }
fn loadB(grp: i32, k: i32, q: i32) -> f32 { return col(grp, k, q); }
fn store(grp: i32, split: i32, m: i32, q: i32, v: f32) {
  let o = grp * og_() + m;
  var b = 0.0;
  if (P[19] != 0) { b = Bs_[P[18] + o]; }
  O[((q / outPlane_()) * O_() + o) * outPlane_() + q % outPlane_()] = v + b;
}`;

const weightDefs = `
fn gemmM() -> i32 { return og_(); } fn gemmN() -> i32 { return cg_() * taps_(); }
fn gemmK() -> i32 { return N_() * outPlane_(); }
fn loadA(grp: i32, m: i32, q: i32) -> f32 {
  return G[P[17] + ((q / outPlane_()) * O_() + grp * og_() + m) * outPlane_() + q % outPlane_()];
}
fn loadB(grp: i32, q: i32, k: i32) -> f32 { return col(grp, k, q); }
fn store(grp: i32, split: i32, m: i32, k: i32, v: f32) {
  O[(split * O_() + grp * og_() + m) * gemmN() + k] = v;
}`;

const forwardBindings = bindings([["O", "f32", true], ["X", "f32", false], ["W", "f32", false],
  ["Bs_", "f32", false]]);
const weightBindings = bindings([["O", "f32", true], ["X", "f32", false], ["G", "f32", false]]);

/**
 * The tiled GEMM of wgsl-matmul.ts with its operands read by loadA/loadB: workgroup x numbers the
 * 64×64 blocks of C, y the slice of K (num_workgroups.y slices), z the group.
 */
const tiledGemm = `
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bt: array<f32, 1024>;
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) nw: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let M = gemmM(); let Nc = gemmN(); let K = gemmK();
  let grp = i32(wg.z); let split = i32(wg.y);
  let per = ((K + i32(nw.y) - 1) / i32(nw.y) + 15) / 16 * 16;
  let kBegin = split * per; let kEnd = min(K, kBegin + per);
  let tilesN = (Nc + 63) / 64;
  let row0 = (i32(wg.x) / tilesN) * 64; let col0 = (i32(wg.x) % tilesN) * 64;
  let tx = i32(l.x); let ty = i32(l.y);
  let tid = ty * 16 + tx;
  var acc: array<f32, 16>;
  for (var q = 0; q < 16; q++) { acc[q] = 0.0; }
  for (var k0 = kBegin; k0 < kEnd; k0 += 16) {
    for (var q = 0; q < 4; q++) {
      let e = tid + q * 256;
      let m = e / 16; let ka = e % 16;
      var va = 0.0;
      if (row0 + m < M && k0 + ka < kEnd) { va = loadA(grp, row0 + m, k0 + ka); }
      As[ka * 64 + m] = va;
      let kb = e / 64; let n = e % 64;
      var vb = 0.0;
      if (k0 + kb < kEnd && col0 + n < Nc) { vb = loadB(grp, k0 + kb, col0 + n); }
      Bt[kb * 64 + n] = vb;
    }
    workgroupBarrier();
    for (var kk = 0; kk < 16; kk++) {
      var a: array<f32, 4>; var b: array<f32, 4>;
      for (var i = 0; i < 4; i++) { a[i] = As[kk * 64 + ty + 16 * i]; b[i] = Bt[kk * 64 + tx + 16 * i]; }
      for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) { acc[i * 4 + j] = acc[i * 4 + j] + a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0; i < 4; i++) {
    for (var j = 0; j < 4; j++) {
      let gm = row0 + ty + 16 * i; let gn = col0 + tx + 16 * j;
      if (gm < M && gn < Nc) { store(grp, split, gm, gn, acc[i * 4 + j]); }
    }
  }
}`;

/** The bindings of the conv kernels: forward out, x, weight, bias; weight gradient out, x, dy. */
export const convBindings = { forward: forwardBindings, weight: weightBindings };

/** Bindings: out [N, O, outH, outW], x, weight, bias. Workgroups [blocks, 1, groups]. */
export function conv2dGemmSource(): string {
  return prelude() + forwardBindings + geometry + forwardDefs + tiledGemm;
}

/** Bindings: out [splits, O, C/G·kh·kw], x, dy. Workgroups [blocks, splits, groups]. */
export function conv2dWeightGemmSource(): string {
  return prelude() + weightBindings + geometry + weightDefs + tiledGemm;
}

/** Params: n, splits. Bindings: out [n], partial sums [splits, n]; out[i] = Σ_s partial[s, i]. */
export function splitSumSource(): string {
  return prelude() + bindings([["O", "f32", true], ["S", "f32", false]]) + perElement(`var acc = 0.0;
  for (var s = 0; s < P[1]; s++) { acc = acc + S[s * P[0] + i]; }
  O[i] = acc;`);
}
