import { platform } from "#platform";
import type { Tensor } from "../core/tensor.js";
import type {
  BatchEndEvent, EpochBeginEvent, EpochEndEvent, Logs, TrainBeginEvent, TrainEndEvent,
} from "./events.js";
import { checkNonNegativeInt } from "../util/check.js";

/** What `fit` trains: any module with these members (nn.Module has them all). */
export interface TrainableModel {
  call(input: Tensor): Tensor;
  train(mode?: boolean): unknown;
  eval(): unknown;
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: Map<string, Tensor>): unknown;
}

/** Shared with callbacks; setting `stopTraining` ends `fit` after the current epoch. */
export interface TrainingContext {
  readonly model: TrainableModel;
  stopTraining: boolean;
  /** Optimizer steps taken so far (counting those before a resume). */
  readonly globalStep?: number;
  /** The files of a checkpoint of the training as it stands now (what `ModelCheckpoint` writes). */
  checkpoint?(): Map<string, Uint8Array>;
}

/** Keras-style hooks, all optional: a user callback is any object with some of them. */
export interface Callback {
  onTrainBegin?(event: TrainBeginEvent, context: TrainingContext): void;
  onEpochBegin?(event: EpochBeginEvent, context: TrainingContext): void;
  onBatchEnd?(event: BatchEndEvent, context: TrainingContext): void;
  onEpochEnd?(event: EpochEndEvent, context: TrainingContext): void;
  onTrainEnd?(event: TrainEndEvent, context: TrainingContext): void;
  /** The callback's state for a checkpoint (JSON values, tensors, Maps of tensors). */
  stateDict?(): unknown;
  /** Restores `stateDict()` output when training resumes (called after `onTrainBegin`). */
  loadStateDict?(state: unknown): void;
  /** Run after every other callback of each event (checkpoint writers: they save what the others did). */
  readonly runsLast?: boolean;
}

/** Per-epoch values of every logged quantity (`loss`, `accuracy`, `valLoss`, ...), as Keras's History. */
export class History implements Callback {
  readonly history: Record<string, number[]> = {};
  readonly epoch: number[] = [];

  onEpochEnd(event: EpochEndEvent): void {
    this.epoch.push(event.epoch);
    for (const [key, value] of Object.entries(event.logs)) (this.history[key] ??= []).push(value);
  }

  stateDict(): unknown {
    return { history: this.history, epoch: this.epoch };
  }

  loadStateDict(state: unknown): void {
    const s = state as { history: Record<string, number[]>; epoch: number[] };
    this.epoch.splice(0, this.epoch.length, ...s.epoch);
    for (const key of Object.keys(this.history)) delete this.history[key];
    Object.assign(this.history, s.history);
  }
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => `${k}=${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3) : v.toFixed(4)}`).join(" ");
}

/** Where progress lines go: process.stderr, or anything with `write`. */
export interface LineSink { write(text: string): unknown }

export interface ProgressLoggerOptions {
  /** 0 silent; 1 or 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Where lines go: default stderr in Node, the console in a browser. */
  stream?: LineSink;
}

/**
 * One line per epoch (`epoch 3/10 loss=0.1234 ...`). It knows nothing of terminals: the CLI adds a
 * progress bar as another callback.
 * @example zd.fit(model, x, y, { ..., verbose: 0, callbacks: [new zd.callbacks.ProgressLogger()] });
 */
export class ProgressLogger implements Callback {
  private readonly verbose: 0 | 1 | 2;
  private readonly stream: LineSink;

  constructor(options: ProgressLoggerOptions = {}) {
    this.verbose = options.verbose ?? 1;
    this.stream = options.stream ?? platform.stderr();
  }

  onEpochEnd(event: EpochEndEvent): void {
    if (this.verbose === 0) return;
    this.stream.write(`epoch ${event.epoch}/${event.epochs} ${formatLogs(event.logs)} ` +
      `(${event.seconds.toFixed(2)}s)\n`);
  }
}

export interface EarlyStoppingOptions {
  /** Logged quantity to watch; default `valLoss` (falls back to `loss` without validation data). */
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: "min" | "max" | "auto";
  /** Put back the weights of the best epoch when training stops. */
  restoreBestWeights?: boolean;
}

/** Stops when the monitored value has not improved by `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly mode: "min" | "max";
  private best = NaN;
  private wait = 0;
  private bestWeights: Map<string, Tensor> | null = null;
  /** Epoch at which training was stopped, or null. */
  stoppedEpoch: number | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? "valLoss";
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    checkNonNegativeInt("EarlyStopping", "patience", this.patience);
    const mode = options.mode ?? "auto";
    if (!["min", "max", "auto"].includes(mode)) {
      throw new Error(`EarlyStopping: mode must be min, max or auto, got ${mode}`);
    }
    this.mode = mode === "auto" ? (/acc|score|r2/i.test(this.monitor) ? "max" : "min") : mode;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  onTrainBegin(): void {
    this.best = NaN; this.wait = 0; this.bestWeights = null; this.stoppedEpoch = null;
  }

  onEpochEnd(event: EpochEndEvent, context: TrainingContext): void {
    const value = event.logs[this.monitor] ?? (this.monitor === "valLoss" ? event.logs.loss : undefined);
    if (value === undefined) {
      throw new Error(`EarlyStopping: monitored value "${this.monitor}" is not logged; available: ` +
        Object.keys(event.logs).join(", "));
    }
    const improved = Number.isNaN(this.best) ||
      (this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.bestWeights = new Map([...context.model.stateDict()].map(([k, t]) => [k, t.clone()]));
      }
      return;
    }
    if (++this.wait > this.patience) {
      this.stoppedEpoch = event.epoch;
      context.stopTraining = true;
    }
  }

  onTrainEnd(_event: TrainEndEvent, context: TrainingContext): void {
    if (this.restoreBestWeights && this.bestWeights) context.model.loadStateDict(this.bestWeights);
  }

  stateDict(): unknown {
    return { best: this.best, wait: this.wait, stoppedEpoch: this.stoppedEpoch,
      bestWeights: this.bestWeights };
  }

  loadStateDict(state: unknown): void {
    const s = state as { best: number; wait: number; stoppedEpoch: number | null;
      bestWeights: Map<string, Tensor> | null };
    this.best = s.best; this.wait = s.wait;
    this.stoppedEpoch = s.stoppedEpoch; this.bestWeights = s.bestWeights;
  }
}

/** Anything with `step()`; ReduceLROnPlateau-style schedulers take the monitored value. */
export interface SchedulerLike { step(metric?: number): void }

/** Steps a learning-rate scheduler after every epoch (with the monitored value when given). */
export class LearningRateScheduler implements Callback {
  constructor(private readonly scheduler: SchedulerLike,
    private readonly options: { monitor?: string } = {}) {}

  onEpochEnd(event: EpochEndEvent): void {
    const monitor = this.options.monitor;
    if (monitor === undefined) { this.scheduler.step(); return; }
    const value = event.logs[monitor];
    if (value === undefined) throw new Error(`LearningRateScheduler: "${monitor}" is not logged in this run`);
    this.scheduler.step(value);
  }
}
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model-checkpoint.js";
