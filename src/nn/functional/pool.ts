/**
 * Pooling. Max pooling runs on the backend's kernel, which records each window's arg-max so the backward
 * routes the whole gradient there (as PyTorch); the composite form (the fallback on a backend without the
 * kernels, and the specification when asked with `composite`) gathers windows by `indexSelect` (im2col.ts)
 * and picks each window's first arg-max. Average pooling is that composite with a `sum`; adaptive average
 * pooling is two matmuls with averaging matrices.
 */
import { fromFlat } from "../../core/creation.js";
import { hasMaxPoolKernels, maxPool2dOp } from "../../core/ops/pool.js";
import { formatShape } from "../../core/shape.js";
import { Tensor } from "../../core/tensor.js";
import { batched, type ConvContext } from "./conv.js";
import {
  poolDivisors, toPair, unfoldPlanes, windowPlan, type IntPair, type WindowAxis, type WindowPlan,
} from "./im2col.js";

export interface MaxPool2dOptions {
  /** Default: the kernel size (windows do not overlap). */
  stride?: IntPair | null;
  /** Implicit -∞ on each side, at most half the kernel. */
  padding?: IntPair;
  dilation?: IntPair;
  /** Round the output size up, adding a last window that starts inside the (left-padded) input. */
  ceilMode?: boolean;
  /** Also return, for each output, the flat index (row·W + column) of its maximum in the input plane. */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  stride?: IntPair | null;
  /** Implicit zeros on each side, at most half the kernel. */
  padding?: IntPair;
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead. */
  divisorOverride?: number | null;
}

export type MaxPool1dOptions = Omit<MaxPool2dOptions, "stride" | "padding" | "dilation"> &
  { stride?: number | null; padding?: number; dilation?: number };
export type AvgPool1dOptions = Omit<AvgPool2dOptions, "stride" | "padding"> &
  { stride?: number | null; padding?: number };

/** @internal The window plan of a pool, with PyTorch's checks on padding and output size. */
export function poolPlan(ctx: ConvContext, x: Tensor, kernelSize: IntPair, stride: IntPair | null | undefined,
  padding: IntPair | undefined, dilation: IntPair | undefined, ceilMode: boolean | undefined): WindowPlan {
  const { op } = ctx;
  const kernel = toPair(op, "kernelSize", kernelSize);
  const step = toPair(op, "stride", stride ?? kernel);
  const pad = toPair(op, "padding", padding ?? 0, 0);
  const dil = toPair(op, "dilation", dilation ?? 1);
  if (ceilMode !== undefined && typeof ceilMode !== "boolean") {
    throw new Error(`${op}: ceilMode must be true or false, got ${String(ceilMode)}`);
  }
  if (pad.some((p, i) => p > kernel[i] / 2)) {
    throw new Error(`${op}: padding ${ctx.oneD ? pad[1] : formatShape(pad)} must be at most half the ` +
      `kernel size ${ctx.oneD ? kernel[1] : formatShape(kernel)}`);
  }
  const axes = [0, 1].map((i): WindowAxis => ({
    size: x.shape[2 + i], kernel: kernel[i], stride: step[i], dilation: dil[i], padLo: pad[i], padHi: pad[i],
  }));
  const plan = windowPlan(axes[0], axes[1], "zeros", ceilMode ?? false);
  if (plan.outH < 1 || plan.outW < 1) {
    const [h, w] = [x.shape[2] + 2 * pad[0], x.shape[3] + 2 * pad[1]];
    const size = ctx.oneD ? String(w) : `${h}×${w}`;
    throw new Error(`${op}: input ${formatShape(ctx.shape)} padded to ${size} is smaller than the kernel ` +
      `${ctx.oneD ? kernel[1] : formatShape(kernel)}${dil.some((d) => d > 1) ? " (dilated)" : ""}`);
  }
  return plan;
}

