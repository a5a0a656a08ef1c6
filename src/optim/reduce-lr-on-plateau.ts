import { Tensor } from "../core/tensor.js";
import {
  checkSchedulerArgs, readLrs, type SchedulableOptimizer, type SchedulerStateDict,
} from "./schedulers.js";
import {
  checkChoice, checkInRange, checkInteger, checkNonNegative, describe, isPlainObject,
} from "./validation.js";

export interface ReduceLROnPlateauOptions {
  /** "min": the metric should go down (a loss); "max": up (an accuracy). Default "min". */
  mode?: "min" | "max";
  /** Multiplier of the lr at each reduction, in [0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Smallest change that counts as an improvement (see `thresholdMode`). Default 1e-4. */
  threshold?: number;
  /** "rel": improving means beating `best * (1 ∓ threshold)`; "abs": beating `best ∓ threshold`.
   * Default "rel". */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound of the lr: one number, or one per param group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

const OPTION_NAMES = ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"];

/**
 * Reduces the lr by `factor` when a metric has stopped improving for more than `patience` epochs, as
 * PyTorch's `torch.optim.lr_scheduler.ReduceLROnPlateau`. `step(metric)` takes the epoch's metric.
 * @example
 * const scheduler = new optim.ReduceLROnPlateau(opt, { factor: 0.5, patience: 5 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); scheduler.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  readonly optimizer: SchedulableOptimizer;
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** Calls to `step`. */
  lastEpoch = 0;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkSchedulerArgs("ReduceLROnPlateau", optimizer, options, OPTION_NAMES);
    const prefix = "ReduceLROnPlateau: ";
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel",
      cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    checkChoice(prefix, "mode", mode, ["min", "max"]);
    checkInRange(prefix, "factor", factor, 0, 1);
    checkInteger(prefix, "patience", patience, 0);
    checkNonNegative(prefix, "threshold", threshold);
    checkChoice(prefix, "thresholdMode", thresholdMode, ["rel", "abs"]);
    checkInteger(prefix, "cooldown", cooldown, 0);
    checkNonNegative(prefix, "eps", eps);
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) {
        throw new Error(`${prefix}minLr has ${minLr.length} values but the optimizer has ` +
          `${groups} param groups`);
      }
      minLr.forEach((v, i) => checkNonNegative(prefix, `minLr[${i}]`, v));
    } else {
      checkNonNegative(prefix, "minLr", minLr);
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(groups).fill(minLr);
    this.best = this.worst();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private worst(): number {
    return this.mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(value: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min") {
      return this.thresholdMode === "rel" ? value < best * (1 - threshold) : value < best - threshold;
    }
    return this.thresholdMode === "rel" ? value > best * (1 + threshold) : value > best + threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const value = metric instanceof Tensor ? metric.item() : metric;
    if (typeof value !== "number") {
      throw new Error("ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, " +
        `got ${describe(value)}`);
    }
    this.lastEpoch++;
    if (this.isBetter(value)) {
      this.best = value;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      // Bad epochs during the cooldown do not count.
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const newLr = Math.max(group.lr * this.factor, this.minLrs[i] ?? 0);
      if (group.lr - newLr > this.eps) group.lr = newLr;
    });
  }

  /** The lr of each param group after the latest step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The counters; `best` is null before the first metric (so the dict survives JSON). */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, best: Number.isFinite(this.best) ? this.best : null,
      numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastLr: [...this.lastLr] };
  }

  /** Restores counters saved by `stateDict()`; everything is checked before anything changes. */
  loadStateDict(sd: SchedulerStateDict): void {
    const where = "ReduceLROnPlateau.loadStateDict: ";
    if (!isPlainObject(sd)) throw new Error(`${where}expected an object, got ${describe(sd)}`);
    checkInteger(where, "lastEpoch", sd.lastEpoch, 0);
    checkInteger(where, "numBadEpochs", sd.numBadEpochs, 0);
    checkInteger(where, "cooldownCounter", sd.cooldownCounter, 0);
    const best = sd.best;
    if (best !== null && typeof best !== "number") {
      throw new Error(`${where}"best" must be a number or null, got ${describe(best)}`);
    }
    const lastLr = readLrs(where, sd, "lastLr", this.optimizer.paramGroups.length);
    this.lastEpoch = sd.lastEpoch;
    this.numBadEpochs = sd.numBadEpochs;
    this.cooldownCounter = sd.cooldownCounter;
    this.best = best === null ? this.worst() : best;
    this.lastLr = lastLr;
  }
}
