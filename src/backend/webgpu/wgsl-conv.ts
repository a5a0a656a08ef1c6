// Convolution kernels for adapters where workgroup barriers are expensive (SwiftShader), and the input
// and bias gradients for every adapter; the tiled implicit GEMMs for real GPUs are in wgsl-conv-gemm.ts.
// On SwiftShader loads, integer divisions and private arrays indexed in a loop dominate, so each thread
// computes a 4×4 block of outputs unrolled into registers, with the index arithmetic hoisted out of
// the inner loops and out-of-range reads clamped and zeroed instead of branched around. The input
// gradient is a direct gather (a thread per 4 channels × 4 columns of input summing the outputs and
// taps that read them), which needs neither atomics nor workgroup memory.
import { bindings, prelude, WG } from "./wgsl-common.js";
import { convBindings, conv2dGemmSource, conv2dWeightGemmSource } from "./wgsl-conv-gemm.js";

/** `line(q)` for q = 0..3, one statement after another (a loop over registers would index memory). */
const unroll = (line: (q: number) => string, sep = "\n    "): string => [0, 1, 2, 3].map(line).join(sep);

/** Loads of the parameter words the thread-per-output kernels use, once per thread. */
const words = `
  let N = P[0]; let C = P[1]; let OC = P[2]; let GR = P[3]; let inH = P[4]; let inW = P[5];
  let kh = P[6]; let kw = P[7]; let sH = P[8]; let sW = P[9]; let pH = P[10]; let pW = P[11];
  let dH = P[12]; let dW = P[13]; let outH = P[14]; let outW = P[15];
  let cg = C / GR; let og = OC / GR; let plane = inH * inW; let outPlane = outH * outW;`;

const perThread = (body: string): string => `
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gi: vec3u,
  @builtin(num_workgroups) nw: vec3u) {
  let e = flat(gi, nw);${words}
  ${body}
}`;

/**
 * A thread per block of 4 output channels × 4 output columns (n, o..o+3, oy, ox..ox+3): each weight and
 * input value loaded serves four products (SwiftShader pays for every load and every integer division
 * in an inner loop, so the index arithmetic is hoisted and out-of-range reads are clamped and zeroed
 * instead of branched around). Workgroups: [⌈threads/256⌉ as groupsFor, with threads from blocks4].
 */
const conv2dSimple = perThread(`
  let obs = (og + 3) / 4; let xbs = (outW + 3) / 4;
  if (e >= N * GR * obs * outH * xbs) { return; }
  let ox0 = (e % xbs) * 4; let oy = (e / xbs) % outH; let r = e / (xbs * outH);
  let grp = (r / obs) % GR; let n = r / (obs * GR); let o0 = grp * og + (r % obs) * 4;
  let last = grp * og + og - 1; let k = cg * kh * kw;
  let w0 = P[17] + o0 * k; let w1 = P[17] + min(o0 + 1, last) * k;
  let w2 = P[17] + min(o0 + 2, last) * k; let w3 = P[17] + min(o0 + 3, last) * k;
  let iy0 = oy * sH - pH; let xb = P[16] + (n * C + grp * cg) * plane;
  ${unroll((q) => `var acc${q} = vec4<f32>(0.0);`)}
  for (var c = 0; c < cg; c++) {
    for (var ki = 0; ki < kh; ki++) {
      let iy = iy0 + ki * dH;
      if (iy < 0 || iy >= inH) { continue; }
      let xr = xb + c * plane + iy * inW; let t0 = (c * kh + ki) * kw;
      for (var kj = 0; kj < kw; kj++) {
        let t = t0 + kj;
        let wv = vec4<f32>(W[w0 + t], W[w1 + t], W[w2 + t], W[w3 + t]);
        let ixk = ox0 * sW + kj * dW - pW;
        ${unroll((q) => `let ix${q} = ixk + ${q} * sW;
        let in${q} = ix${q} >= 0 && ix${q} < inW;
        acc${q} = acc${q} + select(0.0, X[xr + clamp(ix${q}, 0, inW - 1)], in${q}) * wv;`)}
      }
    }
  }
  for (var j = 0; j < 4; j++) {
    if (o0 + j > last) { break; }
    var b = 0.0;
    if (P[19] != 0) { b = Bs_[P[18] + o0 + j]; }
    let yb = ((n * OC + o0 + j) * outH + oy) * outW;
    ${unroll((q) => `if (ox0 + ${q} < outW) { O[yb + ox0 + ${q}] = acc${q}[j] + b; }`)}
  }`);

