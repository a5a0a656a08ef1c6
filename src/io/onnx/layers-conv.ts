/**
 * ONNX converters of the convolutional layers: convolutions, pooling and normalization (eval mode).
 */
import { Conv1d, Conv2d, ConvTranspose2d, DepthwiseSeparableConv2d } from "../../nn/layers/conv.js";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "../../nn/layers/norm.js";
import {
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
} from "../../nn/layers/pool.js";
import type { IntPair } from "../../nn/functional/im2col.js";
import { resolvePadding } from "../../nn/functional/conv.js";
import { child, describeModule, registerOnnxConverter, simple } from "./convert.js";
import { ExportError, attr, join, type ConvertContext } from "./graph.js";
import { reshape } from "./layers-basic.js";

/** An IntPair as a list of `dims` sizes (a 1-d layer's single number stays one). */
function sizes(value: IntPair, dims: number): number[] {
  return typeof value === "number" ? new Array<number>(dims).fill(value) : [...value];
}

/** ONNX pads: all the begins, then all the ends. */
function onnxPads(pairs: ReadonlyArray<readonly [number, number]>): number[] {
  return [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])];
}

registerOnnxConverter(Conv2d, simple((ctx, m, x) => conv(ctx, m, x.name)));
registerOnnxConverter(Conv1d, simple((ctx, m, x) => conv(ctx, m, x.name)));

function conv(ctx: ConvertContext, m: Conv1d | Conv2d, x: string): string {
  const g = ctx.graph, dims = m.kernelSize.length;
  const kernel2 = dims === 1 ? [1, m.kernelSize[0]] : [...m.kernelSize];
  const pad2 = (v: readonly number[]) => (dims === 1 ? [1, v[0]] : [...v]);
  const padding = typeof m.padding === "string" ? m.padding : pad2(m.padding) as [number, number];
  let pairs = resolvePadding(m.constructor.name, padding, kernel2, pad2(m.dilation), pad2(m.stride))
    .slice(2 - dims);
  let input = x;
  if (m.paddingMode !== "zeros") {
    if (m.paddingMode === "circular") {
      throw new ExportError(describeModule(m, ctx.path), 'paddingMode "circular" needs the Pad ' +
        'operator\'s "wrap" mode, which ONNX has only from opset 19');
    }
    // Pad pads every axis: nothing on batch and channels, the convolution's padding on the rest.
    const pads = g.ints(join(ctx.path, "pads"), onnxPads([[0, 0], [0, 0], ...pairs]));
    const mode = m.paddingMode === "reflect" ? "reflect" : "edge";
    input = g.op("Pad", [x, pads], [attr.string("mode", mode)], join(ctx.path, "pad"));
    pairs = pairs.map(() => [0, 0]);
  }
  const inputs = [input, g.weight(join(ctx.path, "weight"), m.weight)];
  if (m.bias !== null) inputs.push(g.weight(join(ctx.path, "bias"), m.bias));
  return g.op("Conv", inputs, [
    attr.ints("kernel_shape", m.kernelSize), attr.ints("strides", m.stride),
    attr.ints("dilations", m.dilation), attr.ints("pads", onnxPads(pairs)), attr.int("group", m.groups),
  ], join(ctx.path, "conv"));
}

registerOnnxConverter(ConvTranspose2d, simple((ctx, m, x) => {
  const g = ctx.graph, padding = m.padding as readonly number[];
  const inputs = [x.name, g.weight(join(ctx.path, "weight"), m.weight)];
  if (m.bias !== null) inputs.push(g.weight(join(ctx.path, "bias"), m.bias));
  return g.op("ConvTranspose", inputs, [
    attr.ints("kernel_shape", m.kernelSize), attr.ints("strides", m.stride),
    attr.ints("dilations", m.dilation), attr.ints("pads", [...padding, ...padding]),
    attr.ints("output_padding", m.outputPadding),
    attr.int("group", m.groups),
  ], join(ctx.path, "conv_transpose"));
}));

registerOnnxConverter(DepthwiseSeparableConv2d, (ctx, m, [x]) =>
  [child(ctx, m.pointwise, "pointwise", child(ctx, m.depthwise, "depthwise", x))]);

const poolDims = (m: MaxPool1d | MaxPool2d | AvgPool1d | AvgPool2d): number =>
  m instanceof MaxPool1d || m instanceof AvgPool1d ? 1 : 2;

for (const cls of [MaxPool1d, MaxPool2d]) {
  registerOnnxConverter(cls, simple((ctx, m, x) => {
    const d = poolDims(m), pad = sizes(m.padding, d);
    return ctx.graph.op("MaxPool", [x.name], [
      attr.ints("kernel_shape", sizes(m.kernelSize, d)), attr.ints("strides", sizes(m.stride, d)),
      attr.ints("pads", [...pad, ...pad]), attr.ints("dilations", sizes(m.dilation, d)),
      attr.int("ceil_mode", m.ceilMode ? 1 : 0),
    ], join(ctx.path, "max_pool"));
  }));
}

