/**
 * ONNX converters of the recurrent layers (the ONNX RNN, GRU and LSTM operators), the embedding and
 * the recurrent models. PyTorch's gate blocks are reordered into ONNX's: LSTM i,f,g,o -> i,o,f,c; GRU
 * r,z,n -> z,r,h, with linear_before_reset = 1 because PyTorch applies the reset gate after the
 * recurrent product (r ⊙ (W_hn·h + b_hn)).
 */
import type { Tensor } from "../../core/tensor.js";
import { CharLSTM } from "../../models/char-lstm.js";
import { SequenceClassifier } from "../../models/sequence-classifier.js";
import { Embedding } from "../../nn/layers/embedding.js";
import type { RNNBase } from "../../nn/layers/rnn-base.js";
import { GRUCell, LSTMCell, RNNCell } from "../../nn/layers/rnn-cells.js";
import { GRU, LSTM, RNN } from "../../nn/layers/rnn.js";
import { child, describeModule, registerOnnxConverter, simple } from "./convert.js";
import { ExportError, attr, join, type ConvertContext, type Value } from "./graph.js";
import { linear, reshape } from "./layers-basic.js";

type Mode = "lstm" | "gru" | "rnnTanh" | "rnnRelu";

/** PyTorch's gate block at each ONNX position. */
const GATE_ORDER: Record<Mode, number[]> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnnTanh: [0], rnnRelu: [0] };

/** The rows of a [G·H, ...] weight (or [G·H] bias) in ONNX gate order, appended to `out`. */
function reorder(mode: Mode, t: Tensor | null, rows: number, out: number[]): void {
  const cols = t === null || t.ndim === 1 ? 1 : t.shape[1];
  const data = t === null ? null : t.dataSync();
  for (const gate of GATE_ORDER[mode]) {
    for (let i = gate * rows * cols; i < (gate + 1) * rows * cols; i++) out.push(data === null ? 0 : data[i]);
  }
}

interface Weights { weight_ih: Tensor; weight_hh: Tensor; bias_ih: Tensor | null; bias_hh: Tensor | null }

interface Layer { mode: Mode; hiddenSize: number; directions: Weights[] }

const OP_TYPE: Record<Mode, string> = { lstm: "LSTM", gru: "GRU", rnnTanh: "RNN", rnnRelu: "RNN" };

/**
 * One ONNX recurrent node over time-major x [T, B, F]; returns Y as [T, B, D·H] and the final states
 * [D, B, H].
 */
function recurrentNode(ctx: ConvertContext, layer: Layer, x: string, h0: string, c0: string,
  suffix: string): { y: string; h: string; c: string } {
  const g = ctx.graph, { mode, hiddenSize: H, directions } = layer, D = directions.length;
  const G = GATE_ORDER[mode].length, inputSize = directions[0].weight_ih.shape[1];
  const w: number[] = [], r: number[] = [], b: number[] = [];
  for (const d of directions) {
    reorder(mode, d.weight_ih, H, w);
    reorder(mode, d.weight_hh, H, r);
    reorder(mode, d.bias_ih, H, b);
    reorder(mode, d.bias_hh, H, b);
  }
  const name = (what: string) => join(ctx.path, `${what}${suffix}`);
  const attributes = [attr.int("hidden_size", H),
    attr.string("direction", D === 2 ? "bidirectional" : "forward")];
  if (mode === "gru") attributes.push(attr.int("linear_before_reset", 1));
  if (mode === "rnnRelu") attributes.push(attr.strings("activations", new Array<string>(D).fill("Relu")));
  const inputs = [x, g.floats(name("W"), w, [D, G * H, inputSize]), g.floats(name("R"), r, [D, G * H, H]),
    g.floats(name("B"), b, [D, 2 * G * H]), "", h0];
  if (mode === "lstm") inputs.push(c0);
  const outputs = g.node(OP_TYPE[mode], inputs, attributes, { outputs: mode === "lstm" ? 3 : 2,
    name: name(OP_TYPE[mode].toLowerCase()) });
  // Y is [T, D, B, H]: directions next to the features, then merged with them.
  const y = g.op("Transpose", [outputs[0]], [attr.ints("perm", [0, 2, 1, 3])]);
  return { y: reshape(ctx, y, [0, 0, -1]), h: outputs[1], c: mode === "lstm" ? outputs[2] : "" };
}

