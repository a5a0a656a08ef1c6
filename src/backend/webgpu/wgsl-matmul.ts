// Batched GEMM with workgroup memory: each 16x16 workgroup computes a 64x64 block of C, each thread a
// 4x4 register tile (rows ty + 16i, columns tx + 16j), stepping through K in slices of 16 staged in
// shared memory. Operands are read through their strides, so transposed (and broadcast batch) operands
// need no copy.
import { bindings, prelude, type WgslType } from "./wgsl-common.js";

export const TILE = 64;

/**
 * Params: M, N, K, accumulate, batch base, a offset, b offset, rsA, csA, rsB, csB, batch rank nb,
 * batch shape[nb], a batch strides[nb], b batch strides[nb].
 */
export function matmulSource(t: WgslType, nb: number): string {
  const zero = t === "f32" ? "0.0" : "0";
  const sh = 12, as = sh + nb, bs = as + nb;
  return prelude() + bindings([["O", t, true], ["A", t, false], ["B", t, false]]) + `
var<workgroup> As: array<${t}, 1024>;
var<workgroup> Bs: array<${t}, 1024>;
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) l: vec3u) {
  let M = P[0]; let N = P[1]; let K = P[2];
  let batch = i32(wg.z) + P[4];
  var ao = P[5]; var bo = P[6]; var r = batch;
  for (var d = ${nb - 1}; d >= 0; d--) {
    let n = P[${sh} + d]; let c = r % n; r = r / n;
    ao += c * P[${as} + d]; bo += c * P[${bs} + d];
  }
  let rsA = P[7]; let csA = P[8]; let rsB = P[9]; let csB = P[10];
  // tiles numbered along x only, so that y stays free and z is the batch
  let tilesN = (N + 63) / 64;
  let row0 = (i32(wg.x) / tilesN) * 64; let col0 = (i32(wg.x) % tilesN) * 64;
  let tx = i32(l.x); let ty = i32(l.y);
  let tid = ty * 16 + tx;
  var acc: array<${t}, 16>;
  for (var q = 0; q < 16; q++) { acc[q] = ${zero}; }
  for (var k0 = 0; k0 < K; k0 += 16) {
    for (var q = 0; q < 4; q++) {
      let e = tid + q * 256;
      let m = e / 16; let ka = e % 16;
      let gm = row0 + m; let gk = k0 + ka;
      var va = ${zero};
      if (gm < M && gk < K) { va = A[ao + gm * rsA + gk * csA]; }
      As[ka * 64 + m] = va;
      let kb = e / 64; let n = e % 64;
      let gk2 = k0 + kb; let gn = col0 + n;
      var vb = ${zero};
      if (gk2 < K && gn < N) { vb = B[bo + gk2 * rsB + gn * csB]; }
      Bs[kb * 64 + n] = vb;
    }
    workgroupBarrier();
    for (var kk = 0; kk < 16; kk++) {
      var a: array<${t}, 4>; var b: array<${t}, 4>;
      for (var i = 0; i < 4; i++) { a[i] = As[kk * 64 + ty + 16 * i]; b[i] = Bs[kk * 64 + tx + 16 * i]; }
      for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) { acc[i * 4 + j] = acc[i * 4 + j] + a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0; i < 4; i++) {
    let gm = row0 + ty + 16 * i;
    for (var j = 0; j < 4; j++) {
      let gn = col0 + tx + 16 * j;
      if (gm < M && gn < N) {
        let o = batch * M * N + gm * N + gn;
        if (P[3] != 0) { O[o] = O[o] + acc[i * 4 + j]; } else { O[o] = acc[i * 4 + j]; }
      }
    }
  }
}`;
}

/**
 * The same product with a thread per element of C and no workgroup memory: for adapters where a
 * workgroup barrier is expensive (SwiftShader runs each invocation as a fiber and switches at every
 * barrier, which made the tiled kernel 10x slower there). Same params and bindings as `matmulSource`.
 */
export function matmulSimpleSource(t: WgslType, nb: number): string {
  const zero = t === "f32" ? "0.0" : "0";
  const sh = 12, as = sh + nb, bs = as + nb;
  return prelude() + bindings([["O", t, true], ["A", t, false], ["B", t, false]]) + `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  let M = P[0]; let N = P[1]; let K = P[2];
  let e = i32(g.x);
  if (e >= M * N) { return; }
  let gm = e / N; let gn = e % N;
  let batch = i32(g.z) + P[4];
  var ao = P[5]; var bo = P[6]; var r = batch;
  for (var d = ${nb - 1}; d >= 0; d--) {
    let n = P[${sh} + d]; let c = r % n; r = r / n;
    ao += c * P[${as} + d]; bo += c * P[${bs} + d];
  }
  let a0 = ao + gm * P[7]; let b0 = bo + gn * P[10];
  var acc = ${zero};
  for (var k = 0; k < K; k++) { acc = acc + A[a0 + k * P[8]] * B[b0 + k * P[9]]; }
  let o = batch * M * N + e;
  if (P[3] != 0) { O[o] = O[o] + acc; } else { O[o] = acc; }
}`;
}
