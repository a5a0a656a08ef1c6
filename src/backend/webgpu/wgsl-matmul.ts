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

const unroll = (line: (q: number) => string, sep = "\n  "): string => [0, 1, 2, 3].map(line).join(sep);

/**
 * The same product without workgroup memory, for adapters where a workgroup barrier is expensive
 * (SwiftShader runs each invocation as a fiber and switches at every barrier, which made the tiled
 * kernel 10x slower there): a thread per 4×4 block of C, unrolled by hand into registers (a loop over a
 * private array indexes memory there), so that 8 loads serve 16 products. Edge blocks read clamped
 * rows and columns and store only their own. Same params and bindings as `matmulSource`; workgroups
 * [⌈⌈M/4⌉·⌈N/4⌉/64⌉, 1, batches].
 */
export function matmulSimpleSource(t: WgslType, nb: number): string {
  const zero = t === "f32" ? "0.0" : "0";
  const sh = 12, as = sh + nb, bs = as + nb;
  return prelude() + bindings([["O", t, true], ["A", t, false], ["B", t, false]]) + `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
  let M = P[0]; let N = P[1]; let K = P[2];
  let e = i32(g.x); let blocksN = (N + 3) / 4;
  if (e >= ((M + 3) / 4) * blocksN) { return; }
  let m0 = (e / blocksN) * 4; let n0 = (e % blocksN) * 4;
  let batch = i32(g.z) + P[4];
  var ao = P[5]; var bo = P[6]; var r = batch;
  for (var d = ${nb - 1}; d >= 0; d--) {
    let n = P[${sh} + d]; let c = r % n; r = r / n;
    ao += c * P[${as} + d]; bo += c * P[${bs} + d];
  }
  ${unroll((q) => `let a${q} = ao + min(m0 + ${q}, M - 1) * P[7];
  let b${q} = bo + min(n0 + ${q}, N - 1) * P[10];
  var c${q} = vec4<${t}>(${zero});`)}
  let ca = P[8]; let rb = P[9];
  for (var k = 0; k < K; k++) {
    let bv = vec4<${t}>(${unroll((q) => `B[b${q} + k * rb]`, ", ")});
    ${unroll((q) => `c${q} = c${q} + A[a${q} + k * ca] * bv;`, "\n    ")}
  }
  for (var i = 0; i < 4; i++) {
    if (m0 + i >= M) { break; }
    var row = c0;
    if (i == 1) { row = c1; } else if (i == 2) { row = c2; } else if (i == 3) { row = c3; }
    let o = batch * M * N + (m0 + i) * N + n0;
    for (var j = 0; j < 4; j++) {
      if (n0 + j < N) {
        if (P[3] != 0) { O[o + j] = O[o + j] + row[j]; } else { O[o + j] = row[j]; }
      }
    }
  }
}`;
}

/** Threads of matmulSimpleSource per batch: one per 4×4 block of C. */
export function matmulSimpleThreads(M: number, N: number): number {
  return Math.ceil(M / 4) * Math.ceil(N / 4);
}