/** @internal max-pooling of a 4-d input under the caller's name. */
export function maxPool(ctx: ConvContext, x: Tensor, kernelSize: IntPair,
  options: MaxPool2dOptions): Tensor[] {
  const { stride, padding, dilation, ceilMode } = options;
  const plan = poolPlan(ctx, x, kernelSize, stride, padding, dilation, ceilMode);
  if (!ctx.composite && hasMaxPoolKernels(x.backend)) {
    const kernel = toPair(ctx.op, "kernelSize", kernelSize);
    const step = toPair(ctx.op, "stride", stride ?? kernel);
    const pad = toPair(ctx.op, "padding", padding ?? 0, 0), dil = toPair(ctx.op, "dilation", dilation ?? 1);
    const [values, indices] = maxPool2dOp(x, { inH: x.shape[2], inW: x.shape[3], kernelH: kernel[0],
      kernelW: kernel[1], strideH: step[0], strideW: step[1], padH: pad[0], padW: pad[1], dilationH: dil[0],
      dilationW: dil[1], outH: plan.outH, outW: plan.outW });
    return options.returnIndices ? [values, indices] : [values];
  }
  const [n, c] = x.shape;
  // the padding reads -∞, so it is never a window's maximum
  const cols = unfoldPlanes(x, plan, -Infinity);
  // gathering at the arg-max gives the whole gradient to the first of tied maxima, as PyTorch and the
  // kernel do (`max` would split it between them)
  const first = cols.argmax(2, true);
  const values = cols.gather(2, first).reshape([n, c, plan.outH, plan.outW]);
  if (!options.returnIndices) return [values];
  const taps = first.dataSync(), L = plan.outH * plan.outW;
  const flat = new Int32Array(taps.length);
  for (let i = 0; i < taps.length; i++) flat[i] = plan.table[taps[i] * L + (i % L)];
  return [values, fromFlat(flat, values.shape, "int32", x.backend)];
}

/**
 * Max over each kernelSize window of x [N, C, H, W] (or [C, H, W]), per channel.
 * @example
 * nn.functional.maxPool2d(zd.randn([8, 16, 28, 28]), 2).shape;   // [8, 16, 14, 14]
 * const [values, indices] = nn.functional.maxPool2d(x, 3, { stride: 2, returnIndices: true });
 */
export function maxPool2d(x: Tensor, kernelSize: IntPair,
  options: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntPair, options?: MaxPool2dOptions): Tensor;
export function maxPool2d(x: Tensor, kernelSize: IntPair,
  options: MaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  const ctx = { op: "maxPool2d", shape: x instanceof Tensor ? x.shape : [] };
  return withIndices(x, 4, options.returnIndices, (xb) => maxPool(ctx, xb, kernelSize, options), ctx);
}

/** Runs a pool on a batch (adding one for an unbatched input), returning indices when asked. */
function withIndices(x: Tensor, ndim: number, indices: boolean | undefined, fn: (x: Tensor) => Tensor[],
  ctx: ConvContext): Tensor | [Tensor, Tensor] {
  let parts: Tensor[] = [];
  batched(ctx, x, ndim, (xb) => (parts = fn(ndim === 3 ? xb.unsqueeze(2) : xb))[0]);
  const restore = (t: Tensor): Tensor => {
    const y = ndim === 3 ? t.squeeze(2) : t;
    return x.ndim === ndim - 1 ? y.squeeze(0) : y;
  };
  return indices ? [restore(parts[0]), restore(parts[1])] : restore(parts[0]);
}

/**
 * Max over windows of x [N, C, L] (or [C, L]); indices are positions along L.
 * @example nn.functional.maxPool1d(zd.randn([4, 8, 100]), 4).shape // [4, 8, 25]
 */
export function maxPool1d(x: Tensor, kernelSize: number,
  options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: number, options?: MaxPool1dOptions): Tensor;
export function maxPool1d(x: Tensor, kernelSize: number,
  options: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  const ctx = { op: "maxPool1d", shape: x instanceof Tensor ? x.shape : [], oneD: true };
  return withIndices(x, 3, options.returnIndices, (xb) => maxPool(ctx, xb, as2d(kernelSize, 1), {
    ...options, stride: options.stride == null ? null : as2d(options.stride, 1),
    padding: as2d(options.padding ?? 0, 0), dilation: as2d(options.dilation ?? 1, 1),
  }), ctx);
}

/** A 1-d size as [height 1, size] ([0, size] for padding), keeping bad values for the error message. */
function as2d(value: number, height: number): IntPair {
  return typeof value === "number" ? [height, value] : value;
}