for (const cls of [AvgPool1d, AvgPool2d]) {
  registerOnnxConverter(cls, simple((ctx, m, x) => {
    const g = ctx.graph, d = poolDims(m), pad = sizes(m.padding, d), kernel = sizes(m.kernelSize, d);
    if (m.divisorOverride !== null && (m.ceilMode || !m.countIncludePad)) {
      throw new ExportError(describeModule(m, ctx.path), "divisorOverride is exported as a rescaled " +
        "average, which is exact only without ceilMode and with countIncludePad");
    }
    const pooled = g.op("AveragePool", [x.name], [
      attr.ints("kernel_shape", kernel), attr.ints("strides", sizes(m.stride, d)),
      attr.ints("pads", [...pad, ...pad]), attr.int("ceil_mode", m.ceilMode ? 1 : 0),
      attr.int("count_include_pad", m.countIncludePad ? 1 : 0),
    ], join(ctx.path, "avg_pool"));
    if (m.divisorOverride === null) return pooled;
    const window = kernel.reduce((a, b) => a * b, 1);
    return g.op("Mul", [pooled, g.floats(join(ctx.path, "rescale"), [window / m.divisorOverride], [])]);
  }));
}

/**
 * Adaptive average pooling for the probe's input size: a global average for a 1×1 output, a plain
 * AveragePool when the size divides evenly, else PyTorch's uneven bins (start ⌊i·in/out⌋, end
 * ⌈(i+1)·in/out⌉) as a product with a constant averaging matrix over the flattened plane.
 */
for (const cls of [AdaptiveAvgPool1d, AdaptiveAvgPool2d]) {
  registerOnnxConverter(cls, simple((ctx, m, x) => {
    const g = ctx.graph, rank = x.sample.ndim;
    const inner = x.sample.shape.slice(2), out = m.forward(x.sample).shape.slice(2);
    const name = join(ctx.path, "adaptive_avg_pool");
    if (out.every((o) => o === 1)) return g.op("GlobalAveragePool", [x.name], [], name);
    if (inner.every((size, i) => size % out[i] === 0)) {
      const kernel = inner.map((size, i) => size / out[i]);
      return g.op("AveragePool", [x.name], [attr.ints("kernel_shape", kernel), attr.ints("strides", kernel)],
        name);
    }
    const bins = (size: number, n: number) => Array.from({ length: n }, (_, i) =>
      [Math.floor((i * size) / n), Math.ceil(((i + 1) * size) / n)]);
    const [inH, inW] = rank === 4 ? inner : [1, inner[0]], [outH, outW] = rank === 4 ? out : [1, out[0]];
    const rows = bins(inH, outH), cols = bins(inW, outW);
    const matrix = new Float32Array(inH * inW * outH * outW);
    rows.forEach(([r0, r1], i) => cols.forEach(([c0, c1], j) => {
      const weight = 1 / ((r1 - r0) * (c1 - c0));
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) matrix[(r * inW + c) * outH * outW + i * outW + j] = weight;
      }
    }));
    const flat = reshape(ctx, x.name, [0, 0, -1]);
    const pooled = g.op("MatMul", [flat, g.floats(join(ctx.path, "bins"), matrix, [inH * inW, outH * outW])]);
    return reshape(ctx, pooled, [0, 0, ...out], "adaptive_avg_pool");
  }));
}

for (const cls of [BatchNorm1d, BatchNorm2d]) {
  registerOnnxConverter(cls, simple((ctx, m, x) => {
    const g = ctx.graph, c = m.numFeatures;
    if (m.running_mean === null || m.running_var === null) {
      throw new ExportError(describeModule(m, ctx.path), "it has no running statistics " +
        "(trackRunningStats: false), so even in eval mode it normalizes with each batch's own statistics");
    }
    const scale = m.weight === null ? g.floats(join(ctx.path, "weight"), new Array<number>(c).fill(1))
      : g.weight(join(ctx.path, "weight"), m.weight);
    const bias = m.bias === null ? g.floats(join(ctx.path, "bias"), new Array<number>(c).fill(0))
      : g.weight(join(ctx.path, "bias"), m.bias);
    const mean = g.weight(join(ctx.path, "running_mean"), m.running_mean);
    const variance = g.weight(join(ctx.path, "running_var"), m.running_var);
    return g.op("BatchNormalization", [x.name, scale, bias, mean, variance], [attr.float("epsilon", m.eps)],
      join(ctx.path, "batch_norm"));
  }));
}

registerOnnxConverter(LayerNorm, simple((ctx, m, x) => {
  const g = ctx.graph, shape = m.normalizedShape, n = shape.reduce((a, b) => a * b, 1);
  const scale = m.weight === null ? g.floats(join(ctx.path, "weight"), new Array<number>(n).fill(1), shape)
    : g.weight(join(ctx.path, "weight"), m.weight);
  const inputs = [x.name, scale];
  if (m.bias !== null) inputs.push(g.weight(join(ctx.path, "bias"), m.bias));
  return g.op("LayerNormalization", inputs, [attr.int("axis", -shape.length), attr.float("epsilon", m.eps)],
    join(ctx.path, "layer_norm"));
}));
