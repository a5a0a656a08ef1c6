/**
 * Convolutions: argument checks, then the backend's convolution kernels (core/ops/conv.ts) for zero
 * padding. The other padding modes, every convolution on a backend without the kernels (their
 * fallback), and every convolution when asked (`composite`: the specification the kernels are tested
 * against) run as compositions of differentiable ops: im2col by `indexSelect`
 * (im2col.ts), then one batched matmul with the weight, grouped channels as a batch dimension, with
 * gradients from autograd (indexSelect's backward is col2im).
 */
import type { Conv2dGeometry } from "../../core/ops/conv.js";
import { isFloat, promoteTypes } from "../../core/dtype.js";
import { conv2dOp, convTranspose2dOp, hasConvKernels } from "../../core/ops/conv.js";
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";
import {
  toPair, unfoldPlanes, windowCount, windowPlan, type IntPair, type PaddingMode, type WindowAxis,
} from "./im2col.js";

export type { IntPair, PaddingMode } from "./im2col.js";

/** Zero-padding on each side, per axis; "same" keeps the size (stride 1 only), "valid" is none. */
export type ConvPadding = IntPair | "same" | "valid";

export interface Conv2dOptions {
  stride?: IntPair;
  padding?: ConvPadding;
  dilation?: IntPair;
  /** Split the channels into this many independent groups (= input channels: depthwise). Default 1. */
  groups?: number;
  /** What the padding reads (default "zeros"); the others mirror, clamp or wrap the image as F.pad. */
  paddingMode?: PaddingMode;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
  paddingMode?: PaddingMode;
}

export interface ConvTranspose2dOptions {
  stride?: IntPair;
  /** Removes `dilation·(kernel−1) − padding` from each side of the full transposed output. */
  padding?: IntPair;
  /** Extra rows/columns at the bottom/right, to pick among the input sizes a strided conv maps alike. */
  outputPadding?: IntPair;
  groups?: number;
  dilation?: IntPair;
}

const PADDING_MODES: readonly PaddingMode[] = ["zeros", "reflect", "replicate", "circular"];

/** @internal How an op reports itself: its name and the input shape the user passed. */
export interface ConvContext {
  op: string;
  shape: readonly number[];
  /** A 1-d op run as 2-d with height 1: sizes are reported without the height. */
  oneD?: boolean;
  /** Compose the op from indexSelect and matmul instead of the backend's kernels (tests compare both). */
  composite?: boolean;
}

function sizes(ctx: ConvContext, h: number, w: number): string {
  return ctx.oneD ? String(w) : `${h}×${w}`;
}

