/**
 * zendl: tensors with autograd, neural-network layers, optimizers, data and training for TypeScript.
 * This file only re-exports; each name lives in the module named for it.
 */
export { Tensor, type TensorLike, type NestedArray } from "./core/tensor.js";
export type { DType, TypedArray } from "./core/dtype.js";
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, rand, randn, randint, arange, linspace, eye,
  type TensorOptions, type RandomOptions,
} from "./core/creation.js";
export { manualSeed, Generator, getRngState, setRngState, type GeneratorState } from "./core/random.js";
export { noGrad, enableGrad, isGradEnabled, type BackwardOptions } from "./core/autograd.js";
export { tidy, keep, keepReachable } from "./core/memory.js";
export { memory, type MemoryInfo, type MemoryOptions } from "./core/memory-info.js";
export { gradcheck, type GradcheckOptions } from "./core/gradcheck.js";
export {
  setBackend, getBackend, setMemoryLimit, ready, registerBackend, backendFallbackReason, backendInfo,
  type BackendInfo,
} from "./backend/registry.js";
export { setNumThreads, getNumThreads } from "./backend/wasm/threads.js";
export { REQUIRED_PRIMITIVES, hasKernels } from "./backend/backend.js";
export type {
  Backend, Storage, View, RequiredPrimitives, OptionalKernels, BackendServices, UnaryOp, BinaryOp, ReduceOp,
  ArgReduceOp,
} from "./backend/backend.js";
export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, neg, exp, log, log1p, expm1, sqrt,
  rsqrt, abs, sign, reciprocal, sin, cos, erf, floor, ceil, round, clamp, relu, sigmoid, tanh, leakyRelu, elu,
  softplus, cast,
} from "./core/ops/elementwise.js";
export { sum, max, min, prod, argmax, argmin } from "./core/ops/reduce.js";
export {
  reshape, view, flatten, permute, transpose, squeeze, unsqueeze, expand, slice, select, split, chunk, concat,
  stack, contiguous, clone,
} from "./core/ops/movement.js";
export { gather, indexSelect } from "./core/ops/indexing.js";
export { matmul } from "./core/ops/matmul.js";
export {
  mean, variance as var, std, logsumexp, softmax, logSoftmax, gelu, silu, logSigmoid, type VarianceOptions,
} from "./core/composite.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as models from "./models/index.js";
export * as metrics from "./train/metrics-index.js";
export * as callbacks from "./train/callbacks.js";
export {
  fit, fitAsync, evaluate, evaluateAsync, predict, type FitOptions, type EvaluateOptions, type LossFunction,
} from "./train/fit.js";
export type { ResumeSource } from "./train/loop.js";
export type { Checkpoint, TrainingState } from "./train/checkpoint.js";
export { nextTask, type AsyncTrainingOptions } from "./train/stepper.js";
export { KernelsNotReadyError, type KernelSource } from "./backend/wasm/loader.js";
export type { ReadyOptions } from "./backend/registry.js";
export type { TrainEvent, Logs } from "./train/events.js";
export {
  fitSequence, evaluateSequence, detachState, type FitSequenceOptions, type SequenceModel,
  type RecurrentState,
} from "./train/tbptt.js";
export * from "./io/checkpoint.js";
export {
  writePng, saveImageGrid, makeImageGrid, encodePng, toImageData, type PngChannels, type ImageGridOptions,
  type ImageGrid,
} from "./io/png.js";
export {
  exportOnnx, type ExportOnnxOptions, type Exportable,
} from "./io/onnx/export.js";
export { registerOnnxConverter, type OnnxConverter } from "./io/onnx/convert.js";
export {
  exportPyTorch, type ExportPyTorchOptions, type PyTorchExport, type PyTorchTask,
} from "./io/pytorch/export.js";
