// The layer kernels of the WebGPU backend (convolution, max pooling, batch normalization): parameter
// words, temporaries and dispatch sizes for the WGSL of wgsl-conv.ts, wgsl-pool.ts and wgsl-norm.ts.
// Every view these kernels get is contiguous (any offset), as their declarations in src/core/ops say.
import type { ReduceOp, Storage, View } from "../backend.js";
import type { Conv2dGeometry, Window2d } from "../../core/ops/conv.js";
import type { BatchNormShape } from "../../core/ops/norm.js";
import type { Launcher } from "./launcher.js";
import type { GpuStorage } from "./storage.js";
import { f32Word, groupsFor, wgslType } from "./wgsl-common.js";
import {
  conv2dBiasSource, conv2dInputSource, conv2dInputThreads, conv2dSimpleThreads, conv2dSource,
  conv2dWeightSimpleThreads, conv2dWeightSource,
} from "./wgsl-conv.js";
import { splitSumSource } from "./wgsl-conv-gemm.js";
import { maxPool2dBackwardSource, maxPool2dScatterSource, maxPool2dSource } from "./wgsl-pool.js";
import {
  batchNormApplySource, batchNormGradInputSource, batchNormGradSumsSource, batchNormStatsSource,
} from "./wgsl-norm.js";

/** What the layer kernels need of their backend. */
export interface LayerHost {
  readonly gpu: Launcher;
  /** Bound in place of an absent optional operand. */
  readonly dummy: GpuStorage;
  readonly workgroupKernels: boolean;
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void;
  fill(dst: View, value: number): void;
}

const MAX_GROUPS = 65535;

function convWords(g: Conv2dGeometry, offsets: readonly number[], hasBias: boolean): number[] {
  return [g.batch, g.inChannels, g.outChannels, g.groups, g.inH, g.inW, g.kernelH, g.kernelW, g.strideH,
    g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.outH, g.outW, offsets[0], offsets[1],
    offsets[2] ?? 0, hasBias ? 1 : 0];
}

/** Workgroups of the tiled implicit GEMM [x: 64×64 blocks, y: K slices, z: groups], or null if too many. */
function tiles(m: number, n: number, splits: number, groups: number): number[] | null {
  const x = Math.ceil(m / 64) * Math.ceil(n / 64);
  return x <= MAX_GROUPS && groups <= MAX_GROUPS ? [x, splits, groups] : null;
}

export function conv2d(h: LayerHost, x: View, weight: View, bias: View | null, g: Conv2dGeometry,
  out: Storage): void {
  const o = h.gpu.own(out, "conv2d"), sx = h.gpu.own(x.storage, "conv2d");
  const sw = h.gpu.own(weight.storage, "conv2d");
  const sb = bias === null ? h.dummy : h.gpu.own(bias.storage, "conv2d");
  wgslType(o.dtype);
  const outPlane = g.outH * g.outW, total = g.batch * g.outChannels * outPlane;
  if (total === 0) return;
  const words = convWords(g, [x.offset, weight.offset, bias?.offset ?? 0], bias !== null);
  const grid = h.workgroupKernels ? tiles(g.outChannels / g.groups, g.batch * outPlane, 1, g.groups) : null;
  h.gpu.run(conv2dSource(grid !== null), o, [sx, sw, sb], words,
    grid ?? groupsFor(conv2dSimpleThreads(g)));
}

export function conv2dBackwardInput(h: LayerHost, grad: View, weight: View, g: Conv2dGeometry,
  out: Storage): void {
  const o = h.gpu.own(out, "conv2dBackwardInput"), sg = h.gpu.own(grad.storage, "conv2dBackwardInput");
  const sw = h.gpu.own(weight.storage, "conv2dBackwardInput");
  const total = g.batch * g.inChannels * g.inH * g.inW;
  if (total === 0) return;
  h.gpu.run(conv2dInputSource(), o, [sg, sw], convWords(g, [grad.offset, weight.offset], false),
    groupsFor(conv2dInputThreads(g)));
}

export function conv2dBackwardWeight(h: LayerHost, x: View, grad: View, g: Conv2dGeometry, out: Storage,
  biasOut: Storage | null): void {
  const o = h.gpu.own(out, "conv2dBackwardWeight"), sx = h.gpu.own(x.storage, "conv2dBackwardWeight");
  const sg = h.gpu.own(grad.storage, "conv2dBackwardWeight");
  const outPlane = g.outH * g.outW, long = g.batch * outPlane;
  const size = g.outChannels * (g.inChannels / g.groups) * g.kernelH * g.kernelW;
  if (biasOut !== null && h.workgroupKernels) {
    h.reduce("sum", { storage: grad.storage, shape: [g.batch, g.outChannels, outPlane],
      strides: [g.outChannels * outPlane, outPlane, 1], offset: grad.offset }, [0, 2], biasOut);
  } else if (biasOut !== null) {
    h.gpu.run(conv2dBiasSource(), h.gpu.own(biasOut, "conv2dBackwardWeight"), [sg],
      convWords(g, [grad.offset, 0], false), groupsFor(g.outChannels));
  }
  if (size === 0) return;
  const words = convWords(g, [x.offset, grad.offset], false);
  // the sum over images and positions is long and the weight small: slices of it run side by side, K
  // slices of the GEMM in the tiled form (at most 64, of at least 1,024 terms, with at most 16M floats
  // of partial sums in all), image slices in the other
  const kSlices = Math.max(1, Math.min(64, Math.floor(long / 1024), Math.floor(2 ** 24 / size)));
  const tiled = h.workgroupKernels ? tiles(g.outChannels / g.groups, size / g.outChannels, kSlices, g.groups)
    : null;
  const threads = conv2dWeightSimpleThreads(g);
  const imageSlices = Math.max(1, Math.min(g.batch, Math.ceil(1024 / threads)));
  const grid = tiled ?? [Math.ceil(threads / 256), imageSlices, 1];
  const splits = grid[1];
  const partial = splits === 1 ? o : h.gpu.pool.take(splits * size, "float32");
  h.gpu.run(conv2dWeightSource(tiled !== null), partial, [sx, sg], words, grid);
  if (partial === o) return;
  h.gpu.run(splitSumSource(), o, [partial], [size, splits], groupsFor(size));
  h.gpu.pool.give(partial);
}

