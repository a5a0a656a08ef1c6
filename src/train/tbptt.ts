/**
 * Training recurrent models on long sequences by truncated backpropagation through time: the model
 * reads consecutive chunks (a `SequenceBatchLoader`), carries its state from one chunk to the next,
 * and the state is detached between chunks, so gradients flow back at most one chunk while the
 * state itself remembers further.
 */
import { noGrad } from "../core/autograd.js";
import { keepReachable, tidy } from "../core/memory.js";
import { memory } from "../core/memory-info.js";
import { Tensor } from "../core/tensor.js";
import { clipGradNorm } from "../nn/utils/clip.js";
import { History, ProgressLogger, type Callback } from "./callbacks.js";
import { TrainingLoop, type LoopOptions, type ResumeSource } from "./loop.js";
import type { Logs, TrainEvent } from "./events.js";
import type { LossFunction, OptimizerLike } from "./fit.js";

/** A recurrent state: a tensor, or (nested) arrays of them, as LSTM's [h, c]. */
export type RecurrentState = Tensor | readonly RecurrentState[];

/** What `fitSequence` trains: a module whose forward takes a chunk and the carried state. */
export interface SequenceModel<S extends RecurrentState> {
  call(x: Tensor, state?: S | null): [Tensor, S];
  train(mode?: boolean): unknown;
  eval(): unknown;
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: Map<string, Tensor>): unknown;
  parameters(): Tensor[];
}

export interface FitSequenceOptions {
  /** Loss of a chunk: (model output, targets) => scalar. */
  loss: LossFunction;
  optimizer: OptimizerLike;
  /** Passes over the training loader (default 1). */
  epochs?: number;
  /** Stop once training has taken this many minutes (checked after every step); validation still runs. */
  minutes?: number;
  /** Scale the gradients to at most this total 2-norm before each step (`nn.utils.clipGradNorm`). */
  clipGradNorm?: number;
  /** Consecutive chunks to validate on after each epoch (the state carried across them too). */
  validation?: Iterable<[Tensor, Tensor]>;
  /** Also log the losses in bits (`bitsPerToken`, `valBitsPerToken`): loss / ln 2 for a cross-entropy. */
  reportBits?: boolean;
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar on a terminal, 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  onEvent?: (event: TrainEvent) => void;
  /** Continue from a `ModelCheckpoint` folder or checkpoint (see `fit`); the carried state comes back too. */
  resumeFrom?: ResumeSource;
}

/** The same state cut from the graph: what carries over between chunks. */
export function detachState<S extends RecurrentState>(state: S): S {
  if (state instanceof Tensor) return state.detach() as S;
  return (state as readonly RecurrentState[]).map((s) => detachState(s)) as unknown as S;
}

function count(loader: Iterable<[Tensor, Tensor]>): number {
  const n = (loader as { length?: unknown }).length;
  return typeof n === "number" ? n : NaN;
}

/**
 * Mean loss per target over consecutive chunks, in eval mode and without a graph, carrying the state.
 * @example const valLoss = zd.evaluateSequence(model, valLoader, lossFn);
 */
export function evaluateSequence<S extends RecurrentState>(model: SequenceModel<S>,
  loader: Iterable<[Tensor, Tensor]>, loss: LossFunction): number {
  model.eval();
  let total = 0, targets = 0;
  noGrad(() => {
    let state: S | null = null;
    for (const [x, y] of loader) {
      const result = tidy(() => {
        const [output, next] = model.call(x, state);
        return { value: loss(output, y).item(), state: next };
      });
      state = result.state;
      total += result.value * y.size;
      targets += y.size;
      x.dispose(); y.dispose();
    }
  });
  model.train(true);
  return total / targets;
}

/**
 * Truncated-BPTT training loop: for each chunk, forward from the carried (detached) state, loss,
 * backward, optional clipping, optimizer step. Emits the same events as `fit` and returns a History
 * (`loss`, `valLoss`, and with `reportBits` the same in bits). A NaN or infinite loss or gradient
 * stops training with an error that names the epoch and step, before anything else happens.
 * @example
 * const history = zd.fitSequence(model, trainLoader, { loss, optimizer, epochs: 5, clipGradNorm: 5,
 *   validation: valLoader, reportBits: true });
 */