/** Runs `fn` on a batch, adding and removing a batch dimension for an unbatched input. */
export function batched(ctx: ConvContext, x: Tensor, ndim: number, fn: (x: Tensor) => Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${ctx.op}: expected a Tensor input, got ${typeof x}`);
  if (!isFloat(x.dtype)) throw new Error(`${ctx.op}: expected a floating-point input, got ${x.dtype}`);
  if (x.ndim === ndim) return fn(x);
  if (x.ndim === ndim - 1) return fn(x.unsqueeze(0)).squeeze(0);
  const layout = ndim === 4 ? "[N, C, H, W] or [C, H, W]" : "[N, C, L] or [C, L]";
  throw new Error(`${ctx.op}: expected a ${ndim}-d input ${layout}, got shape ${formatShape(x.shape)}`);
}

export function checkGroups(op: string, groups: number, channels: Array<[string, number]>): number {
  if (typeof groups !== "number" || !Number.isInteger(groups) || groups < 1) {
    throw new Error(`${op}: groups must be a positive integer, got ${String(groups)}`);
  }
  for (const [name, n] of channels) {
    if (n % groups !== 0) throw new Error(`${op}: ${name} ${n} is not divisible by groups ${groups}`);
  }
  return groups;
}

/** [[top, bottom], [left, right]] of a conv's padding; "same" puts the odd one at the end, as PyTorch. */
export function resolvePadding(op: string, padding: ConvPadding, kernel: readonly number[],
  dilation: readonly number[], stride: readonly number[]): Array<[number, number]> {
  if (padding === "valid") return [[0, 0], [0, 0]];
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new Error(`${op}: padding "same" needs stride 1, got stride ${formatShape(stride)}`);
    }
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  return toPair(op, "padding", padding, 0).map((p) => [p, p]);
}

function checkWeight(op: string, weight: Tensor, ndim: number, layout: string): void {
  if (!(weight instanceof Tensor) || weight.ndim !== ndim) {
    const got = weight instanceof Tensor ? formatShape(weight.shape) : typeof weight;
    throw new Error(`${op}: weight must be ${ndim}-d ${layout}, got ${got}`);
  }
}

function checkBias(op: string, bias: Tensor | null, channels: number): void {
  if (bias !== null && (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== channels)) {
    const got = bias instanceof Tensor ? formatShape(bias.shape) : typeof bias;
    throw new Error(`${op}: bias must have shape [${channels}] (output channels), got ${got}`);
  }
}

/** Windows along both axes, with an error naming the sizes when the kernel does not fit. */
function windows(ctx: ConvContext, h: WindowAxis, w: WindowAxis): void {
  if (windowCount(h) > 0 && windowCount(w) > 0) return;
  const padded = (a: WindowAxis) => (a.size - 1) * (a.inputStride ?? 1) + 1 + a.padLo + a.padHi;
  const span = (a: WindowAxis) => a.dilation * (a.kernel - 1) + 1;
  const dilated = h.dilation > 1 || w.dilation > 1 ? ` (${sizes(ctx, span(h), span(w))} dilated)` : "";
  const kernel = sizes(ctx, h.kernel, w.kernel);
  const size = sizes(ctx, padded(h), padded(w));
  throw new Error(`${ctx.op}: input ${formatShape(ctx.shape)} padded to ${size} is smaller than the ` +
    `${kernel} kernel${dilated}`);
}

/**
 * @internal conv2d with the caller's name in errors: x [N, C, H, W], weight [O, C/groups, kh, kw].
 * Channels are grouped as a batch dimension of one matmul: [G, O/G, C/G·K] · [N, G, C/G·K, L].
 */
export function convolve(ctx: ConvContext, x: Tensor, weight: Tensor, bias: Tensor | null,
  options: Conv2dOptions): Tensor {
  const { op } = ctx;
  checkWeight(op, weight, 4, "[outChannels, inChannels/groups, kh, kw]");
  const [n, c, hh, ww] = x.shape;
  const [outC, cg, kh, kw] = weight.shape;
  const groups = checkGroups(op, options.groups ?? 1, [["output channels", outC]]);
  if (c !== cg * groups) {
    throw new Error(`${op}: input ${formatShape(ctx.shape)} has ${c} channels, but weight ` +
      `${formatShape(weight.shape)} with groups ${groups} expects ${cg * groups}`);
  }
  checkBias(op, bias, outC);
  const stride = toPair(op, "stride", options.stride ?? 1);
  const dilation = toPair(op, "dilation", options.dilation ?? 1);
  const pads = resolvePadding(op, options.padding ?? 0, [kh, kw], dilation, stride);
  const mode = options.paddingMode ?? "zeros";
  if (!PADDING_MODES.includes(mode)) {
    throw new Error(`${op}: paddingMode must be one of ${PADDING_MODES.join(", ")}, got ${String(mode)}`);
  }
  const axes = [[hh, kh], [ww, kw]].map(([size, kernel], i): WindowAxis => ({
    size, kernel, stride: stride[i], dilation: dilation[i], padLo: pads[i][0], padHi: pads[i][1],
  }));
  windows(ctx, axes[0], axes[1]);
  if (mode === "reflect" || mode === "circular") {
    axes.forEach((a) => {
      const limit = mode === "reflect" ? a.size - 1 : a.size;
      if (Math.max(a.padLo, a.padHi) > limit) {
        throw new Error(`${op}: ${mode} padding ${Math.max(a.padLo, a.padHi)} is too large for an input ` +
          `of size ${a.size} (at most ${limit})`);
      }
    });
  }
  if (mode === "zeros" && !ctx.composite && hasConvKernels(x.backend)) {
    const [outH, outW] = axes.map((a) => windowCount(a));
    const geometry: Conv2dGeometry = { batch: n, inChannels: c, outChannels: outC, groups, inH: hh, inW: ww,
      kernelH: kh, kernelW: kw, strideH: stride[0], strideW: stride[1], padH: pads[0][0], padW: pads[1][0],
      dilationH: dilation[0], dilationW: dilation[1], outH, outW };
    const dtype = promoteTypes(x.dtype, weight.dtype);
    return conv2dOp(x.to(dtype), weight.to(dtype), bias === null ? null : bias.to(dtype), geometry);
  }
  const og = outC / groups;
  let cols: Tensor, outH = hh, outW = ww;
  const pointwise = kh === 1 && kw === 1 && stride[0] === 1 && stride[1] === 1;
  if (pointwise && pads.every(([lo, hi]) => lo === 0 && hi === 0)) {
    cols = x.reshape([n, groups, cg, hh * ww]);           // a 1×1 convolution is a matmul over channels
  } else {
    const plan = windowPlan(axes[0], axes[1], mode);
    ({ outH, outW } = plan);
    cols = unfoldPlanes(x, plan).reshape([n, groups, cg * kh * kw, outH * outW]);
  }
  const k = cg * kh * kw;
  // Depthwise: one input channel per group makes the batched matmul N·G products of one row each,
  // so a broadcast multiply and a sum over the taps is far cheaper on every backend.
  const y = cg === 1 && groups > 1
    ? cols.unsqueeze(2).mul(weight.reshape([1, groups, og, k, 1])).sum(3).reshape([n, outC, outH, outW])
    : weight.reshape([groups, og, k]).matmul(cols).reshape([n, outC, outH, outW]);
  return bias === null ? y : y.add(bias.reshape([outC, 1, 1]));
}

/**
 * 2-d convolution (cross-correlation, as every framework) of x [N, C, H, W] (or [C, H, W]) with
 * weight [outChannels, C/groups, kh, kw], plus bias [outChannels].
 * @example
 * const y = nn.functional.conv2d(zd.randn([8, 3, 32, 32]), zd.randn([16, 3, 3, 3]), null,
 *   { padding: 1 });   // [8, 16, 32, 32]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const ctx = { op: "conv2d", shape: x instanceof Tensor ? x.shape : [] };
  return batched(ctx, x, 4, (xb) => convolve(ctx, xb, weight, bias ?? null, options));
}

function single(op: string, name: string, value: number, min: number): number {
  if (typeof value !== "number") {
    throw new Error(`${op}: ${name} must be a number, got ${JSON.stringify(value)}`);
  }
  return toPair(op, name, value, min)[0];
}

/** @internal conv1d under the caller's name: a conv2d over images of height 1. */
export function convolve1d(ctx: ConvContext, x: Tensor, weight: Tensor, bias: Tensor | null,
  options: Conv1dOptions): Tensor {
  checkWeight(ctx.op, weight, 3, "[outChannels, inChannels/groups, k]");
  const p = options.padding ?? 0;
  const padding: ConvPadding = typeof p === "string" ? p : [0, single(ctx.op, "padding", p, 0)];
  return convolve({ ...ctx, oneD: true }, x.unsqueeze(2), weight.unsqueeze(2), bias, {
    ...options, padding,
    stride: [1, single(ctx.op, "stride", options.stride ?? 1, 1)],
    dilation: [1, single(ctx.op, "dilation", options.dilation ?? 1, 1)],
  }).squeeze(2);
}

/**
 * 1-d convolution of x [N, C, L] (or [C, L]) with weight [outChannels, C/groups, k].
 * @example nn.functional.conv1d(zd.randn([4, 2, 50]), zd.randn([8, 2, 5]), null, { stride: 2 }) // [4, 8, 23]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  const ctx = { op: "conv1d", shape: x instanceof Tensor ? x.shape : [] };
  return batched(ctx, x, 3, (xb) => convolve1d(ctx, xb, weight, bias ?? null, options));
}

/**
 * @internal The adjoint of conv2d, computed as a convolution of the zero-inserted input (stride
 * zeros between elements) with the flipped kernel; insertion and flip live in the gather index.
 */
export function convolveTransposed(ctx: ConvContext, x: Tensor, weight: Tensor, bias: Tensor | null,
  options: ConvTranspose2dOptions): Tensor {
  const { op } = ctx;
  checkWeight(op, weight, 4, "[inChannels, outChannels/groups, kh, kw]");
  const [n, c, hh, ww] = x.shape;
  const [inC, og, kh, kw] = weight.shape;
  const groups = checkGroups(op, options.groups ?? 1, [["input channels", inC]]);
  if (c !== inC) {
    throw new Error(`${op}: input ${formatShape(ctx.shape)} has ${c} channels, but weight ` +
      `${formatShape(weight.shape)} expects ${inC}`);
  }
  checkBias(op, bias, og * groups);
  const stride = toPair(op, "stride", options.stride ?? 1);
  const dilation = toPair(op, "dilation", options.dilation ?? 1);
  const padding = toPair(op, "padding", options.padding ?? 0, 0);
  const extra = toPair(op, "outputPadding", options.outputPadding ?? 0, 0);
  const axes = [[hh, kh], [ww, kw]].map(([size, kernel], i): WindowAxis => {
    if (extra[i] >= Math.max(stride[i], dilation[i])) {
      throw new Error(`${op}: outputPadding ${formatShape(extra)} must be smaller than stride ` +
        `${formatShape(stride)} or dilation ${formatShape(dilation)}`);
    }
    const full = dilation[i] * (kernel - 1);
    return { size, kernel, stride: 1, dilation: dilation[i], padLo: full - padding[i],
      padHi: full - padding[i] + extra[i], inputStride: stride[i], flip: true };
  });
  const outSize = axes.map((a, i) => (a.size - 1) * stride[i] - 2 * padding[i] + a.dilation * (a.kernel - 1) +
    extra[i] + 1);
  if (outSize.some((s) => s < 1)) {
    throw new Error(`${op}: input ${formatShape(ctx.shape)} gives an empty output ` +
      `${sizes(ctx, outSize[0], outSize[1])}: padding ${formatShape(padding)} is too large`);
  }
  if (!ctx.composite && hasConvKernels(x.backend)) {
    // the adjoint of the convolution from the output size back to x's size, with this weight
    const geometry: Conv2dGeometry = { batch: n, inChannels: og * groups, outChannels: inC, groups,
      inH: outSize[0], inW: outSize[1], kernelH: kh, kernelW: kw, strideH: stride[0], strideW: stride[1],
      padH: padding[0], padW: padding[1], dilationH: dilation[0], dilationW: dilation[1], outH: hh,
      outW: ww };
    const dtype = promoteTypes(x.dtype, weight.dtype);
    const y = convTranspose2dOp(x.to(dtype), weight.to(dtype), geometry);
    return bias === null ? y : y.add(bias.reshape([og * groups, 1, 1]));
  }
  const cg = inC / groups, taps = kh * kw;
  const plan = windowPlan(axes[0], axes[1]);
  const cols = unfoldPlanes(x, plan).reshape([n, groups, cg * taps, plan.outH * plan.outW]);
  const w = weight.reshape([groups, cg, og, taps]).permute([0, 2, 1, 3]).reshape([groups, og, cg * taps]);
  const y = w.matmul(cols).reshape([n, og * groups, plan.outH, plan.outW]);
  return bias === null ? y : y.add(bias.reshape([og * groups, 1, 1]));
}

/**
 * Transposed 2-d convolution (the gradient of conv2d with respect to its input; "deconvolution")
 * of x [N, C, H, W] with weight [C, outChannels/groups, kh, kw]. The output is
 * (H−1)·stride − 2·padding + dilation·(kh−1) + outputPadding + 1 high, and likewise wide.
 * @example
 * nn.functional.convTranspose2d(zd.randn([1, 8, 7, 7]), zd.randn([8, 4, 4, 4]), null,
 *   { stride: 2, padding: 1 });   // [1, 4, 14, 14]
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null,
  options: ConvTranspose2dOptions = {}): Tensor {
  const ctx = { op: "convTranspose2d", shape: x instanceof Tensor ? x.shape : [] };
  return batched(ctx, x, 4, (xb) => convolveTransposed(ctx, xb, weight, bias ?? null, options));
}
