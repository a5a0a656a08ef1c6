// Fused kernels: row-wise softmax (a workgroup per row: max, then the sum of exponentials, as trees in
// workgroup memory) and the optimizer steps (a thread per parameter, in place, in the order of
// src/backend/js/optim.ts so that float32 rounding matches the unfused tensor ops).
import { bindings, perElement, prelude, WG } from "./wgsl-common.js";

const rowTree = (combine: string): string => `
  workgroupBarrier();
  for (var half = ${WG / 2}u; half > 0u; half = half / 2u) {
    if (l < half) { let a = part[l]; let b = part[l + half]; part[l] = ${combine}; }
    workgroupBarrier();
  }`;

const rowMain = (body: string): string => `
var<workgroup> part: array<f32, ${WG}>;
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) g: vec3u, @builtin(num_workgroups) w: vec3u,
  @builtin(local_invocation_index) l: u32) {
  let row = i32(g.x + g.y * w.x);
  if (row >= P[0]) { return; }
  let cols = P[1];
  ${body}
}`;

/** Params: rows, cols, x offset, log (0 or 1). Bindings: out, x. */
export function softmaxSource(): string {
  return prelude() + bindings([["O", "f32", true], ["X", "f32", false]]) + rowMain(`
  let first = P[2] + row * cols; let to = row * cols;
  var m = -inf_();
  for (var j = i32(l); j < cols; j += ${WG}) { let v = X[first + j]; if (isnan_(v) || v > m) { m = v; } }
  part[l] = m;${rowTree("select(select(b, a, a > b), a, isnan_(a))")}
  var mx = part[0];
  if (abs(mx) == inf_()) { mx = 0.0; }
  workgroupBarrier();
  var s = 0.0;
  for (var j = i32(l); j < cols; j += ${WG}) { s += exp(X[first + j] - mx); }
  part[l] = s;${rowTree("a + b")}
  let total = part[0];
  for (var j = i32(l); j < cols; j += ${WG}) {
    if (P[3] != 0) { O[to + j] = (X[first + j] - mx) - log(total); }
    else { O[to + j] = exp(X[first + j] - mx) / total; }
  }`);
}

/** Params: rows, cols, y offset, g offset, log. Bindings: out, y, g. */
export function softmaxBackwardSource(): string {
  return prelude() + bindings([["O", "f32", true], ["Y", "f32", false], ["G", "f32", false]]) + rowMain(`
  let py = P[2] + row * cols; let pg = P[3] + row * cols; let to = row * cols;
  let lg = P[4] != 0;
  var s = 0.0;
  for (var j = i32(l); j < cols; j += ${WG}) { s += select(G[pg + j] * Y[py + j], G[pg + j], lg); }
  part[l] = s;${rowTree("a + b")}
  let total = part[0];
  for (var j = i32(l); j < cols; j += ${WG}) {
    if (lg) { O[to + j] = G[pg + j] - exp(Y[py + j]) * total; }
    else { O[to + j] = Y[py + j] * (G[pg + j] - total); }
  }`);
}

const stepMain = (body: string): string => perElement(body);

/**
 * Params: n, lr, wd, momentum, 1 - dampening (float bits), flags (1 maximize, 2 decay, 4 momentum,
 * 8 first, 16 nesterov). Bindings: p, g, buf (p again when there is no momentum).
 */
export function sgdStepSource(): string {
  return prelude() + bindings([["Pm", "f32", true], ["G", "f32", false], ["Bf", "f32", true]]) + stepMain(`
  let f = P[5];
  var d = select(G[i], -G[i], (f & 1) != 0);
  if ((f & 2) != 0) { d = d + Pm[i] * pf(2); }
  if ((f & 4) != 0) {
    var b = d;
    if ((f & 8) == 0) { b = Bf[i] * pf(3) + d * pf(4); }
    Bf[i] = b;
    if ((f & 16) != 0) { d = d + b * pf(3); } else { d = b; }
  }
  Pm[i] = Pm[i] - d * pf(1);`);
}

/**
 * Params: n, beta1, 1 - beta1, beta2, 1 - beta2, wd, decay, step size, sqrt bias correction 2, eps
 * (float bits), flags (1 maximize, 2 decoupled, 4 coupled decay, 8 amsgrad). Bindings: p, g, m, v, vMax
 * (v again without amsgrad).
 */
export function adamStepSource(): string {
  return prelude() + bindings([["Pm", "f32", true], ["G", "f32", false], ["M", "f32", true],
    ["V", "f32", true], ["X", "f32", true]]) + stepMain(`
  let f = P[10];
  var d = select(G[i], -G[i], (f & 1) != 0);
  var value = Pm[i];
  if ((f & 2) != 0) { value = value * pf(6); } else if ((f & 4) != 0) { d = d + value * pf(5); }
  let m = M[i] * pf(1) + d * pf(2);
  let v = V[i] * pf(3) + (d * pf(4)) * d;
  M[i] = m;
  V[i] = v;
  var second = v;
  if ((f & 8) != 0) {
    let a = X[i];
    if (isnan_(a) || isnan_(v)) { second = nan_(); } else { second = max(a, v); }
    X[i] = second;
  }
  let denom = sqrt(second) / pf(8) + pf(9);
  Pm[i] = value - (m * pf(7)) / denom;`);
}

/** Softmax with a thread per row and no barriers (see matmulSimpleSource). Same params and bindings. */
export function softmaxSimpleSource(): string {
  return prelude() + bindings([["O", "f32", true], ["X", "f32", false]]) + stepMain(`
  let cols = P[1]; let first = P[2] + i * cols; let to = i * cols;
  var m = -inf_();
  for (var j = 0; j < cols; j++) { let v = X[first + j]; if (isnan_(v) || v > m) { m = v; } }
  if (abs(m) == inf_()) { m = 0.0; }
  var s = 0.0;
  for (var j = 0; j < cols; j++) { s += exp(X[first + j] - m); }
  for (var j = 0; j < cols; j++) {
    if (P[3] != 0) { O[to + j] = (X[first + j] - m) - log(s); } else { O[to + j] = exp(X[first +
      j] - m) / s; }
  }`);
}

/** The adjoint with a thread per row. Same params and bindings as softmaxBackwardSource. */
export function softmaxBackwardSimpleSource(): string {
  return prelude() + bindings([["O", "f32", true], ["Y", "f32", false], ["G", "f32", false]]) + stepMain(`
  let cols = P[1]; let py = P[2] + i * cols; let pg = P[3] + i * cols; let to = i * cols;
  let lg = P[4] != 0;
  var s = 0.0;
  for (var j = 0; j < cols; j++) { s += select(G[pg + j] * Y[py + j], G[pg + j], lg); }
  for (var j = 0; j < cols; j++) {
    if (lg) { O[to + j] = G[pg + j] - exp(Y[py + j]) * s; } else { O[to + j] = Y[py + j] * (G[pg + j] - s); }
  }`);
}