export function fitSequence<S extends RecurrentState>(model: SequenceModel<S>,
  loader: Iterable<[Tensor, Tensor]>, options: FitSequenceOptions): History {
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new Error(`fitSequence: epochs must be a positive integer, got ${epochs}`);
  }
  const minutes = options.minutes ?? Infinity;
  if (!(minutes > 0)) {
    throw new Error(`fitSequence: minutes must be a positive number, got ${String(options.minutes)}`);
  }
  if (typeof options.loss !== "function") {
    throw new Error("fitSequence: options.loss must be a loss function");
  }
  if (!options.optimizer) throw new Error("fitSequence: options.optimizer is required");
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(clip > 0)) {
    throw new Error(`fitSequence: clipGradNorm must be > 0, got ${clip}`);
  }
  const history = new History();
  const loop = new TrainingLoop({
    loop: "fitSequence", model: model as unknown as LoopOptions["model"], optimizer: options.optimizer,
      loader,
    onEvent: options.onEvent,
    callbacks: [history, new ProgressLogger({ verbose: options.verbose ?? 1 }), ...(options.callbacks ?? [])],
  });
  const context = loop.context;
  const resumed = options.resumeFrom === undefined ? null : loop.resume(options.resumeFrom);
  const at = loop.position;
  const steps = count(loader);
  const started = performance.now() - at.elapsedSeconds * 1000;
  const deadline = started + minutes * 60_000;
  loop.emit({ type: "trainBegin", epochs, stepsPerEpoch: steps, samples: NaN, initialEpoch: at.epochsDone });
  if (resumed) loop.restoreCallbacks(resumed);
  let epoch = at.epochsDone, outOfTime = false;
  while (epoch < epochs && !context.stopTraining && !outOfTime) {
    epoch++;
    const epochStart = performance.now();
    loop.emit({ type: "epochBegin", epoch, epochs });
    model.train(true);
    const midEpoch = at.epochStep > 0;
    let state = (midEpoch ? at.carried : null) as S | null;
    const sums = midEpoch ? at.partial.sums : [0, 0];
    at.partial = { sums };
    let step = at.epochStep;
    for (const [x, y] of loader) {
      step++;
      const globalStep = at.globalStep + 1;
      const where = `at epoch ${epoch}, step ${step} (step ${globalStep} overall)`;
      // each step's graph and temporaries are freed when it ends; the carried state leaves it detached
      const result = tidy(() => {
        options.optimizer.zeroGrad();
        const [output, next] = model.call(x, state);
        const loss = options.loss(output, y);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          throw new Error(`fitSequence: the loss became ${value} ${where}; training stopped, nothing ` +
            "was saved. Lower the learning rate, clip the gradients (clipGradNorm) or check the inputs");
        }
        loss.backward();
        if (clip !== undefined) {
          const norm = clipGradNorm(model.parameters(), clip);
          if (!Number.isFinite(norm)) {
            throw new Error(`fitSequence: the gradient norm became ${norm} ${where}; training stopped, ` +
              "nothing was saved. Lower the learning rate");
          }
        }
        options.optimizer.step();
        keepReachable(model);
        return { value, state: detachState(next) };
      });
      state = result.state;
      const value = result.value;
      x.dispose(); y.dispose();
      sums[0] += value * y.size;
      sums[1] += y.size;
      at.epochStep = step;
      at.globalStep = globalStep;
      at.carried = state;
      at.elapsedSeconds = (performance.now() - started) / 1000;
      loop.emit({ type: "batchEnd", epoch, step, stepsPerEpoch: steps, batchSize: x.shape[0], loss: value,
        globalStep });
      if (performance.now() > deadline) { outOfTime = true; break; }
    }
    const logs: Logs = { loss: sums[0] / sums[1] };
    if (options.validation) logs.valLoss = evaluateSequence(model, options.validation, options.loss);
    if (options.reportBits) {
      logs.bitsPerToken = logs.loss / Math.LN2;
      if (logs.valLoss !== undefined) logs.valBitsPerToken = logs.valLoss / Math.LN2;
    }
    at.epochsDone = epoch;
    at.epochStep = 0;
    at.partial = {};
    at.carried = null;
    at.elapsedSeconds = (performance.now() - started) / 1000;
    loop.emit({ type: "epochEnd", epoch, epochs, logs, seconds: (performance.now() - epochStart) / 1000,
      memoryBytes: memory({ collect: false }).numBytes });
  }
  loop.emit({ type: "trainEnd", epochsRun: epoch, seconds: (performance.now() - started) / 1000,
    stoppedEarly: epoch < epochs || outOfTime });
  return history;
}
