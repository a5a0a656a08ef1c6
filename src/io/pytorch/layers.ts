/**
 * A zendl module tree as Python source that builds the same torch.nn modules: `torch.nn` layers where
 * PyTorch has them (same arguments, hence the same parameter names and shapes), and a small class
 * (classes.ts) for each zendl block or model that PyTorch lacks.
 */
import { Autoencoder } from "../../models/autoencoder.js";
import { CharLSTM } from "../../models/char-lstm.js";
import { GAN } from "../../models/gan.js";
import { Unflatten } from "../../models/generative-common.js";
import { RBFLayer } from "../../models/rbf-layer.js";
import { BernoulliRBM } from "../../models/rbm.js";
import { SequenceClassifier } from "../../models/sequence-classifier.js";
import {
  ELU, GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh,
} from "../../nn/layers/activation.js";
import { BasicBlock, InvertedResidual } from "../../nn/layers/blocks.js";
import { Sequential } from "../../nn/layers/container.js";
import { Conv1d, Conv2d, ConvTranspose2d, DepthwiseSeparableConv2d } from "../../nn/layers/conv.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { Dropout2d } from "../../nn/layers/dropout2d.js";
import { Embedding } from "../../nn/layers/embedding.js";
import { Flatten } from "../../nn/layers/flatten.js";
import { Linear } from "../../nn/layers/linear.js";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "../../nn/layers/norm.js";
import {
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
} from "../../nn/layers/pool.js";
import type { RNNBase } from "../../nn/layers/rnn-base.js";
import { GRUCell, LSTMCell, RNNCell } from "../../nn/layers/rnn-cells.js";
import { GRU, LSTM, RNN } from "../../nn/layers/rnn.js";
import type { AnyModule } from "../../nn/module.js";
import { ExportError } from "../onnx/graph.js";
import { describeModule } from "../onnx/convert.js";

type PyValue = number | boolean | string | null | readonly PyValue[] | { py: string };

/** A Python literal: numbers as JavaScript prints them (the shortest exact form), lists as tuples. */
export function py(value: PyValue): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : `float("${value}")`;
  if (typeof value === "string") return JSON.stringify(value);
  if ("py" in value) return value.py;
  return value.length === 1 ? `(${py(value[0])},)` : `(${value.map(py).join(", ")})`;
}

/** `name(args, key=value, ...)`, leaving out keywords whose value is PyTorch's default. */
function call(name: string, args: PyValue[], keywords: Array<[string, PyValue, PyValue?]> = []): string {
  const parts = args.map(py);
  for (const [key, value, fallback] of keywords) {
    if (fallback !== undefined && py(value) === py(fallback)) continue;
    parts.push(`${key}=${py(value)}`);
  }
  return `${name}(${parts.join(", ")})`;
}

/** A size as PyTorch takes it: one number when every dimension has it, else a tuple. */
const size = (v: number | readonly number[]): PyValue =>
  (typeof v === "number" ? v : v.every((d) => d === v[0]) ? v[0] : v);

/** What the Python source needs: the helper classes used, by name. */
export interface Emitted { classes: Set<string> }

function recurrent(m: RNNBase, name: string, extra: Array<[string, PyValue, PyValue?]>): string {
  return call(`nn.${name}`, [m.inputSize, m.hiddenSize], [["num_layers", m.numLayers, 1], ...extra,
    ["bias", m.bias, true], ["batch_first", m.batchFirst, false], ["dropout", m.dropout, 0],
    ["bidirectional", m.bidirectional, false]]);
}