/** Rows [from, to) of axis 0 of a state input (one layer's directions of h0 or c0). */
function slice0(ctx: ConvertContext, x: string, from: number, to: number): string {
  const g = ctx.graph, p = ctx.path;
  const starts = g.ints(join(p, "starts"), [from]), ends = g.ints(join(p, "ends"), [to]);
  return g.op("Slice", [x, starts, ends, g.ints(join(p, "axes"), [0])]);
}

/** Stacked layers over time-major x; h0/c0 are [L·D, B, H] names or "" for zeros. */
function stack(ctx: ConvertContext, layers: Layer[], x: string, h0: string, c0: string):
  { y: string; h: string; c: string } {
  let y = x;
  const hs: string[] = [], cs: string[] = [];
  layers.forEach((layer, l) => {
    const D = layer.directions.length;
    const part = (s: string) => (s === "" ? "" : slice0(ctx, s, l * D, (l + 1) * D));
    const out = recurrentNode(ctx, layer, y, part(h0), part(c0), `_l${l}`);
    y = out.y;
    hs.push(out.h);
    cs.push(out.c);
  });
  const cat = (parts: string[]) =>
    (parts.length === 1 ? parts[0] : ctx.graph.op("Concat", parts, [attr.int("axis", 0)]));
  return { y, h: cat(hs), c: layers[0].mode === "lstm" ? cat(cs) : "" };
}

function layersOf(m: RNNBase): Layer[] {
  return Array.from({ length: m.numLayers }, (_, l) => ({
    mode: m.mode as Mode, hiddenSize: m.hiddenSize,
    directions: Array.from({ length: m.directions }, (__, d) => {
      const w = m.cellWeights(l, d);
      return { weight_ih: w.weightIh, weight_hh: w.weightHh, bias_ih: w.biasIh, bias_hh: w.biasHh };
    }),
  }));
}

/** A multi-layer RNN/GRU/LSTM: outputs [output, h_n] (and c_n for the LSTM), zendl's layouts. */
function recurrentLayer(ctx: ConvertContext, m: RNN | GRU | LSTM, inputs: Value[]): Value[] {
  if (inputs[0].sample.ndim !== 3) {
    throw new ExportError(describeModule(m, ctx.path), "export a batch of sequences (a 3-d input); " +
      "unbatched [time, features] inputs are not exported");
  }
  const g = ctx.graph, batchFirst = m.batchFirst;
  const swap = (name: string) => g.op("Transpose", [name], [attr.ints("perm", [1, 0, 2])]);
  const timeMajor = batchFirst ? swap(inputs[0].name) : inputs[0].name;
  const out = stack(ctx, layersOf(m), timeMajor, inputs[1]?.name ?? "", inputs[2]?.name ?? "");
  const y = batchFirst ? swap(out.y) : out.y;
  const [output, state] = m instanceof LSTM
    ? m.forward(inputs[0].sample, inputs.length === 3 ? [inputs[1].sample, inputs[2].sample] : null)
    : m.forward(inputs[0].sample, inputs[1]?.sample ?? null);
  const values: Value[] = [{ name: y, sample: output }];
  if (Array.isArray(state)) {
    values.push({ name: out.h, sample: state[0] }, { name: out.c, sample: state[1] });
  } else {
    values.push({ name: out.h, sample: state as Tensor });
  }
  return values;
}

registerOnnxConverter(RNN, recurrentLayer);
registerOnnxConverter(GRU, recurrentLayer);
registerOnnxConverter(LSTM, recurrentLayer);