/** Threads of the blocked forward: 4 channels × 4 columns each. */
export function conv2dSimpleThreads(g: { batch: number; outChannels: number; groups: number; outH: number;
  outW: number }): number {
  return g.batch * g.groups * Math.ceil(g.outChannels / g.groups / 4) * g.outH * Math.ceil(g.outW / 4);
}

/**
 * A thread per block of 4 output channels × 4 consecutive weight columns k = (c, ki, kj) and slice of
 * the images (num_workgroups.y slices, each writing its partial sums to its own block of the output,
 * added by splitSumSource): per output position, 4 dy and 4 x loads serve 16 products.
 */
const weightSimple = `
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gi: vec3u,
  @builtin(num_workgroups) nw: vec3u) {
  let e = i32(gi.x); let split = i32(gi.y);${words}
  let k = cg * kh * kw; let obs = (og + 3) / 4; let kbs = (k + 3) / 4;
  if (e >= GR * obs * kbs) { return; }
  let k0 = (e % kbs) * 4; let grp = e / (kbs * obs); let o0 = grp * og + ((e / kbs) % obs) * 4;
  let lastO = grp * og + og - 1;
  ${unroll((q) => `let kq${q} = min(k0 + ${q}, k - 1); let tq${q} = kq${q} % (kh * kw);
    let xc${q} = (grp * cg + kq${q} / (kh * kw)) * plane;
    let dy${q} = (tq${q} / kw) * dH - pH; let dx${q} = (tq${q} % kw) * dW - pW;
    var acc${q} = vec4<f32>(0.0);`)}
  let per = (N + i32(nw.y) - 1) / i32(nw.y);
  for (var n = split * per; n < min(N, split * per + per); n++) {
    let xn = P[16] + n * C * plane;
    let g0 = P[17] + (n * OC + o0) * outPlane; let g1 = P[17] + (n * OC + min(o0 + 1, lastO)) * outPlane;
    let g2 = P[17] + (n * OC + min(o0 + 2, lastO)) * outPlane;
    let g3 = P[17] + (n * OC + min(o0 + 3, lastO)) * outPlane;
    for (var oy = 0; oy < outH; oy++) {
      ${unroll((q) => `let iy${q} = oy * sH + dy${q}; let rowIn${q} = iy${q} >= 0 && iy${q} < inH;
      let xr${q} = xn + xc${q} + clamp(iy${q}, 0, inH - 1) * inW;`)}
      for (var ox = 0; ox < outW; ox++) {
        let p = oy * outW + ox;
        let gv = vec4<f32>(G[g0 + p], G[g1 + p], G[g2 + p], G[g3 + p]);
        ${unroll((q) => `let ix${q} = ox * sW + dx${q};
        acc${q} = acc${q} + gv * select(0.0, X[xr${q} + clamp(ix${q}, 0, inW - 1)],
          rowIn${q} && ix${q} >= 0 && ix${q} < inW);`)}
      }
    }
  }
  for (var j = 0; j < 4; j++) {
    if (o0 + j > lastO) { break; }
    let row = split * OC * k + (o0 + j) * k;
    ${unroll((q) => `if (k0 + ${q} < k) { O[row + k0 + ${q}] = acc${q}[j]; }`)}
  }
}`;

/** Threads (per image slice) of the blocked weight gradient: 4 channels × 4 weight columns each. */
export function conv2dWeightSimpleThreads(g: { outChannels: number; inChannels: number; groups: number;
  kernelH: number; kernelW: number }): number {
  const og = g.outChannels / g.groups, k = (g.inChannels / g.groups) * g.kernelH * g.kernelW;
  return g.groups * Math.ceil(og / 4) * Math.ceil(k / 4);
}

/** Bindings: out [N, O, outH, outW], x, weight, bias (any buffer when the flag says none). */
export function conv2dSource(tiled: boolean): string {
  return tiled ? conv2dGemmSource() : prelude() + convBindings.forward + conv2dSimple;
}

/**
 * Bindings: out [splits, O, C/G·kh·kw] (the weight gradient itself when there is one split), x, dy.
 * The thread-per-output form takes workgroups [threads/256, splits, 1], the tiled [blocks, splits, G].
 */
export function conv2dWeightSource(tiled: boolean): string {
  return tiled ? conv2dWeightGemmSource() : prelude() + convBindings.weight + weightSimple;
}

