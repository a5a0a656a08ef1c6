import {
  checkInRange, checkInteger, checkKnownKeys, checkNonNegative, describe, isPlainObject,
} from "./validation.js";

/** What a scheduler needs of an optimizer: its param groups, whose `lr` it sets. */
export interface SchedulableOptimizer {
  readonly paramGroups: Array<{ lr: number; initialLr?: number }>;
}

/** A scheduler's counters, JSON-friendly (numbers, arrays of numbers, null). */
export type SchedulerStateDict = Record<string, number | number[] | null>;

/** @internal Checks `optimizer` and `options` at the start of a scheduler's constructor. */
export function checkSchedulerArgs(name: string, optimizer: unknown, options: unknown,
  known: readonly string[]): void {
  const groups = (optimizer as SchedulableOptimizer | null)?.paramGroups;
  if (!Array.isArray(groups) || groups.some((g) => typeof g?.lr !== "number")) {
    throw new Error(`${name}: expected an optimizer (an object with paramGroups), ` +
      `got ${describe(optimizer)}`);
  }
  if (!isPlainObject(options)) {
    throw new Error(`${name}: options must be an object, got ${describe(options)}`);
  }
  checkKnownKeys(`${name}: `, options, known);
}

/** @internal Reads a number array of one entry per param group from a state dict. */
export function readLrs(where: string, sd: SchedulerStateDict, key: string, groups: number): number[] {
  const value = sd[key];
  if (!Array.isArray(value) || value.length !== groups || value.some((v) => typeof v !== "number")) {
    throw new Error(`${where}"${key}" must be an array of ${groups} numbers, got ${describe(value)}`);
  }
  return [...value];
}

/**
 * Base class of the epoch-based schedulers, as PyTorch's `_LRScheduler`: the constructor records each
 * group's `initialLr` and applies the lr of epoch 0; every `step()` advances one epoch and sets the
 * groups' `lr`. Subclasses compute the new rates from the current ones (PyTorch's chainable form).
 * @example
 * const scheduler = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) { train(); scheduler.step(); }
 */
export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  /** The lr of each group when the first scheduler was attached. */
  readonly baseLrs: number[];
  /** Epochs done; 0 after construction. */
  lastEpoch = -1;
  /** Calls to `step()`, including the one the constructor makes. */
  protected stepCount = 0;
  private lastLr: number[] = [];
  protected readonly name: string;

  protected constructor(name: string, optimizer: SchedulableOptimizer) {
    this.name = name;
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) if (group.initialLr === undefined) group.initialLr = group.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr ?? g.lr);
  }

  /** The new lr of each group at epoch `lastEpoch`, from the current ones. */
  protected abstract computeLr(): number[];

  /** Subclass constructors call this once their options are set. */
  protected initialStep(): void {
    this.step();
  }

  /** Advances one epoch and sets the new lr on every param group. */
  step(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.baseLrs.length) {
      throw new Error(`${this.name}.step: the optimizer has ${groups.length} param groups but had ` +
        `${this.baseLrs.length} when the scheduler was created`);
    }
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.computeLr();
    groups.forEach((group, i) => { group.lr = lrs[i]; });
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The lr of each param group after the latest step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The counters, to resume later with `loadStateDict` (the lrs themselves live in the optimizer). */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, stepCount: this.stepCount, baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr] };
  }

  /** Restores counters saved by `stateDict()`; everything is checked before anything changes. */
  loadStateDict(sd: SchedulerStateDict): void {
    const where = `${this.name}.loadStateDict: `;
    if (!isPlainObject(sd)) throw new Error(`${where}expected an object, got ${describe(sd)}`);
    checkInteger(where, "lastEpoch", sd.lastEpoch, 0);
    checkInteger(where, "stepCount", sd.stepCount, 0);
    const groups = this.optimizer.paramGroups.length;
    const baseLrs = readLrs(where, sd, "baseLrs", groups);
    const lastLr = readLrs(where, sd, "lastLr", groups);
    this.lastEpoch = sd.lastEpoch;
    this.stepCount = sd.stepCount;
    this.baseLrs.splice(0, this.baseLrs.length, ...baseLrs);
    this.lastLr = lastLr;
  }
}

export interface StepLROptions {
  /** Epochs between two decays. */
  stepSize: number;
  /** Multiplier of the lr at each decay. Default 0.1. */
  gamma?: number;
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs.
 * @example const scheduler = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    checkSchedulerArgs("StepLR", optimizer, options, ["stepSize", "gamma"]);
    super("StepLR", optimizer);
    const { stepSize, gamma = 0.1 } = options;
    checkInteger("StepLR: ", "stepSize", stepSize, 1);
    checkNonNegative("StepLR: ", "gamma", gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const decay = this.lastEpoch !== 0 && this.lastEpoch % this.stepSize === 0;
    return this.optimizer.paramGroups.map((g) => (decay ? g.lr * this.gamma : g.lr));
  }
}