function windowWords(planes: number, w: Window2d, offsets: readonly number[]): number[] {
  return [planes, w.inH, w.inW, w.kernelH, w.kernelW, w.strideH, w.strideW, w.padH, w.padW, w.dilationH,
    w.dilationW, w.outH, w.outW, ...offsets];
}

export function maxPool2d(h: LayerHost, x: View, planes: number, w: Window2d, out: Storage,
  indices: Storage): void {
  const o = h.gpu.own(out, "maxPool2d"), si = h.gpu.own(indices, "maxPool2d");
  const sx = h.gpu.own(x.storage, "maxPool2d");
  const total = planes * w.outH * w.outW;
  if (total === 0) return;
  h.gpu.run(maxPool2dSource(), o, [si, sx], windowWords(planes, w, [x.offset, 0]), groupsFor(total));
}

export function maxPool2dBackward(h: LayerHost, grad: View, indices: View, planes: number, w: Window2d,
  out: Storage): void {
  const o = h.gpu.own(out, "maxPool2dBackward"), sg = h.gpu.own(grad.storage, "maxPool2dBackward");
  const si = h.gpu.own(indices.storage, "maxPool2dBackward");
  const total = planes * w.inH * w.inW;
  if (total === 0) return;
  const words = windowWords(planes, w, [grad.offset, indices.offset]);
  const disjoint = w.strideH > (w.kernelH - 1) * w.dilationH && w.strideW > (w.kernelW - 1) * w.dilationW;
  if (!disjoint) {
    h.gpu.run(maxPool2dBackwardSource(), o, [sg, si], words, groupsFor(total));
    return;
  }
  h.fill({ storage: o, shape: [total], strides: [1], offset: 0 }, 0);
  const windows = planes * w.outH * w.outW;
  if (windows > 0) h.gpu.run(maxPool2dScatterSource(), o, [sg, si], words, groupsFor(windows));
}

function normWords(s: BatchNormShape, eps: number, views: (View | null)[]): number[] {
  const [x, weight, bias, grad, mean, variance] = views;
  return [s.outer, s.channels, s.inner, x?.offset ?? 0, weight?.offset ?? 0, weight ? 1 : 0,
    bias?.offset ?? 0, bias ? 1 : 0, f32Word(eps), grad?.offset ?? 0, mean?.offset ?? 0,
    variance?.offset ?? 0];
}

/** A workgroup per channel where barriers are cheap and the dispatch fits, else a thread per channel. */
function channelGroups(h: LayerHost, s: BatchNormShape): number[] | null {
  return h.workgroupKernels && s.channels <= MAX_GROUPS ? [s.channels, 1, 1] : null;
}

export function batchNorm(h: LayerHost, x: View, weight: View | null, bias: View | null, s: BatchNormShape,
  eps: number, out: Storage, mean: Storage, variance: Storage): void {
  const own = (t: Storage): GpuStorage => h.gpu.own(t, "batchNorm");
  const o = own(out), m = own(mean), v = own(variance), sx = own(x.storage);
  if (s.channels === 0) return;
  const words = normWords(s, eps, [x, weight, bias]);
  const grid = channelGroups(h, s);
  h.gpu.run(batchNormStatsSource(grid !== null), m, [v, sx], words,
    grid ?? [Math.ceil(s.channels / 64), 1, 1]);
  h.gpu.run(batchNormApplySource(), o, [sx, m, v, weight ? own(weight.storage) : h.dummy,
    bias ? own(bias.storage) : h.dummy], words, groupsFor(s.outer * s.channels * s.inner));
}

export function batchNormBackward(h: LayerHost, x: View, grad: View, weight: View | null, mean: View,
  variance: View, s: BatchNormShape, eps: number, dx: Storage | null, dweight: Storage | null,
  dbias: Storage | null): void {
  const own = (t: Storage): GpuStorage => h.gpu.own(t, "batchNormBackward");
  const sx = own(x.storage), sg = own(grad.storage), sm = own(mean.storage), sv = own(variance.storage);
  const C = s.channels;
  if (C === 0) return;
  const words = normWords(s, eps, [x, weight, null, grad, mean, variance]);
  const sums = h.gpu.pool.take(2 * C, "float32");
  const grid = channelGroups(h, s);
  h.gpu.run(batchNormGradSumsSource(grid !== null), sums, [sx, sg, sm, sv], words,
    grid ?? [Math.ceil(C / 64), 1, 1]);
  if (dx !== null) {
    h.gpu.run(batchNormGradInputSource(), own(dx), [sx, sg, sm, sv, weight ? own(weight.storage) : h.dummy,
      sums], words, groupsFor(s.outer * C * s.inner));
  }
  const copy = (dst: Storage | null, from: number): void => {
    if (dst !== null) {
      h.gpu.exec.enqueue({ t: "copy", src: sums.id, srcOffset: from * 4, dst: own(dst).id, dstOffset: 0,
        bytes: C * 4 });
    }
  };
  copy(dbias, 0);
  copy(dweight, C);
  h.gpu.pool.give(sums);
}
