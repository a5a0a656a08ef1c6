import { noGrad } from "../core/autograd.js";
import { keepReachable, tidy } from "../core/memory.js";
import { memory } from "../core/memory-info.js";
import { concat } from "../core/ops/movement.js";
import { formatShape } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { DataLoader } from "../data/loader.js";
import { TensorDataset } from "../data/dataset.js";
import { History, ProgressLogger, type Callback, type TrainableModel } from "./callbacks.js";
import { TrainingLoop, type ResumeSource } from "./loop.js";
import type { Logs, TrainEvent } from "./events.js";
import { resolveMetric, type Metric, type MetricLike } from "./metrics.js";
import { runAsync, runSync, type AsyncTrainingOptions, type Steps } from "./stepper.js";
import { metricSums, PendingValues, readInterval, readsAsynchronously } from "./deferred.js";

export type LossFunction = (output: Tensor, target: Tensor) => Tensor;
export interface OptimizerLike { zeroGrad(): void; step(): void }

export interface FitOptions {
  loss: LossFunction;
  optimizer: OptimizerLike;
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** Seeds the batch order. */
  seed?: number;
  validationData?: [Tensor, Tensor];
  /** Fraction of the samples, taken from the end before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  metrics?: MetricLike[];
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar on a terminal, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Receives every training event (the stream the progress bar and callbacks are built on). */
  onEvent?: (event: TrainEvent) => void;
  /**
   * Continue a run from a checkpoint written by `ModelCheckpoint`: its folder (the newest checkpoint
   * that verifies) or one checkpoint. Model, optimizer, RNG, batch order, epoch, step and the callbacks'
   * states are restored; pass the same data, options and callbacks as the interrupted run.
   */
  resumeFrom?: ResumeSource;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`fit: ${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Keras-style training loop, written with the public API only: mini-batches from a DataLoader,
 * forward, loss, backward, optimizer step, then validation, callbacks and a History.
 * @example
 * const history = zd.fit(model, xTrain, yTrain, { loss: nn.functional.crossEntropy,
 *   optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), epochs: 10, metrics: ["accuracy"] });
 */
export function fit(model: TrainableModel, x: Tensor, y: Tensor, options: FitOptions): History {
  return runSync(fitSteps(model, x, y, options));
}

/**
 * `fit` that yields to the event loop between steps (at least once a frame): the form for a browser
 * page, which stays responsive while it trains. The same loop, the same results as `fit`.
 * @example
 * const history = await zd.fitAsync(model, xTrain, yTrain, { loss: nn.functional.crossEntropy,
 *   optimizer, epochs: 10, onEvent: (e) => { if (e.type === "epochEnd") drawChart(e.logs); } });
 */
export function fitAsync(model: TrainableModel, x: Tensor, y: Tensor,
  options: FitOptions & AsyncTrainingOptions): Promise<History> {
  const readEvery = readInterval(options.readEvery);
  return runAsync(fitSteps(model, x, y, options, readsAsynchronously(x) ? readEvery : 0), options);
}

/**
 * The loop of `fit` as a generator that yields after each step (stepper.ts runs it). With `readEvery`
 * > 0 (fitAsync on a GPU) the losses and metrics stay on the device and are read back every
 * `readEvery` steps and at the end of each epoch, by yielding the read's promise.
 */
export function* fitSteps(model: TrainableModel, x: Tensor, y: Tensor, options: FitOptions,
  readEvery = 0): Steps<History> {
  const epochs = options.epochs ?? 1, batchSize = options.batchSize ?? 32;
  checkPositiveInteger("epochs", epochs);
  checkPositiveInteger("batchSize", batchSize);
  if (typeof options.loss !== "function") {
    throw new Error("fit: options.loss must be a loss function (output, target) => Tensor");
  }
  if (!options.optimizer) throw new Error("fit: options.optimizer is required");
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(`fit: x has ${x.shape[0]} samples (shape ${formatShape(x.shape)}) ` +
      `but y has ${y.shape[0]} (shape ${formatShape(y.shape)})`);
  }
  let [xTrain, yTrain] = [x, y];
  let validation = options.validationData;
  if (options.validationSplit !== undefined) {
    const split = options.validationSplit;
    if (!(split > 0 && split < 1)) throw new Error(`fit: validationSplit must be in (0, 1), got ${split}`);
    const nVal = Math.ceil(x.shape[0] * split);
    const cut = x.shape[0] - nVal;
    [xTrain, yTrain] = [x.slice(0, 0, cut), y.slice(0, 0, cut)];
    validation = [x.slice(0, cut), y.slice(0, cut)];
  }
  const metrics = (options.metrics ?? []).map(resolveMetric);
  const history = new History();
  const loader = new DataLoader(new TensorDataset(xTrain, yTrain), {
    batchSize, shuffle: options.shuffle ?? true, seed: options.seed,
  });
  const loop = new TrainingLoop({
    loop: "fit", model, optimizer: options.optimizer, loader, onEvent: options.onEvent,
    callbacks: [history, new ProgressLogger({ verbose: options.verbose ?? 1 }), ...(options.callbacks ?? [])],
  });
  const context = loop.context;
  const resumed = options.resumeFrom === undefined ? null : loop.resume(options.resumeFrom);
  const at = loop.position;
  const started = performance.now() - at.elapsedSeconds * 1000;
  loop.emit({ type: "trainBegin", epochs, stepsPerEpoch: loader.length, samples: xTrain.shape[0],
    initialEpoch: at.epochsDone });
  if (resumed) loop.restoreCallbacks(resumed);
  let epoch = at.epochsDone;
  while (epoch < epochs && !context.stopTraining) {
    epoch++;
    const epochStart = performance.now();
    loop.emit({ type: "epochBegin", epoch, epochs });
    model.train(true);
    // The running epoch's sums live in the loop's position so a checkpoint taken mid-epoch carries them.
    const sums = at.epochStep > 0 ? at.partial.sums : [0, 0, ...metrics.map(() => 0)];
    if (sums.length !== 2 + metrics.length) {
      throw new Error("fit: resumeFrom: the checkpoint has other metrics");
    }
    at.partial = { sums };
    let step = at.epochStep;
    /** Books one finished step: the epoch's sums, the loop's position, the batchEnd event. */
    const finish = (s: { step: number; n: number }, values: number[]): void => {
      const [value] = values;
      if (!Number.isFinite(value)) {
        throw new Error(`fit: the loss became ${value} at epoch ${epoch}, step ${s.step}; ` +
          "lower the learning rate or check the inputs for NaN/inf" +
          (readEvery > 0 ? ` (read back every ${readEvery} steps: the steps up to the read ran too)` : ""));
      }
      sums[0] += value * s.n;
      sums[1] += s.n;
      values.slice(1).forEach((v, i) => { sums[2 + i] += v; });
      at.epochStep = s.step;
      at.globalStep++;
      at.elapsedSeconds = (performance.now() - started) / 1000;
      loop.emit({ type: "batchEnd", epoch, step: s.step, stepsPerEpoch: loader.length, batchSize: s.n,
        loss: value, globalStep: at.globalStep });
    };
    const pending = new PendingValues<{ step: number; n: number }>();
    for (const [xb, yb] of loader) {
      step++;
      const n = xb.shape[0];
      // Each step's intermediates are freed when it ends, so the next step reuses the same (cache-warm)
      // blocks instead of waiting for a garbage collection; what the model keeps on itself survives.
      const values = tidy((): (Tensor | number)[] => {
        options.optimizer.zeroGrad();
        const output = model.call(xb);
        const loss = options.loss(output, yb);
        // read before the step, so a non-finite loss stops the run before it reaches the parameters
        const v = readEvery > 0 ? loss.detach() : loss.item();
        if (typeof v === "number" && !Number.isFinite(v)) finish({ step, n }, [v]);
        loss.backward();
        options.optimizer.step();
        const sumsOf = readEvery > 0 ? metricSums(metrics, output, yb)
          : metrics.map((m) => m.batchSum(output, yb));
        keepReachable(model);
        return [v, ...sumsOf];
      });
      xb.dispose(); yb.dispose();
      pending.push({ step, n }, values);
      if (readEvery === 0 || pending.length >= readEvery || step === loader.length) {
        const read = pending.read(finish);
        if (read !== null) yield read;
      }
      yield;
    }
    const logs: Logs = { loss: sums[0] / sums[1] };
    metrics.forEach((m, i) => { logs[m.name] = sums[2 + i] / sums[1]; });
    if (validation) {
      const valLogs: Logs = {};
      const values = evaluationValues(model, validation[0], validation[1],
        { loss: options.loss, metrics, batchSize }, readEvery > 0);
      const read = values.read((fill, numbers) => fill(valLogs, numbers));
      if (read !== null) yield read;
      for (const [k, v] of Object.entries(valLogs)) logs[`val${k[0].toUpperCase()}${k.slice(1)}`] = v;
    }
    at.epochsDone = epoch;
    at.epochStep = 0;
    at.partial = {};
    at.elapsedSeconds = (performance.now() - started) / 1000;
    loop.emit({ type: "epochEnd", epoch, epochs, logs, seconds: (performance.now() - epochStart) / 1000,
      memoryBytes: memory({ collect: false }).numBytes });
  }
  loop.emit({ type: "trainEnd", epochsRun: epoch, seconds: (performance.now() - started) / 1000,
    stoppedEarly: epoch < epochs });
  return history;
}

export interface EvaluateOptions {
  loss?: LossFunction;
  metrics?: (Metric | MetricLike)[];
  batchSize?: number;
}

/** Loss and metrics over a data set, in eval mode and without a graph. */
export function evaluate(model: TrainableModel, x: Tensor, y: Tensor, options: EvaluateOptions = {}): Logs {
  const logs: Logs = {};
  evaluationValues(model, x, y, options, false).read((fill, values) => fill(logs, values));
  return logs;
}

/**
 * `evaluate` through one asynchronous read: the form for a GPU in a browser page.
 * @example const { loss, accuracy } = await zd.evaluateAsync(model, xTest, yTest, { loss, metrics });
 */
export async function evaluateAsync(model: TrainableModel, x: Tensor, y: Tensor,
  options: EvaluateOptions = {}): Promise<Logs> {
  const logs: Logs = {};
  const values = evaluationValues(model, x, y, options, readsAsynchronously(x));
  await values.read((fill, numbers) => fill(logs, numbers));
  return logs;
}

type FillLogs = (logs: Logs, values: number[]) => void;

/**
 * The loss and the metrics' sums of `evaluate`, as numbers or (on the device) scalar tensors, with
 * what turns them into logs (the means, divided in doubles).
 */
function evaluationValues(model: TrainableModel, x: Tensor, y: Tensor, options: EvaluateOptions,
  onDevice: boolean): PendingValues<FillLogs> {
  const output = predict(model, x, { batchSize: options.batchSize });
  const metrics = (options.metrics ?? []).map(resolveMetric);
  const values = noGrad(() => {
    const loss = options.loss ? [options.loss(output, y)] : [];
    if (!onDevice) return [...loss.map((l) => l.item()), ...metrics.map((m) => m.batchSum(output, y))];
    return [...loss, ...metricSums(metrics, output, y)];
  });
  const fill: FillLogs = (logs, numbers) => {
    const sums = options.loss ? numbers.slice(1) : numbers;
    if (options.loss) logs.loss = numbers[0];
    metrics.forEach((m, i) => { logs[m.name] = sums[i] / x.shape[0]; });
  };
  const pending = new PendingValues<FillLogs>();
  pending.push(fill, values);
  return pending;
}

/** Model outputs for every sample (batched, eval mode, no graph); the model's mode is restored. */
export function predict(model: TrainableModel & { training?: boolean }, x: Tensor,
  options: { batchSize?: number } = {}): Tensor {
  const batchSize = options.batchSize ?? 256;
  checkPositiveInteger("batchSize", batchSize);
  const wasTraining = model.training ?? true;
  model.eval();
  try {
    return noGrad(() => {
      const outputs: Tensor[] = [];
      for (let start = 0; start < x.shape[0]; start += batchSize) {
        outputs.push(model.call(x.slice(0, start, start + batchSize)));
      }
      return outputs.length === 1 ? outputs[0] : concat(outputs, 0);
    });
  } finally {
    model.train(wasTraining);
  }
}