/** The first and last window positions along one axis whose taps can reach input position `i`. */
export const windowRange = `
fn firstWindow(i: i32, pad: i32, k: i32, stride: i32, dilation: i32) -> i32 {
  let t = i + pad - (k - 1) * dilation;
  return select((t + stride - 1) / stride, 0, t <= 0);
}
fn lastWindow(i: i32, pad: i32, stride: i32, out: i32) -> i32 { return min(out - 1, (i + pad) / stride); }`;

/**
 * The input gradient by gather: dx[n, c, iy, ix] = Σ over the taps (ki, kj) that reach (iy, ix) from a
 * whole output position (oy, ox) = ((iy + padH − ki·dilationH)/strideH, likewise for x) inside the
 * output, and over the group's output channels o, of dy[n, o, oy, ox] · w[o, c, ki, kj]. A thread per
 * 4 input channels × 4 columns of one row (4 dy and 4 weight loads serve 16 products); divisions only
 * where a stride is not 1. Params as above with dy's offset in place of x's. Bindings: out, dy, weight.
 */
export function conv2dInputSource(): string {
  const head = bindings([["O", "f32", true], ["G", "f32", false], ["W", "f32", false]]);
  return prelude() + head + perThread(`
  let cbs = (cg + 3) / 4; let xbs = (inW + 3) / 4;
  if (e >= N * GR * cbs * inH * xbs) { return; }
  let ix0 = (e % xbs) * 4; let iy = (e / xbs) % inH; let r = e / (xbs * inH);
  let grp = (r / cbs) % GR; let n = r / (cbs * GR); let c0 = (r % cbs) * 4;
  let taps = kh * kw; let wo = cg * taps; let wg = P[17] + grp * og * wo;
  let w0 = wg + c0 * taps; let w1 = wg + min(c0 + 1, cg - 1) * taps;
  let w2 = wg + min(c0 + 2, cg - 1) * taps; let w3 = wg + min(c0 + 3, cg - 1) * taps;
  let gb = P[16] + (n * OC + grp * og) * outPlane;
  ${unroll((q) => `var acc${q} = vec4<f32>(0.0);`)}
  for (var ki = 0; ki < kh; ki++) {
    var oy = iy + pH - ki * dH;
    if (sH != 1) { if (oy % sH != 0) { continue; } oy = oy / sH; }
    if (oy < 0 || oy >= outH) { continue; }
    for (var kj = 0; kj < kw; kj++) {
      ${unroll((q) => `var ox${q} = ix0 + ${q} + pW - kj * dW; var ok${q} = true;
      if (sW != 1) { ok${q} = ox${q} % sW == 0; ox${q} = ox${q} / sW; }
      ok${q} = ok${q} && ox${q} >= 0 && ox${q} < outW && ix0 + ${q} < inW;
      let g${q} = gb + oy * outW + clamp(ox${q}, 0, outW - 1);`, "\n      ")}
      let t = ki * kw + kj;
      for (var o = 0; o < og; o++) {
        let w = o * wo + t; let go = o * outPlane;
        let wv = vec4<f32>(W[w0 + w], W[w1 + w], W[w2 + w], W[w3 + w]);
        ${unroll((q) => `acc${q} = acc${q} + select(0.0, G[g${q} + go], ok${q}) * wv;`, "\n        ")}
      }
    }
  }
  let xb = ((n * C + grp * cg + c0) * inH + iy) * inW + ix0;
  for (var j = 0; j < 4; j++) {
    if (c0 + j >= cg) { break; }
    ${unroll((q) => `if (ix0 + ${q} < inW) { O[xb + j * plane + ${q}] = acc${q}[j]; }`)}
  }`);
}

/** Threads of the blocked input gradient: 4 input channels × 4 columns each. */
export function conv2dInputThreads(g: { batch: number; inChannels: number; groups: number; inH: number;
  inW: number }): number {
  return g.batch * g.groups * Math.ceil(g.inChannels / g.groups / 4) * g.inH * Math.ceil(g.inW / 4);
}

/**
 * The bias gradient Σ over images and positions of dy, a thread per output channel reading its planes
 * in order (the strided reduction costs SwiftShader divisions per element). Params as the other conv
 * kernels with dy's offset first. Bindings: out [O], dy.
 */
export function conv2dBiasSource(): string {
  return prelude() + bindings([["O", "f32", true], ["G", "f32", false]]) + perThread(`
  if (e >= OC) { return; }
  var acc = 0.0;
  for (var n = 0; n < N; n++) {
    let gb = P[16] + (n * OC + e) * outPlane;
    for (var p = 0; p < outPlane; p++) { acc = acc + G[gb + p]; }
  }
  O[e] = acc;`);
}
