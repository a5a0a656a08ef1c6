/**
 * nn: modules, layers, initializers and the functional API. Re-exports only.
 */
export {
  Module, type AnyModule, type StateDict, type ModuleConfig, type JsonValue, type LoadStateDictOptions,
  type LoadStateDictResult,
} from "./module.js";
export { Parameter } from "./parameter.js";
export * as init from "./init.js";
export * as functional from "./functional.js";
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
