export {
  fit, fitAsync, fitSteps, evaluate, evaluateAsync, predict, type FitOptions, type EvaluateOptions,
  type LossFunction, type OptimizerLike,
} from "./fit.js";
export { runSync, runAsync, nextTask, type Steps, type AsyncTrainingOptions } from "./stepper.js";
export {
  History, ProgressLogger, EarlyStopping, LearningRateScheduler, formatLogs,
  type Callback, type TrainingContext, type TrainableModel, type EarlyStoppingOptions,
  type ProgressLoggerOptions, type SchedulerLike,
} from "./callbacks.js";
export * from "./events.js";
