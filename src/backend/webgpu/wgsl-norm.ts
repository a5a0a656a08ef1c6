// Training-mode batch normalization over x [outer, channels, inner]. Per-channel sums (the mean, then the
// squared deviations from it, as the reference's two passes; in the backward Σdy and Σdy·x̂) come from a
// thread per channel, or on real GPUs a workgroup per channel adding strided slices as a tree in
// workgroup memory; the elementwise parts are a thread per element.
import { bindings, perElement, prelude, WG } from "./wgsl-common.js";

/**
 * Params of every kernel: outer, channels, inner, x offset, weight offset, has weight, bias offset,
 * has bias, eps (float bits), dy offset, mean offset, variance offset.
 */
const helpers = `
fn count_() -> i32 { return P[0] * P[2]; }
// element j of channel c (j over outer·inner) relative to a view's offset
fn pos(c: i32, j: i32) -> i32 { return ((j / P[2]) * P[1] + c) * P[2] + j % P[2]; }
fn invstd(v: f32) -> f32 { return 1.0 / sqrt(v + pf(8)); }`;

const threadPerChannel = (body: string): string => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gi: vec3u) {
  let c = i32(gi.x);
  if (c >= P[1]) { return; }
  ${body}
}`;

const tree = `
  workgroupBarrier();
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    if (l < half) { part[l] = part[l] + part[l + half]; part2[l] = part2[l] + part2[l + half]; }
    workgroupBarrier();
  }`;

const groupPerChannel = (body: string): string => `
var<workgroup> part: array<f32, ${WG}>;
var<workgroup> part2: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) g: vec3u,
  @builtin(local_invocation_index) l: u32) {
  let c = i32(g.x);
  ${body}
}`;

/**
 * `body` for each element p (relative to a view's offset) of channel c: rows in order by a thread per
 * channel (no division per element, which SwiftShader pays for), or strided by a workgroup's threads.
 */
function eachOfChannel(perWorkgroup: boolean, body: string): string {
  if (perWorkgroup) return `for (var j = i32(l); j < count_(); j += ${WG}) { let p = pos(c, j); ${body} }`;
  return `for (var n = 0; n < P[0]; n++) {
    let row = (n * P[1] + c) * P[2];
    for (var p = row; p < row + P[2]; p++) { ${body} }
  }`;
}

/** Bindings: mean [C], variance [C] (both written), x. */
export function batchNormStatsSource(perWorkgroup: boolean): string {
  const head = prelude() + bindings([["M", "f32", true], ["V", "f32", true], ["X", "f32", false]]) + helpers;
  const sums = `
  var s = 0.0;
  ${eachOfChannel(perWorkgroup, "s = s + X[P[3] + p];")}`;
  const squares = `
  var q = 0.0;
  ${eachOfChannel(perWorkgroup, "let d = X[P[3] + p] - m; q = q + d * d;")}`;
  if (!perWorkgroup) {
    return head + threadPerChannel(`${sums}
  let m = s / f32(count_());${squares}
  M[c] = m;
  V[c] = q / f32(count_());`);
  }
  return head + groupPerChannel(`${sums}
  part[l] = s; part2[l] = 0.0;${tree}
  let m = part[0] / f32(count_());
  workgroupBarrier();${squares}
  part[l] = q;${tree}
  if (l == 0u) { M[c] = m; V[c] = part[0] / f32(count_()); }`);
}

const elementwise = (body: string): string => perElement(`let c = (e / P[2]) % P[1];
  var gamma = 1.0;
  if (P[5] != 0) { gamma = Wt[P[4] + c]; }
  ${body}`, "e", "P[0] * P[1] * P[2]");

/** Bindings: out, x, mean, variance, weight, bias (weight and bias any buffer when absent). */
export function batchNormApplySource(): string {
  return prelude() + bindings([["O", "f32", true], ["X", "f32", false], ["M", "f32", false],
    ["V", "f32", false], ["Wt", "f32", false], ["B", "f32", false]]) + helpers + elementwise(`
  var beta = 0.0;
  if (P[7] != 0) { beta = B[P[6] + c]; }
  O[e] = (X[P[3] + e] - M[c]) * invstd(V[c]) * gamma + beta;`);
}

/** Bindings: sums [2C] (Σdy at c, Σdy·x̂ at C + c; written), x, dy, mean, variance. */
export function batchNormGradSumsSource(perWorkgroup: boolean): string {
  const head = prelude() + bindings([["S", "f32", true], ["X", "f32", false], ["G", "f32", false],
    ["M", "f32", false], ["V", "f32", false]]) + helpers;
  const loop = `
  let m = M[P[10] + c]; let k = invstd(V[P[11] + c]);
  var sg = 0.0; var sgx = 0.0;
  ${eachOfChannel(perWorkgroup,
    "let gv = G[P[9] + p]; sg = sg + gv; sgx = sgx + gv * (X[P[3] + p] - m) * k;")}`;
  if (!perWorkgroup) return head + threadPerChannel(loop + "\n  S[c] = sg; S[P[1] + c] = sgx;");
  return head + groupPerChannel(loop + `
  part[l] = sg; part2[l] = sgx;${tree}
  if (l == 0u) { S[c] = part[0]; S[P[1] + c] = part2[0]; }`);
}

/** Bindings: dx, x, dy, mean, variance, weight, sums (from batchNormGradSumsSource). */
export function batchNormGradInputSource(): string {
  return prelude() + bindings([["O", "f32", true], ["X", "f32", false], ["G", "f32", false],
    ["M", "f32", false], ["V", "f32", false], ["Wt", "f32", false], ["S", "f32", false]]) + helpers +
    elementwise(`
  let n = f32(count_()); let k = invstd(V[P[11] + c]);
  let xhat = (X[P[3] + e] - M[P[10] + c]) * k;
  O[e] = gamma * k * (G[P[9] + e] - S[c] / n - xhat * (S[P[1] + c] / n));`);
}
