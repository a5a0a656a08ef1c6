// Max pooling: a thread per output window (forward), and for the backward a thread per input element
// that gathers the gradients of the windows whose recorded arg-max it is (WGSL has no float atomics, and
// a gather writes each element once). Neither shares work, so one form serves every adapter.
import { bindings, perElement, prelude } from "./wgsl-common.js";
import { windowRange } from "./wgsl-conv.js";

/**
 * Params of both: planes, inH, inW, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, outH,
 * outW, then the offsets of the first two inputs.
 */
const main = (body: string): string => perElement(`let inH = P[1]; let inW = P[2]; let outH = P[11];
  let outW = P[12];
  ${body}`, "e", null);

/**
 * Bindings: out [planes, outH, outW], indices (int32, same shape), x. PyTorch's rule, as the reference:
 * a larger value or a NaN takes over, so the first maximum (or the last NaN) wins; a window that misses
 * the plane gives -inf at index -1.
 */
export function maxPool2dSource(): string {
  return prelude() + bindings([["O", "f32", true], ["I", "i32", true], ["X", "f32", false]]) + main(`
  if (e >= P[0] * outH * outW) { return; }
  let ox = e % outW; let oy = (e / outW) % outH; let base = P[13] + (e / (outW * outH)) * inH * inW;
  var best = -inf_();
  var at = -1;
  for (var ki = 0; ki < P[3]; ki++) {
    let iy = oy * P[5] + ki * P[9] - P[7];
    if (iy < 0 || iy >= inH) { continue; }
    for (var kj = 0; kj < P[4]; kj++) {
      let ix = ox * P[6] + kj * P[10] - P[8];
      if (ix < 0 || ix >= inW) { continue; }
      let v = X[base + iy * inW + ix];
      if (at < 0 || v > best || isnan_(v)) { best = v; at = iy * inW + ix; }
    }
  }
  O[e] = best;
  I[e] = at;`);
}

/**
 * Bindings: out [planes, inH, inW], dy, indices. Only the windows that can reach the element are
 * visited (one for non-overlapping windows), in the row-major order the reference adds them in.
 */
export function maxPool2dBackwardSource(): string {
  return prelude() + bindings([["O", "f32", true], ["G", "f32", false], ["I", "i32", false]]) + windowRange +
    main(`
  if (e >= P[0] * inH * inW) { return; }
  let ix = e % inW; let iy = (e / inW) % inH; let plane = e / (inW * inH);
  let here = iy * inW + ix;
  var acc = 0.0;
  for (var oy = firstWindow(iy, P[7], P[3], P[5], P[9]); oy <= lastWindow(iy, P[7], P[5], outH); oy++) {
    let row = (plane * outH + oy) * outW;
    for (var ox = firstWindow(ix, P[8], P[4], P[6], P[10]); ox <= lastWindow(ix, P[8], P[6], outW); ox++) {
      if (I[P[14] + row + ox] == here) { acc = acc + G[P[13] + row + ox]; }
    }
  }
  O[e] = acc;`);
}

/**
 * The backward when windows cannot overlap (stride ≥ (kernel − 1)·dilation + 1 on both axes): each
 * input element has at most one window, so a thread per window writes its gradient to its arg-max in a
 * zeroed output without a race. Same params and bindings as maxPool2dBackwardSource.
 */
export function maxPool2dScatterSource(): string {
  return prelude() + bindings([["O", "f32", true], ["G", "f32", false], ["I", "i32", false]]) + main(`
  if (e >= P[0] * outH * outW) { return; }
  let at = I[P[14] + e];
  if (at >= 0) { O[(e / (outH * outW)) * inH * inW + at] = G[P[13] + e]; }`);
}
