// The models every export is checked on: one or more of each layer kind, and each CLI model family's
// network as the CLI builds it. The ONNX and the PyTorch tests both run this list.
import * as zd from "../../src/index.js";

const { nn, models } = zd;

export interface ExportCase {
  label: string;
  model: () => zd.nn.AnyModule;
  /** One sample's shape (no batch dimension). */
  inputShape: number[];
  /** Token ids in [0, vocabulary) instead of normal floats. */
  vocabulary?: number;
  /** Where the PyTorch comparison cannot hold 1e-5 (relative to max(|value|, a tenth of the largest)). */
  rtol?: number;
}

export const LAYER_CASES: ExportCase[] = [
  { label: "Linear", inputShape: [5], model: () => new nn.Linear(5, 3) },
  { label: "Linear without bias on 3-d input", inputShape: [4, 5],
    model: () => new nn.Linear(5, 3, { bias: false }) },
  { label: "activations", inputShape: [6], model: () => new nn.Sequential(
    new nn.Linear(6, 6), new nn.Sigmoid(), new nn.Linear(6, 6), new nn.Tanh(), new nn.Linear(6, 6),
    new nn.ReLU(), new nn.Linear(6, 6), new nn.LeakyReLU(0.1), new nn.Linear(6, 6), new nn.ELU(0.7),
    new nn.Linear(6, 6), new nn.SiLU(), new nn.Linear(6, 6), new nn.GELU(), new nn.Linear(6, 6),
    new nn.GELU({ approximate: "tanh" }), new nn.Linear(6, 6), new nn.Softplus({ beta: 2, threshold: 1 }),
    new nn.Identity()) },
  { label: "softmax and log-softmax", inputShape: [4], model: () => new nn.Sequential(
    new nn.Linear(4, 5), new nn.Softmax(1), new nn.Linear(5, 5), new nn.LogSoftmax(-1)) },
  { label: "dropout (identity in eval)", inputShape: [4],
    model: () => new nn.Sequential(new nn.Dropout(0.5), new nn.Linear(4, 2)) },
  { label: "Flatten of the middle dims", model: () => new nn.Flatten(2, 3), inputShape: [2, 3, 4, 5] },
  { label: "Conv2d stride/padding/dilation/groups", inputShape: [4, 11, 10], model: () => new nn.Sequential(
    new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }), new nn.Dropout2d(0.3),
    new nn.Conv2d(6, 6, [3, 2], { padding: "same", groups: 6 }),
    new nn.Conv2d(6, 3, 2, { padding: "valid", bias: false })) },
  { label: "Conv2d reflect and replicate padding", inputShape: [2, 7, 7], model: () => new nn.Sequential(
    new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: "reflect" }),
    new nn.Conv2d(3, 2, 3, { padding: 2, paddingMode: "replicate" })) },
  { label: "Conv1d", inputShape: [3, 20], model: () => new nn.Sequential(
    new nn.Conv1d(3, 4, 5, { stride: 2, padding: 2 }),
    new nn.Conv1d(4, 4, 3, { padding: "same", dilation: 2 })) },
  { label: "depthwise-separable Conv2d", inputShape: [4, 8, 8],
    model: () => new nn.DepthwiseSeparableConv2d(4, 8, 3, { padding: 1, depthMultiplier: 2 }) },
  { label: "ConvTranspose2d", inputShape: [4, 5, 6], model: () => new nn.Sequential(
    new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    new nn.ConvTranspose2d(6, 2, [2, 3], { groups: 2, dilation: 2, bias: false })) },
  { label: "max and average pooling", inputShape: [3, 13, 12], model: () => new nn.Sequential(
    new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
    new nn.AvgPool2d(2, { countIncludePad: false, padding: 1 }),
    new nn.AvgPool2d(2, { divisorOverride: 3 })) },
  { label: "1-d pooling", inputShape: [3, 17],
    model: () => new nn.Sequential(new nn.MaxPool1d(3, { stride: 2 }), new nn.AvgPool1d(2)) },
  { label: "adaptive average pooling (global, even, uneven)", inputShape: [3, 10, 9],
    model: () => new nn.Sequential(new nn.AdaptiveAvgPool2d([5, 3]), new nn.AdaptiveAvgPool2d([3, 2]),
      new nn.AdaptiveAvgPool2d(1)) },
  { label: "AdaptiveAvgPool1d", inputShape: [3, 10], model: () => new nn.AdaptiveAvgPool1d(4) },
  { label: "BatchNorm2d and BatchNorm1d (eval)", inputShape: [3, 4, 4], model: () => {
    const bn = new nn.BatchNorm2d(3), bn1 = new nn.BatchNorm1d(48, { affine: false });
    const net = new nn.Sequential(bn, new nn.Flatten(), bn1);
    net.train();
    zd.noGrad(() => { for (let i = 0; i < 3; i++) net.forward(zd.randn([8, 3, 4, 4]).mul(2).add(1)); });
    return net;
  } },
  { label: "BatchNorm1d on [N, C, L]", inputShape: [3, 5], model: () => new nn.BatchNorm1d(3) },
  { label: "LayerNorm", inputShape: [3, 4, 5], model: () => new nn.Sequential(new nn.LayerNorm([4, 5]),
    new nn.LayerNorm(5, { elementwiseAffine: false })) },
  { label: "BasicBlock (residual Add)", inputShape: [4, 8, 8], model: () => new nn.Sequential(
    new nn.BasicBlock(4, 4), new nn.BasicBlock(4, 6, { stride: 2 })) },
  { label: "InvertedResidual", inputShape: [4, 8, 8], model: () => new nn.Sequential(
    new nn.InvertedResidual(4, 4, { expandRatio: 2 }), new nn.InvertedResidual(4, 6, { stride: 2 })) },
  { label: "Embedding (Gather)", inputShape: [5], vocabulary: 11,
    model: () => new nn.Embedding(11, 4, { paddingIdx: 0 }) },
  { label: "RNN tanh, 2 layers", inputShape: [6, 3], model: () => new nn.RNN(3, 5, { numLayers: 2 }) },
  { label: "RNN relu bidirectional batch-first", inputShape: [6, 3],
    model: () => new nn.RNN(3, 4, { nonlinearity: "relu", bidirectional: true, batchFirst: true }) },
  { label: "GRU (linear_before_reset), 2 layers bidirectional", inputShape: [5, 3],
    model: () => new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }) },
  { label: "LSTM without bias", inputShape: [5, 3], model: () => new nn.LSTM(3, 4, { bias: false }) },
  { label: "LSTM 2 layers", inputShape: [5, 3],
    model: () => new nn.LSTM(3, 6, { numLayers: 2, batchFirst: true }) },
  { label: "cells", inputShape: [3], model: () => new nn.GRUCell(3, 5) },
  { label: "LSTMCell", inputShape: [3], model: () => new nn.LSTMCell(3, 5) },
  { label: "RNNCell", inputShape: [3], model: () => new nn.RNNCell(3, 5) },
];

