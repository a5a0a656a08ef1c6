// The optimizers and learning-rate schedulers (zd.optim); this file only re-exports.
export {
  Optimizer, type BaseOptions, type ParamGroup, type ParamGroupInput, type Params, type ParamState,
  type OptimizerStateDict,
} from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adam, AdamW, type AdamOptions, type AdamWOptions } from "./adam.js";
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, type SchedulableOptimizer,
  type SchedulerStateDict, type StepLROptions, type MultiStepLROptions, type ExponentialLROptions,
  type CosineAnnealingLROptions, type LinearLROptions,
} from "./schedulers.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce-lr-on-plateau.js";
