/**
 * ONNX converters of the residual blocks and of the models' own modules: RBF units, the RBM's hidden
 * probabilities, the autoencoder (encoder then decoder) and the GAN (its generator).
 */
import { Autoencoder } from "../../models/autoencoder.js";
import { GAN } from "../../models/gan.js";
import { RBFLayer } from "../../models/rbf-layer.js";
import { BernoulliRBM } from "../../models/rbm.js";
import { BasicBlock, InvertedResidual } from "../../nn/layers/blocks.js";
import { child, describeModule, registerOnnxConverter, simple } from "./convert.js";
import { ExportError, attr, join, type Value } from "./graph.js";
import { linear, reshape } from "./layers-basic.js";

registerOnnxConverter(BasicBlock, (ctx, m, [x]) => {
  const g = ctx.graph;
  const h = child(ctx, m.conv2, "conv2", child(ctx, m.relu, "relu", child(ctx, m.conv1, "conv1", x)));
  const shortcut = m.shortcut === null ? x : child(ctx, m.shortcut, "shortcut", x);
  const sum = g.op("Add", [h.name, shortcut.name], [], join(ctx.path, "add"));
  return [{ name: g.op("Relu", [sum], [], join(ctx.path, "relu")), sample: m.forward(x.sample) }];
});

registerOnnxConverter(InvertedResidual, (ctx, m, [x]) => {
  const expanded = m.expand === null ? x : child(ctx, m.relu, "relu", child(ctx, m.expand, "expand", x));
  const depthwise = child(ctx, m.relu, "relu", child(ctx, m.depthwise, "depthwise", expanded));
  const h = child(ctx, m.project, "project", depthwise);
  if (!m.useResidual) return [h];
  const sum = ctx.graph.op("Add", [h.name, x.name], [], join(ctx.path, "add"));
  return [{ name: sum, sample: m.forward(x.sample) }];
});

/**
 * exp(−max(0, |x|² − 2x·cᵀ + |c|²) / (2σ²)): the squared norms of the centres and the factors
 * −1/(2σ²) are constants, computed here once in float64.
 */
registerOnnxConverter(RBFLayer, simple((ctx, m, x) => {
  const g = ctx.graph, k = m.numCenters, f = m.inFeatures;
  const centers = m.centers.dataSync(), widths = m.widths.dataSync();
  const norms = Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let i = 0; i < f; i++) s += centers[j * f + i] ** 2;
    return s;
  });
  const axes = g.ints(join(ctx.path, "axes"), [1]);
  const xx = g.op("ReduceSum", [g.op("Mul", [x.name, x.name]), axes], [attr.int("keepdims", 1)]);
  const cross = g.op("Gemm", [x.name, g.weight(join(ctx.path, "centers"), m.centers)],
    [attr.int("transB", 1), attr.float("alpha", -2)]);
  const d2 = g.op("Add", [g.op("Add", [xx, cross]), g.floats(join(ctx.path, "center_norms"), norms, [1, k])]);
  const clamped = g.op("Max", [d2, g.floats(join(ctx.path, "zero"), [0], [])]);
  const factors = Array.from(widths, (w) => -1 / (2 * w * w));
  return g.op("Exp", [g.op("Mul", [clamped, g.floats(join(ctx.path, "factors"), factors, [1, k])])], [],
    join(ctx.path, "rbf"));
}));

registerOnnxConverter(BernoulliRBM, simple((ctx, m, x) => {
  if (m.weight === null || m.hiddenBias === null) {
    throw new ExportError(describeModule(m, ctx.path), "it has no weights yet; call fit() first");
  }
  const w = ctx.graph.weight(join(ctx.path, "weight"), m.weight);
  const c = ctx.graph.weight(join(ctx.path, "hiddenBias"), m.hiddenBias);
  const logits = linear(ctx, x, w, c, join(ctx.path, "linear"));
  return ctx.graph.op("Sigmoid", [logits], [], join(ctx.path, "hidden"));
}));

/** Reconstructions (eval mode: no noise) with the input's own shape. */
registerOnnxConverter(Autoencoder, (ctx, m, [x]) => {
  const n = x.sample.shape[0];
  const images = { name: reshape(ctx, x.name, [-1, ...m.inputShape]),
    sample: x.sample.reshape([n, ...m.inputShape]) };
  const decoded = child(ctx, m.decoder, "decoder", child(ctx, m.encoder, "encoder", images));
  const out: Value = { name: reshape(ctx, decoded.name, [-1, ...x.sample.shape.slice(1)], "reconstruction"),
    sample: m.forward(x.sample) };
  return [out];
});

/** The generator: latent vectors [N, latentSize] to images [N, C, H, W]. */
registerOnnxConverter(GAN, (ctx, m, [z]) => [child(ctx, m.generator, "generator", z)]);
