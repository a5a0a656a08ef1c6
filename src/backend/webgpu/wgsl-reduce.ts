// Reductions. A long reduction (>= 256 elements per output) gives each output a workgroup that sums
// strided slices and combines them as a tree in workgroup memory; short ones use a thread per output.
// The summation order differs from the CPU's sequential float64 accumulation: that is why the WebGPU
// tests compare with a wider tolerance.
import type { ArgReduceOp, ReduceOp } from "../backend.js";
import { bindings, convert, prelude, WG, type WgslType } from "./wgsl-common.js";

function identity(op: ReduceOp, t: WgslType): string {
  const big = t === "f32" ? "inf_()" : "2147483647";
  switch (op) {
    case "sum": return t === "f32" ? "0.0" : "0";
    case "prod": return t === "f32" ? "1.0" : "1";
    case "max": return t === "f32" ? `-${big}` : "(-2147483647 - 1)";
    case "min": return big;
  }
}

/** acc = acc (op) v, NaN winning for max and min as in PyTorch. */
function combine(op: ReduceOp, t: WgslType): string {
  const nan = t === "f32" ? "isnan_(v) || " : "";
  switch (op) {
    case "sum": return "acc = acc + v;";
    case "prod": return "acc = acc * v;";
    case "max": return `if (${nan}v > acc) { acc = v; }`;
    case "min": return `if (${nan}v < acc) { acc = v; }`;
  }
}

/**
 * Params: nOut, kept shape[kd], x view over the kept dims (offset, strides[kd]), inner count,
 * reduced shape[rd], reduced view (0, strides[rd]).
 */
export function reduceSource(op: ReduceOp, x: WgslType, out: WgslType, kd: number, rd: number,
  perWorkgroup: boolean): string {
  const inner = 2 + 2 * kd, rs = inner + 1, rv = rs + rd;
  const t = x;
  const head = prelude() + bindings([["O", out, true], ["X", x, false]]) + `
fn fold(acc0: ${t}, base: i32, start: i32, step: i32) -> ${t} {
  var acc = acc0;
  for (var r = start; r < P[${inner}]; r += step) {
    let v = X[base + at(r, ${rs}, ${rd}, ${rv})];
    ${combine(op, t)}
  }
  return acc;
}`;
  if (!perWorkgroup) {
    return head + `
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) g: vec3u,
  @builtin(num_workgroups) w: vec3u) {
  let o = flat(g, w);
  if (o >= P[0]) { return; }
  O[o] = ${convert(`fold(${identity(op, t)}, at(o, 1, ${kd}, ${1 + kd}), 0, 1)`, t, out)};
}`;
  }
  return head + `
var<workgroup> part: array<${t}, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) g: vec3u, @builtin(num_workgroups) w: vec3u,
  @builtin(local_invocation_index) l: u32) {
  let o = i32(g.x + g.y * w.x);
  let live = o < P[0];
  var mine = ${identity(op, t)};
  if (live) { mine = fold(mine, at(o, 1, ${kd}, ${1 + kd}), i32(l), ${WG}); }
  part[l] = mine;
  workgroupBarrier();
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    if (l < half) {
      var acc = part[l];
      let v = part[l + half];
      ${combine(op, t)}
      part[l] = acc;
    }
    workgroupBarrier();
  }
  if (live && l == 0u) { O[o] = ${convert("part[0]", t, out)}; }
}`;
}

/** Params: nOut, kept shape[kd], x view over kept dims, length along the axis, the axis stride. */
export function argReduceSource(op: ArgReduceOp, x: WgslType, kd: number): string {
  const len = 2 + 2 * kd;
  const better = op === "argmax" ? "v > best" : "v < best";
  const nan = x === "f32" ? "isnan_(v) || " : "";
  const stop = x === "f32" ? "if (isnan_(best)) { break; }" : "";
  return prelude() + bindings([["O", "i32", true], ["X", x, false]]) + `
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) g: vec3u,
  @builtin(num_workgroups) w: vec3u) {
  let o = flat(g, w);
  if (o >= P[0]) { return; }
  let base = at(o, 1, ${kd}, ${1 + kd});
  var best = X[base];
  var index = 0;
  for (var r = 1; r < P[${len}]; r++) {
    ${stop}
    let v = X[base + r * P[${len + 1}]];
    if (${nan}${better}) { best = v; index = r; }
  }
  O[o] = index;
}`;
}