/** @internal average pooling of a 4-d input under the caller's name. */
export function avgPool(ctx: ConvContext, x: Tensor, kernelSize: IntPair, options: AvgPool2dOptions): Tensor {
  const plan = poolPlan(ctx, x, kernelSize, options.stride, options.padding, 1, options.ceilMode);
  const [n, c] = x.shape;
  const sums = unfoldPlanes(x, plan, 0).sum(2);
  const override = options.divisorOverride;
  if (override != null && !(typeof override === "number" && Number.isInteger(override) && override > 0)) {
    throw new Error(`${ctx.op}: divisorOverride must be a positive integer, got ${String(override)}`);
  }
  let divisor: Tensor | number = override ?? 0;
  if (override == null) {
    const kernel = toPair(ctx.op, "kernelSize", kernelSize);
    const pad = toPair(ctx.op, "padding", options.padding ?? 0, 0);
    const step = toPair(ctx.op, "stride", options.stride ?? kernel);
    const axes = [0, 1].map((i): WindowAxis => ({ size: x.shape[2 + i], kernel: kernel[i], stride: step[i],
      dilation: 1, padLo: pad[i], padHi: pad[i] }));
    const d = poolDivisors(axes[0], axes[1], plan.outH, plan.outW, options.countIncludePad ?? true);
    divisor = d.every((v) => v === d[0]) ? d[0] : fromFlat(d, [d.length], x.dtype, x.backend);
  }
  return sums.div(divisor).reshape([n, c, plan.outH, plan.outW]);
}

/**
 * Mean over each window of x [N, C, H, W] (or [C, H, W]), per channel.
 * @example nn.functional.avgPool2d(zd.randn([8, 16, 28, 28]), 2).shape // [8, 16, 14, 14]
 */
export function avgPool2d(x: Tensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Tensor {
  const ctx = { op: "avgPool2d", shape: x instanceof Tensor ? x.shape : [] };
  return batched(ctx, x, 4, (xb) => avgPool(ctx, xb, kernelSize, options));
}

/**
 * Mean over windows of x [N, C, L] (or [C, L]).
 * @example nn.functional.avgPool1d(zd.randn([4, 8, 100]), 4).shape // [4, 8, 25]
 */
export function avgPool1d(x: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  const ctx = { op: "avgPool1d", shape: x instanceof Tensor ? x.shape : [], oneD: true };
  return batched(ctx, x, 3, (xb) => avgPool(ctx, xb.unsqueeze(2), as2d(kernelSize, 1), {
    ...options, stride: options.stride == null ? null : as2d(options.stride, 1),
    padding: as2d(options.padding ?? 0, 0),
  }).squeeze(2));
}

/**
 * The [out, in] matrix that averages PyTorch's adaptive bins: bin i covers
 * floor(i·in/out) .. ceil((i+1)·in/out), so bins overlap when in is not a multiple of out.
 */
function binMatrix(x: Tensor, inSize: number, outSize: number): Tensor {
  const m = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize), end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return fromFlat(m, [outSize, inSize], x.dtype, x.backend);
}

/** Output size of an adaptive pool: one size for both axes, or [h, w] with null keeping the input's. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** @internal adaptive average pooling of a 4-d input under the caller's name. */
export function adaptiveAvgPool(ctx: ConvContext, x: Tensor, outputSize: AdaptiveSize): Tensor {
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize]
    : Array.isArray(outputSize) ? outputSize : [];
  const out = sizes.map((s, i) => s ?? x.shape[2 + i]);
  if (out.length !== 2 || out.some((s) => typeof s !== "number" || !Number.isInteger(s) || s < 1)) {
    throw new Error(`${ctx.op}: outputSize must be a positive integer or a pair of them (null keeps the ` +
      `input size), got ${JSON.stringify(outputSize)}`);
  }
  if (x.shape[2] === 0 || x.shape[3] === 0) {
    throw new Error(`${ctx.op}: input ${formatShape(ctx.shape)} has an empty spatial dimension`);
  }
  if (out[0] === 1 && out[1] === 1) return x.mean([2, 3], true);
  let y = x;
  if (out[0] !== x.shape[2]) y = binMatrix(x, x.shape[2], out[0]).matmul(y);
  if (out[1] !== x.shape[3]) y = y.matmul(binMatrix(x, x.shape[3], out[1]).T);
  return y;
}

/**
 * Average pooling to a fixed output size whatever the input size; 1 is global average pooling.
 * @example nn.functional.adaptiveAvgPool2d(zd.randn([8, 512, 7, 7]), 1).shape // [8, 512, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const ctx = { op: "adaptiveAvgPool2d", shape: x instanceof Tensor ? x.shape : [] };
  return batched(ctx, x, 4, (xb) => adaptiveAvgPool(ctx, xb, outputSize));
}

/**
 * Average pooling of x [N, C, L] (or [C, L]) to `outputSize` positions.
 * @example nn.functional.adaptiveAvgPool1d(zd.randn([4, 8, 100]), 10).shape // [4, 8, 10]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  const ctx = { op: "adaptiveAvgPool1d", shape: x instanceof Tensor ? x.shape : [], oneD: true };
  return batched(ctx, x, 3, (xb) => adaptiveAvgPool(ctx, xb.unsqueeze(2), [1, outputSize]).squeeze(2));
}