export interface MultiStepLROptions {
  /** Epochs (positive integers) at which the lr is multiplied by `gamma`; a repeated one decays twice. */
  milestones: number[];
  /** Multiplier of the lr at each milestone. Default 0.1. */
  gamma?: number;
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch.
 * @example const scheduler = new optim.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  private readonly counts = new Map<number, number>();

  constructor(optimizer: SchedulableOptimizer, options: MultiStepLROptions) {
    checkSchedulerArgs("MultiStepLR", optimizer, options, ["milestones", "gamma"]);
    super("MultiStepLR", optimizer);
    const { milestones, gamma = 0.1 } = options;
    if (!Array.isArray(milestones)) {
      throw new Error("MultiStepLR: milestones must be an array of positive integers, " +
        `got ${describe(milestones)}`);
    }
    milestones.forEach((m, i) => checkInteger("MultiStepLR: ", `milestones[${i}]`, m, 1));
    checkNonNegative("MultiStepLR: ", "gamma", gamma);
    this.milestones = [...milestones].sort((a, b) => a - b);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    const count = this.counts.get(this.lastEpoch) ?? 0;
    return this.optimizer.paramGroups.map((g) => (count === 0 ? g.lr : g.lr * this.gamma ** count));
  }
}

export interface ExponentialLROptions {
  /** Multiplier of the lr at every epoch. */
  gamma: number;
}

/**
 * Multiplies the lr by `gamma` every epoch.
 * @example const scheduler = new optim.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    checkSchedulerArgs("ExponentialLR", optimizer, options, ["gamma"]);
    super("ExponentialLR", optimizer);
    checkNonNegative("ExponentialLR: ", "gamma", options.gamma);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr * this.gamma));
  }
}

export interface CosineAnnealingLROptions {
  /** Epochs of a half period: the lr reaches `etaMin` at epoch `tMax` and rises back by `2*tMax`. */
  tMax: number;
  /** The lowest lr. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter, 2017, SGDR without restarts): at epoch t the lr is
 * `etaMin + (base - etaMin) * (1 + cos(pi*t/tMax)) / 2`, computed with PyTorch's recursive form, so
 * it follows lr changes made by others and matches PyTorch beyond `tMax`.
 * @example const scheduler = new optim.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    checkSchedulerArgs("CosineAnnealingLR", optimizer, options, ["tMax", "etaMin"]);
    super("CosineAnnealingLR", optimizer);
    const { tMax, etaMin = 0 } = options;
    checkInteger("CosineAnnealingLR: ", "tMax", tMax, 1);
    checkNonNegative("CosineAnnealingLR: ", "etaMin", etaMin);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  // lr_t = etaMin + (lr_{t-1} - etaMin) * (1 + cos(pi*t/T)) / (1 + cos(pi*(t-1)/T)); at the bottom
  // of each period that ratio is 0/0, so the step from etaMin adds (base - etaMin)(1 - cos(pi/T))/2.
  protected computeLr(): number[] {
    const t = this.lastEpoch, T = this.tMax, etaMin = this.etaMin;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr);
    if ((((t - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T));
    return groups.map((g) => ratio * (g.lr - etaMin) + etaMin);
  }
}

export interface LinearLROptions {
  /** Factor of the lr at epoch 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor of the lr from epoch `totalIters` on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Epochs of the linear ramp. Default 5. */
  totalIters?: number;
}

/**
 * Scales the lr by a factor going linearly from `startFactor` to `endFactor` over `totalIters`
 * epochs (a warm-up with the defaults).
 * @example const warmup = new optim.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    checkSchedulerArgs("LinearLR", optimizer, options, ["startFactor", "endFactor", "totalIters"]);
    super("LinearLR", optimizer);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    const openLow = { lowInclusive: false, highInclusive: true };
    checkInRange("LinearLR: ", "startFactor", startFactor, 0, 1, openLow);
    checkInRange("LinearLR: ", "endFactor", endFactor, 0, 1, { highInclusive: true });
    checkInteger("LinearLR: ", "totalIters", totalIters, 1);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  // The factor f_t = start + (end - start) * t / N is applied as the ratio f_t / f_{t-1}.
  protected computeLr(): number[] {
    const t = this.lastEpoch, groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr * this.startFactor);
    if (t > this.totalIters) return groups.map((g) => g.lr);
    const delta = this.endFactor - this.startFactor;
    const ratio = 1 + delta / (this.totalIters * this.startFactor + (t - 1) * delta);
    return groups.map((g) => g.lr * ratio);
  }
}