export const FAMILY_CASES: ExportCase[] = [
  { label: "mlp", inputShape: [64],
    model: () => new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10)) },
  { label: "lenet5", inputShape: [1, 28, 28], model: () => models.lenet5() },
  { label: "cnn", inputShape: [1, 28, 28], model: () => models.cnn() },
  { label: "mobilenet", inputShape: [1, 28, 28], model: () => models.mobilenet() },
  { label: "resnet", inputShape: [1, 28, 28], model: () => models.resnet() },
  { label: "lstm sequence classifier", inputShape: [64], model: () =>
    new models.SequenceClassifier({ inputSize: 8, numClasses: 10, cell: "lstm", hiddenSize: 12 }) },
  { label: "gru sequence classifier, 2 layers bidirectional", inputShape: [8, 8],
    model: () => new models.SequenceClassifier({ inputSize: 8, numClasses: 10, cell: "gru", hiddenSize: 6,
      numLayers: 2, bidirectional: true }) },
  { label: "dense autoencoder", inputShape: [64],
    model: () => new models.Autoencoder({ inputShape: [64], encoderSizes: [32], latentSize: 8 }) },
  { label: "conv autoencoder", inputShape: [1, 8, 8],
    model: () => new models.Autoencoder({ inputShape: [1, 8, 8], variant: "conv" }) },
  { label: "mlp GAN", inputShape: [16],
    model: () => new models.GAN({ imageShape: [1, 8, 8], latentSize: 16 }) },
  { label: "dcgan GAN", inputShape: [16],
    model: () => new models.GAN({ imageShape: [1, 8, 8], variant: "dcgan", latentSize: 16 }) },
  // squared distances as |x|^2 - 2 x.c + |c|^2 (both sides): their float32 rounding follows the BLAS's
  // summation order; PyTorch's outputs moved by 3.7e-5 (relative) between OpenBLAS's Haswell and
  // SkylakeX/Prescott kernels on one machine
  { label: "rbf network", inputShape: [64], rtol: 1e-4,
    model: () => new nn.Sequential(new models.RBFLayer(64, 12), new nn.Linear(12, 10)) },
  { label: "rbm", inputShape: [64],
    model: () => new models.BernoulliRBM({ nComponents: 10, nFeatures: 64 }) },
  { label: "dbn network", inputShape: [64],
    model: () => new nn.Sequential(new nn.Linear(64, 16), new nn.Sigmoid(), new nn.Linear(16, 10)) },
];