/** A cell is one step of the one-layer operator: x [B, F] becomes a sequence of length 1. */
function cell(ctx: ConvertContext, m: RNNCell | GRUCell | LSTMCell, inputs: Value[]): Value[] {
  const g = ctx.graph, steps = g.ints(join(ctx.path, "axes"), [0]);
  const layer: Layer = { mode: m.mode as Mode, hiddenSize: m.hiddenSize, directions: [m] };
  const state = (v: Value | undefined) => (v === undefined ? "" : g.op("Unsqueeze", [v.name, steps]));
  const out = recurrentNode(ctx, layer, g.op("Unsqueeze", [inputs[0].name, steps]), state(inputs[1]),
    state(inputs[2]), "");
  const h = g.op("Squeeze", [out.h, steps]);
  if (m instanceof LSTMCell) {
    const s = inputs.length === 3 ? [inputs[1].sample, inputs[2].sample] as [Tensor, Tensor] : null;
    const [hs, cs] = m.forward(inputs[0].sample, s);
    return [{ name: h, sample: hs }, { name: g.op("Squeeze", [out.c, steps]), sample: cs }];
  }
  return [{ name: h, sample: (m as RNNCell).forward(inputs[0].sample, inputs[1]?.sample ?? null) }];
}

registerOnnxConverter(RNNCell, cell);
registerOnnxConverter(GRUCell, cell);
registerOnnxConverter(LSTMCell, cell);

registerOnnxConverter(Embedding, simple((ctx, m, x) => {
  if (m.maxNorm !== null) {
    throw new ExportError(describeModule(m, ctx.path), "maxNorm rescales the weight rows in place at " +
      "every lookup, which an ONNX graph cannot do; renormalize the weights and drop maxNorm first");
  }
  return ctx.graph.op("Gather", [ctx.graph.weight(join(ctx.path, "weight"), m.weight), x.name],
    [attr.int("axis", 0)], join(ctx.path, "embedding"));
}));

/** Flat rows [B, T·F] are read as [B, T, F]; the head reads the last layer's final state(s). */
registerOnnxConverter(SequenceClassifier, simple((ctx, m, x) => {
  const g = ctx.graph, { inputSize: F, numLayers: L, bidirectional } = m.options, D = bidirectional ? 2 : 1;
  const seqs = reshape(ctx, x.name, [0, -1, F]);
  const sample = x.sample.ndim === 2 ? x.sample.reshape([x.sample.shape[0], -1, F]) : x.sample;
  const states = recurrentLayer({ graph: g, path: join(ctx.path, "rnn") }, m.rnn, [{ name: seqs, sample }]);
  const last = Array.from({ length: D }, (_, d) => g.op("Gather", [states[1].name,
    g.ints(join(ctx.path, "layer"), [(L - 1) * D + d], [])], [attr.int("axis", 0)]));
  const features = D === 1 ? last[0] : g.op("Concat", last, [attr.int("axis", 1)]);
  const head = { graph: g, path: join(ctx.path, "head") };
  const w = g.weight(join(head.path, "weight"), m.head.weight);
  const b = m.head.bias === null ? null : g.weight(join(head.path, "bias"), m.head.bias);
  const input = { name: features, sample: states[1].sample.select(0, 0) };
  return linear(head, input, w, b, join(head.path, "linear"));
}));

/** ids [B, T] (and the state [h0, c0]) to [logits [B, T, V], h_n, c_n], time-major inside as zendl. */
registerOnnxConverter(CharLSTM, (ctx, m, inputs) => {
  const g = ctx.graph, [ids, h0, c0] = inputs;
  const timeMajor = g.op("Transpose", [ids.name], [attr.ints("perm", [1, 0])]);
  const embedded = child(ctx, m.embedding, "embedding",
    { name: timeMajor, sample: ids.sample.transpose(0, 1) });
  const out = stack({ graph: g, path: join(ctx.path, "lstm") }, layersOf(m.lstm), embedded.name,
    h0?.name ?? "", c0?.name ?? "");
  const head = { graph: g, path: join(ctx.path, "head") };
  const w = g.weight(join(head.path, "weight"), m.head.weight);
  const b = m.head.bias === null ? null : g.weight(join(head.path, "bias"), m.head.bias);
  const logits = linear(head, { name: out.y, sample: embedded.sample }, w, b, join(head.path, "linear"));
  const [logitsSample, [hN, cN]] = m.forward(ids.sample, h0 === undefined ? null : [h0.sample, c0.sample]);
  return [{ name: g.op("Transpose", [logits], [attr.ints("perm", [1, 0, 2])]), sample: logitsSample },
    { name: out.h, sample: hN }, { name: out.c, sample: cN }];
});
