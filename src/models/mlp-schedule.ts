import { platform } from "#platform";
import type { Tensor } from "../core/tensor.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Callback, TrainingContext } from "../train/callbacks.js";
import type { EpochEndEvent } from "../train/events.js";

export interface ScheduleOptions {
  optimizer: Optimizer;
  learningRate: "constant" | "invscaling" | "adaptive";
  learningRateInit: number;
  powerT: number;
  tol: number;
  nIterNoChange: number;
  solver: "sgd" | "adam";
  verbose: boolean;
  samplesPerEpoch: number;
  /** With early stopping: the score on the held-out samples (higher is better). */
  validationScore: (() => number) | null;
}

/**
 * scikit-learn's per-epoch bookkeeping for MLPs: the loss curve, the inverse-scaling and adaptive
 * learning rates, and the stop rule (no improvement by `tol` for more than `nIterNoChange` epochs,
 * judged on the training loss, or on the validation score with early stopping).
 */
export class SklearnSchedule implements Callback {
  readonly lossCurve: number[] = [];
  readonly validationScores: number[] = [];
  converged = false;
  bestWeights: Map<string, Tensor> | null = null;
  private best = Infinity;
  private bestScore = -Infinity;
  private noImprovement = 0;
  private samplesSeen = 0;
  private lr: number;

  constructor(private readonly options: ScheduleOptions) {
    this.lr = options.learningRateInit;
  }

  stateDict(): unknown {
    return { lossCurve: this.lossCurve, validationScores: this.validationScores, converged: this.converged,
      bestWeights: this.bestWeights, best: this.best, bestScore: this.bestScore,
      noImprovement: this.noImprovement, samplesSeen: this.samplesSeen, lr: this.lr };
  }

  loadStateDict(state: unknown): void {
    const s = state as ReturnType<SklearnSchedule["stateDict"]> & { lossCurve: number[];
      validationScores: number[]; converged: boolean; bestWeights: Map<string, Tensor> | null; best: number;
      bestScore: number; noImprovement: number; samplesSeen: number; lr: number };
    this.lossCurve.splice(0, this.lossCurve.length, ...s.lossCurve);
    this.validationScores.splice(0, this.validationScores.length, ...s.validationScores);
    this.converged = s.converged; this.bestWeights = s.bestWeights; this.best = s.best;
    this.bestScore = s.bestScore; this.noImprovement = s.noImprovement; this.samplesSeen = s.samplesSeen;
    this.lr = s.lr;
  }

  private setLr(lr: number): void {
    this.lr = lr;
    for (const group of this.options.optimizer.paramGroups) group.lr = lr;
  }

  onEpochEnd(event: EpochEndEvent, context: TrainingContext): void {
    const o = this.options;
    const loss = event.logs.loss;
    this.lossCurve.push(loss);
    this.samplesSeen += o.samplesPerEpoch;
    if (o.verbose) platform.stderr().write(`Iteration ${event.epoch}, loss = ${loss.toFixed(8)}\n`);
    if (o.solver === "sgd" && o.learningRate === "invscaling") {
      this.setLr(o.learningRateInit / Math.pow(this.samplesSeen + 1, o.powerT));
    }
    if (o.validationScore) {
      const score = o.validationScore();
      this.validationScores.push(score);
      if (o.verbose) platform.stderr().write(`Validation score: ${score.toFixed(6)}\n`);
      if (score < this.bestScore + o.tol) this.noImprovement++;
      else this.noImprovement = 0;
      if (score > this.bestScore) {
        this.bestScore = score;
        this.bestWeights = new Map([...context.model.stateDict()].map(([k, t]) => [k, t.clone()]));
      }
    } else {
      if (loss > this.best - o.tol) this.noImprovement++;
      else this.noImprovement = 0;
      if (loss < this.best) this.best = loss;
    }
    if (this.noImprovement > o.nIterNoChange) {
      if (o.solver === "sgd" && o.learningRate === "adaptive" && this.lr > 1e-6) {
        this.setLr(this.lr / 5);
        this.noImprovement = 0;
        if (o.verbose) platform.stderr().write(`Setting learning rate to ${this.lr}\n`);
        return;
      }
      if (o.verbose) {
        platform.stderr().write(
          `Training loss did not improve more than tol=${o.tol} for ${o.nIterNoChange} ` +
          "consecutive epochs. Stopping.\n");
      }
      this.converged = true;
      context.stopTraining = true;
    }
  }
}