/** The Python expression building `module`; `path` names it in errors. */
export function pythonOf(module: AnyModule, path: string, out: Emitted): string {
  const sub = (child: AnyModule, name: string) =>
    pythonOf(child, path === "" ? name : `${path}.${name}`, out);
  const indented = (child: AnyModule, name: string) => sub(child, name).split("\n").join("\n    ");
  const helper = (name: string, args: PyValue[], keywords: Array<[string, PyValue, PyValue?]> = []) => {
    out.classes.add(name);
    return call(name, args, keywords);
  };
  const m = module;
  if (m instanceof Sequential) {
    const items = [...m].map((child, i) => sub(child, String(i)).split("\n").join("\n    "));
    return items.length === 0 ? "nn.Sequential()" : `nn.Sequential(\n    ${items.join(",\n    ")},\n)`;
  }
  if (m instanceof Linear) {
    return call("nn.Linear", [m.inFeatures, m.outFeatures], [["bias", m.bias !== null, true]]);
  }
  if (m instanceof Identity) return "nn.Identity()";
  if (m instanceof Dropout) return call("nn.Dropout", [m.p]);
  if (m instanceof Dropout2d) return call("nn.Dropout2d", [m.p]);
  if (m instanceof Sigmoid) return "nn.Sigmoid()";
  if (m instanceof Tanh) return "nn.Tanh()";
  if (m instanceof ReLU) return "nn.ReLU()";
  if (m instanceof SiLU) return "nn.SiLU()";
  if (m instanceof LeakyReLU) return call("nn.LeakyReLU", [m.negativeSlope]);
  if (m instanceof ELU) return call("nn.ELU", [m.alpha]);
  if (m instanceof GELU) return call("nn.GELU", [], [["approximate", m.approximate, "none"]]);
  if (m instanceof Softplus) {
    return call("nn.Softplus", [], [["beta", m.beta, 1], ["threshold", m.threshold, 20]]);
  }
  if (m instanceof Softmax) return call("nn.Softmax", [], [["dim", m.dim]]);
  if (m instanceof LogSoftmax) return call("nn.LogSoftmax", [], [["dim", m.dim]]);
  if (m instanceof Flatten) {
    return call("nn.Flatten", [], [["start_dim", m.startDim, 1], ["end_dim", m.endDim, -1]]);
  }
  if (m instanceof Unflatten) return call("nn.Unflatten", [1, [...m.shape]]);
  if (m instanceof Conv1d || m instanceof Conv2d || m instanceof ConvTranspose2d) {
    const kind = m.constructor.name;
    const keywords: Array<[string, PyValue, PyValue?]> = [["stride", size(m.stride), 1],
      ["padding", typeof m.padding === "string" ? m.padding : size(m.padding), 0]];
    if (m instanceof ConvTranspose2d) keywords.push(["output_padding", size(m.outputPadding), 0]);
    keywords.push(["groups", m.groups, 1], ["bias", m.bias !== null, true],
      ["dilation", size(m.dilation), 1]);
    if (!(m instanceof ConvTranspose2d)) keywords.push(["padding_mode", m.paddingMode, "zeros"]);
    return call(`nn.${kind}`, [m.inChannels, m.outChannels, size(m.kernelSize)], keywords);
  }
  if (m instanceof DepthwiseSeparableConv2d) {
    out.classes.add("DepthwiseSeparableConv2d");
    const halves = `${sub(m.depthwise, "depthwise")},\n    ${sub(m.pointwise, "pointwise")}`;
    return `DepthwiseSeparableConv2d(\n    ${halves},\n)`;
  }
  if (m instanceof MaxPool1d || m instanceof MaxPool2d) {
    return call(`nn.${m.constructor.name}`, [size(m.kernelSize)], [["stride", size(m.stride)],
      ["padding", size(m.padding), 0], ["dilation", size(m.dilation), 1], ["ceil_mode", m.ceilMode, false]]);
  }
  if (m instanceof AvgPool1d || m instanceof AvgPool2d) {
    const keywords: Array<[string, PyValue, PyValue?]> = [["stride", size(m.stride)],
      ["padding", size(m.padding), 0],
      ["ceil_mode", m.ceilMode, false], ["count_include_pad", m.countIncludePad, true]];
    if (m instanceof AvgPool2d) keywords.push(["divisor_override", m.divisorOverride, null]);
    else if (m.divisorOverride !== null) {
      throw new ExportError(describeModule(m, path), "torch.nn.AvgPool1d has no divisor_override");
    }
    return call(`nn.${m.constructor.name}`, [size(m.kernelSize)], keywords);
  }
  if (m instanceof AdaptiveAvgPool1d || m instanceof AdaptiveAvgPool2d) {
    const o = m.outputSize as number | ReadonlyArray<number | null>;
    return call(`nn.${m.constructor.name}`, [typeof o === "number" ? o : [...o]]);
  }
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
    return call(`nn.${m.constructor.name}`, [m.numFeatures], [["eps", m.eps, 1e-5],
      ["momentum", m.momentum, 0.1],
      ["affine", m.affine, true], ["track_running_stats", m.trackRunningStats, true]]);
  }
  if (m instanceof LayerNorm) {
    return call("nn.LayerNorm", [[...m.normalizedShape]], [["eps", m.eps, 1e-5],
      ["elementwise_affine", m.elementwiseAffine, true]]);
  }
  if (m instanceof Embedding) {
    return call("nn.Embedding", [m.numEmbeddings, m.embeddingDim], [["padding_idx", m.paddingIdx, null],
      ["max_norm", m.maxNorm, null], ["norm_type", m.normType, 2]]);
  }
  if (m instanceof RNN) return recurrent(m, "RNN", [["nonlinearity", m.nonlinearity, "tanh"]]);
  if (m instanceof GRU) return recurrent(m, "GRU", []);
  if (m instanceof LSTM) return recurrent(m, "LSTM", []);
  if (m instanceof RNNCell) {
    return call("nn.RNNCell", [m.inputSize, m.hiddenSize], [["bias", m.bias_ih !== null, true],
      ["nonlinearity", m.mode === "rnnRelu" ? "relu" : "tanh", "tanh"]]);
  }
  if (m instanceof GRUCell || m instanceof LSTMCell) {
    return call(`nn.${m.constructor.name}`, [m.inputSize, m.hiddenSize],
      [["bias", m.bias_ih !== null, true]]);
  }
  if (m instanceof BasicBlock) {
    return helper("BasicBlock", [m.inChannels, m.outChannels], [["stride", m.stride, 1]]);
  }
  if (m instanceof InvertedResidual) {
    return helper("InvertedResidual", [m.inChannels, m.outChannels], [["stride", m.stride, 1],
      ["expand_ratio", m.expandRatio, 1]]);
  }
  if (m instanceof RBFLayer) return helper("RBFLayer", [m.inFeatures, m.numCenters]);
  if (m instanceof BernoulliRBM) {
    if (m.weight === null) {
      throw new ExportError(describeModule(m, path), "it has no weights yet; call fit() first");
    }
    return helper("BernoulliRBM", [m.nFeatures, m.nComponents]);
  }
  if (m instanceof SequenceClassifier) {
    const o = m.options;
    return helper("SequenceClassifier", [o.inputSize, o.numClasses], [["cell", o.cell],
      ["hidden_size", o.hiddenSize],
      ["num_layers", o.numLayers], ["bidirectional", o.bidirectional], ["dropout", o.dropout]]);
  }
  if (m instanceof CharLSTM) {
    return helper("CharLSTM", [m.vocabSize], [["embedding_dim", m.embeddingDim],
      ["hidden_size", m.hiddenSize],
      ["num_layers", m.numLayers], ["dropout", m.dropout]]);
  }
  if (m instanceof Autoencoder) {
    out.classes.add("Autoencoder");
    return `Autoencoder(\n    ${py([...m.inputShape])},\n    ${indented(m.encoder, "encoder")},\n` +
      `    ${indented(m.decoder, "decoder")},\n    noise=${py(m.noise)},\n)`;
  }
  if (m instanceof GAN) {
    out.classes.add("GAN");
    return `GAN(\n    ${py([...m.imageShape])},\n    ${indented(m.generator, "generator")},\n` +
      `    ${indented(m.discriminator, "discriminator")},\n)`;
  }
  throw new ExportError(describeModule(m, path), "no PyTorch form is known for this module class");
}
