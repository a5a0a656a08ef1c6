/**
 * ONNX converters of the dense layers: containers, Linear, activations, softmax, dropout and reshapes.
 */
import {
  ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh,
} from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { Dropout2d } from "../../nn/layers/dropout2d.js";
import { Flatten } from "../../nn/layers/flatten.js";
import { Linear } from "../../nn/layers/linear.js";
import { Unflatten } from "../../models/generative-common.js";
import { child, registerOnnxConverter, simple } from "./convert.js";
import { attr, join, type ConvertContext, type Value } from "./graph.js";

registerOnnxConverter(Sequential, (ctx, module, [x]) => {
  let out = x;
  [...module].forEach((layer, i) => { out = child(ctx, layer, String(i), out); });
  return [out];
});

// Identity in eval mode: the value passes through unchanged (the top level adds an Identity node
// when an input would otherwise be an output).
for (const cls of [Identity, Dropout, Dropout2d]) {
  registerOnnxConverter(cls, (_, __, [x]) => [x]);
}

/** x·Wᵀ + b: Gemm for rows, MatMul with the transposed weight for more leading dimensions. */
export function linear(ctx: ConvertContext, x: Value, w: string, b: string | null, name: string): string {
  const g = ctx.graph;
  if (x.sample.ndim === 2) {
    return g.op("Gemm", b === null ? [x.name, w] : [x.name, w, b], [attr.int("transB", 1)], name);
  }
  const product = g.op("MatMul", [x.name, g.op("Transpose", [w], [attr.ints("perm", [1, 0])])], [], name);
  return b === null ? product : g.op("Add", [product, b], [], name);
}

registerOnnxConverter(Linear, simple((ctx, m, x) => {
  const w = ctx.graph.weight(join(ctx.path, "weight"), m.weight);
  const b = m.bias === null ? null : ctx.graph.weight(join(ctx.path, "bias"), m.bias);
  return linear(ctx, x, w, b, join(ctx.path, "linear"));
}));

const unary = (opType: string) =>
  simple((ctx, _, x) => ctx.graph.op(opType, [x.name], [], join(ctx.path, opType)));
registerOnnxConverter(Sigmoid, unary("Sigmoid"));
registerOnnxConverter(Tanh, unary("Tanh"));
registerOnnxConverter(ReLU, unary("Relu"));
registerOnnxConverter(LeakyReLU, simple((ctx, m, x) =>
  ctx.graph.op("LeakyRelu", [x.name], [attr.float("alpha", m.negativeSlope)], join(ctx.path, "LeakyRelu"))));
registerOnnxConverter(ELU, simple((ctx, m, x) =>
  ctx.graph.op("Elu", [x.name], [attr.float("alpha", m.alpha)], join(ctx.path, "Elu"))));
registerOnnxConverter(Softmax, simple((ctx, m, x) =>
  ctx.graph.op("Softmax", [x.name], [attr.int("axis", m.dim)], join(ctx.path, "Softmax"))));
registerOnnxConverter(LogSoftmax, simple((ctx, m, x) =>
  ctx.graph.op("LogSoftmax", [x.name], [attr.int("axis", m.dim)], join(ctx.path, "LogSoftmax"))));

registerOnnxConverter(SiLU, simple((ctx, _, x) =>
  ctx.graph.op("Mul", [x.name, ctx.graph.op("Sigmoid", [x.name])], [], join(ctx.path, "SiLU"))));

// GELU has no operator before opset 20: the same formulas as zendl's (exact with erf, or tanh's).
registerOnnxConverter(GELU, simple((ctx, m, x) => {
  const g = ctx.graph, c = (v: number) => g.floats(join(ctx.path, "c"), [v], []);
  const half = g.op("Mul", [x.name, c(0.5)]);
  let inner: string;
  if (m.approximate === "tanh") {
    const cube = g.op("Mul", [g.op("Mul", [x.name, x.name]), x.name]);
    const sum = g.op("Add", [x.name, g.op("Mul", [cube, c(0.044715)])]);
    inner = g.op("Tanh", [g.op("Mul", [sum, c(Math.sqrt(2 / Math.PI))])]);
  } else {
    inner = g.op("Erf", [g.op("Mul", [x.name, c(Math.SQRT1_2)])]);
  }
  return g.op("Mul", [half, g.op("Add", [inner, c(1)])], [], join(ctx.path, "GELU"));
}));

// log(1 + e^(βx))/β, and x itself where βx > threshold, as PyTorch.
registerOnnxConverter(Softplus, simple((ctx, m, x) => {
  const g = ctx.graph, c = (v: number) => g.floats(join(ctx.path, "c"), [v], []);
  const scaled = g.op("Mul", [x.name, c(m.beta)]);
  const smooth = g.op("Div", [g.op("Softplus", [scaled]), c(m.beta)]);
  const linearPart = g.op("Greater", [scaled, c(m.threshold)]);
  return g.op("Where", [linearPart, x.name, smooth], [], join(ctx.path, "Softplus"));
}));

/** Reshape to `dims` (ONNX rules: 0 copies the input's dimension, -1 is inferred). */
export function reshape(ctx: ConvertContext, x: string, dims: readonly number[], name = "Reshape"): string {
  const shape = ctx.graph.ints(join(ctx.path, "shape"), dims);
  return ctx.graph.op("Reshape", [x, shape], [], join(ctx.path, name));
}

registerOnnxConverter(Flatten, simple((ctx, m, x) => {
  const rank = x.sample.ndim;
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start === 1 && end === rank - 1) {
    return ctx.graph.op("Flatten", [x.name], [attr.int("axis", 1)], join(ctx.path, "Flatten"));
  }
  // Dimensions before the merged run are copied (0), the merged one inferred (-1), those after kept.
  const dims = x.sample.shape.map((d, i) => (i < start ? 0 : d));
  return reshape(ctx, x.name, [...dims.slice(0, start), -1, ...dims.slice(end + 1)]);
}));

registerOnnxConverter(Unflatten, simple((ctx, m, x) => reshape(ctx, x.name, [-1, ...m.shape])));
