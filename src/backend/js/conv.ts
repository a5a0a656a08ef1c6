/**
 * Reference 2-d convolution and max pooling: the definitions written out as loops over every output
 * (forward, weight gradient) or every input position (input gradient), each sum in double and rounded
 * once into the output. Slow by design; the fast backend is tested against these.
 */
import type { Storage, View } from "../backend.js";
import type { Conv2dGeometry, Window2d } from "../../core/ops/conv.js";
import { jsData } from "./strided.js";

/** Input position of output position `o` under tap `k` along one axis, or -1 outside the plane. */
function source(o: number, k: number, stride: number, dilation: number, pad: number, size: number): number {
  const i = o * stride + k * dilation - pad;
  return i >= 0 && i < size ? i : -1;
}

interface Sizes { cg: number; og: number; taps: number; plane: number; outPlane: number }

function sizes(g: Conv2dGeometry): Sizes {
  return { cg: g.inChannels / g.groups, og: g.outChannels / g.groups, taps: g.kernelH * g.kernelW,
    plane: g.inH * g.inW, outPlane: g.outH * g.outW };
}

export function conv2dKernel(x: View, weight: View, bias: View | null, g: Conv2dGeometry,
  out: Storage): void {
  const X = jsData(x.storage), Wt = jsData(weight.storage), Y = jsData(out);
  const B = bias === null ? null : jsData(bias.storage);
  const { cg, og, taps, plane, outPlane } = sizes(g);
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const group = Math.floor(o / og);
      const wBase = weight.offset + o * cg * taps;
      const xBase = x.offset + (n * g.inChannels + group * cg) * plane;
      const yBase = (n * g.outChannels + o) * outPlane;
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          let sum = B === null ? 0 : B[(bias as View).offset + o];
          for (let c = 0; c < cg; c++) {
            for (let ki = 0; ki < g.kernelH; ki++) {
              const iy = source(oy, ki, g.strideH, g.dilationH, g.padH, g.inH);
              if (iy < 0) continue;
              for (let kj = 0; kj < g.kernelW; kj++) {
                const ix = source(ox, kj, g.strideW, g.dilationW, g.padW, g.inW);
                if (ix < 0) continue;
                sum += X[xBase + c * plane + iy * g.inW + ix] * Wt[wBase + c * taps + ki * g.kernelW + kj];
              }
            }
          }
          Y[yBase + oy * g.outW + ox] = sum;
        }
      }
    }
  }
}

/** dx[n, c, iy, ix] = Σ over the outputs and taps that read (iy, ix) of grad · weight. */
export function conv2dBackwardInputKernel(grad: View, weight: View, g: Conv2dGeometry, out: Storage): void {
  const G = jsData(grad.storage), Wt = jsData(weight.storage), D = jsData(out);
  const { cg, og, taps, plane, outPlane } = sizes(g);
  const acc = new Float64Array(plane);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const group = Math.floor(c / cg), cIn = c - group * cg;
      acc.fill(0);
      for (let o = group * og; o < (group + 1) * og; o++) {
        const gBase = grad.offset + (n * g.outChannels + o) * outPlane;
        const wBase = weight.offset + (o * cg + cIn) * taps;
        for (let oy = 0; oy < g.outH; oy++) {
          for (let ox = 0; ox < g.outW; ox++) {
            const gv = G[gBase + oy * g.outW + ox];
            for (let ki = 0; ki < g.kernelH; ki++) {
              const iy = source(oy, ki, g.strideH, g.dilationH, g.padH, g.inH);
              if (iy < 0) continue;
              for (let kj = 0; kj < g.kernelW; kj++) {
                const ix = source(ox, kj, g.strideW, g.dilationW, g.padW, g.inW);
                if (ix >= 0) acc[iy * g.inW + ix] += gv * Wt[wBase + ki * g.kernelW + kj];
              }
            }
          }
        }
      }
      D.set(acc, (n * g.inChannels + c) * plane);
    }
  }
}

/** dw[o, c, ki, kj] = Σ over images and outputs of grad · the input under that tap; db[o] = Σ grad. */
export function conv2dBackwardWeightKernel(x: View, grad: View, g: Conv2dGeometry, out: Storage,
  biasOut: Storage | null): void {
  const X = jsData(x.storage), G = jsData(grad.storage), D = jsData(out);
  const { cg, og, taps, plane, outPlane } = sizes(g);
  for (let o = 0; o < g.outChannels; o++) {
    const group = Math.floor(o / og);
    for (let c = 0; c < cg; c++) {
      for (let ki = 0; ki < g.kernelH; ki++) {
        for (let kj = 0; kj < g.kernelW; kj++) {
          let sum = 0;
          for (let n = 0; n < g.batch; n++) {
            const gBase = grad.offset + (n * g.outChannels + o) * outPlane;
            const xBase = x.offset + (n * g.inChannels + group * cg + c) * plane;
            for (let oy = 0; oy < g.outH; oy++) {
              const iy = source(oy, ki, g.strideH, g.dilationH, g.padH, g.inH);
              if (iy < 0) continue;
              for (let ox = 0; ox < g.outW; ox++) {
                const ix = source(ox, kj, g.strideW, g.dilationW, g.padW, g.inW);
                if (ix >= 0) sum += G[gBase + oy * g.outW + ox] * X[xBase + iy * g.inW + ix];
              }
            }
          }
          D[(o * cg + c) * taps + ki * g.kernelW + kj] = sum;
        }
      }
    }
  }
  if (biasOut === null) return;
  const DB = jsData(biasOut);
  for (let o = 0; o < g.outChannels; o++) {
    let sum = 0;
    for (let n = 0; n < g.batch; n++) {
      const gBase = grad.offset + (n * g.outChannels + o) * outPlane;
      for (let i = 0; i < outPlane; i++) sum += G[gBase + i];
    }
    DB[o] = sum;
  }
}

export function maxPool2dKernel(x: View, planes: number, w: Window2d, out: Storage, indices: Storage): void {
  const X = jsData(x.storage), Y = jsData(out), I = jsData(indices);
  const plane = w.inH * w.inW, outPlane = w.outH * w.outW;
  for (let p = 0; p < planes; p++) {
    const xBase = x.offset + p * plane;
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++) {
        let best = -Infinity, at = -1;
        for (let ki = 0; ki < w.kernelH; ki++) {
          const iy = source(oy, ki, w.strideH, w.dilationH, w.padH, w.inH);
          if (iy < 0) continue;
          for (let kj = 0; kj < w.kernelW; kj++) {
            const ix = source(ox, kj, w.strideW, w.dilationW, w.padW, w.inW);
            if (ix < 0) continue;
            const v = X[xBase + iy * w.inW + ix];
            // PyTorch's rule: a larger value or a NaN takes over, so the first maximum (or last NaN) wins
            if (at < 0 || v > best || Number.isNaN(v)) { best = v; at = iy * w.inW + ix; }
          }
        }
        Y[p * outPlane + oy * w.outW + ox] = best;
        I[p * outPlane + oy * w.outW + ox] = at;
      }
    }
  }
}

export function maxPool2dBackwardKernel(grad: View, indices: View, planes: number, w: Window2d,
  out: Storage): void {
  const G = jsData(grad.storage), I = jsData(indices.storage), D = jsData(out);
  const plane = w.inH * w.inW, outPlane = w.outH * w.outW;
  D.fill(0, 0, planes * plane);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < outPlane; i++) {
      const at = I[indices.offset + p * outPlane + i];
      if (at >= 0) D[p * plane + at] += G[grad.offset + p * outPlane + i];
    }
  }
}
