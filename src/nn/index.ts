/**
 * nn: modules, layers, initializers and the functional API. Re-exports only.
 */
export {
  Module, type AnyModule, type StateDict, type ModuleConfig, type JsonValue, type LoadStateDictOptions,
  type LoadStateDictResult,
} from "./module.js";
export { Parameter } from "./parameter.js";
export { ModelSummary, type SummaryRow, type SummaryOptions } from "./summary.js";
export * as init from "./init.js";
export * as functional from "./functional/index.js";
export { Linear, type LinearOptions } from "./layers/linear.js";
export { Sequential, ModuleList } from "./layers/container.js";
export { Flatten } from "./layers/flatten.js";
export { Dropout } from "./layers/dropout.js";
export {
  Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, LogSoftmax, GELU, ELU, SiLU, Softplus,
  type GELUOptions, type SoftplusOptions,
} from "./layers/activation.js";
export {
  registerModule, buildModule, registeredModuleTypes, type ModuleFactory, type ConfigArgs,
} from "./registry.js";
export {
  Conv1d, Conv2d, ConvTranspose2d, DepthwiseSeparableConv2d, type Conv1dLayerOptions, type Conv2dLayerOptions,
  type ConvTranspose2dLayerOptions, type DepthwiseSeparableConv2dOptions,
} from "./layers/conv.js";
export {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
} from "./layers/pool.js";
export {
  BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions, type LayerNormOptions,
} from "./layers/norm.js";
export { Dropout2d } from "./layers/dropout2d.js";
export {
  BasicBlock, InvertedResidual, type BasicBlockOptions, type InvertedResidualOptions,
} from "./layers/blocks.js";
export {
  RNN, GRU, LSTM, RNNBase, type RNNBaseOptions, type RNNOptions, type SequenceOptions,
} from "./layers/rnn.js";
export { RNNCell, GRUCell, LSTMCell, type RNNCellOptions } from "./layers/rnn-cells.js";
export type { RNNNonlinearity, RecurrentCell } from "./layers/rnn-params.js";
export { Embedding, type EmbeddingOptions } from "./layers/embedding.js";
export * as utils from "./utils/index.js";
