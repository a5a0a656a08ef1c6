/**
 * The record of one CLI training run: `metrics.jsonl` in the `--out` folder (a `run` line, one line per
 * epoch, `step` lines within long epochs, an `end` line) and the listeners that watch it (the live
 * dashboard). Trainers report through `reportEpoch` or the `epochReporter()` callback; both do nothing
 * when no run is being recorded, so a trainer never needs to know whether anyone is watching.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { cpus, platform, arch, totalmem } from "node:os";
import { join } from "node:path";
import { getBackend } from "../backend/registry.js";
import { getNumThreads } from "../backend/wasm/threads.js";
import type { EpochRecord, EndRecord, MetricsLine, RunRecord } from "../report/records.js";
import { noGrad } from "../core/autograd.js";
import type { Tensor } from "../core/tensor.js";
import { crossEntropy } from "../nn/functional/losses-classification.js";
import type { Callback, TrainableModel } from "../train/callbacks.js";
import type { Logs } from "../train/events.js";
import { accuracy } from "../train/metrics.js";

/** What a trainer knows at the end of an epoch; the run log adds the timing. */
export interface EpochInput {
  epoch: number;
  /** Optimizer steps since the start; counted by the log when left out. */
  step?: number;
  losses: Record<string, number>;
  metrics?: Record<string, number>;
  lr?: number;
  /** Samples (characters for text) trained on in this epoch, for the throughput. */
  samples?: number;
  /** Seconds the epoch took; measured between reports when left out. */
  seconds?: number;
}

function zendlVersion(): string {
  try {
    const root = new URL("../../../package.json", import.meta.url);
    return (JSON.parse(readFileSync(root, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The `run` line: how and where the run was started. */
export function runRecord(model: string, dataset: string, seed: number, command: string[]): RunRecord {
  const cpuList = cpus();
  return {
    type: "run", model, dataset, command, seed, zendlVersion: zendlVersion(), backend: getBackend(),
    threads: getNumThreads(),
    machine: { cpu: cpuList[0]?.model.trim() ?? "unknown", cores: cpuList.length,
      platform: `${platform()} ${arch()}`,
      node: process.version, memoryBytes: totalmem() },
    startedAt: new Date().toISOString(),
  };
}

export class RunLog {
  readonly epochs: EpochRecord[] = [];
  readonly steps: EpochRecord[] = [];
  end: EndRecord | null = null;
  private readonly listeners: Array<(log: RunLog, line: MetricsLine) => void> = [];
  private readonly started = performance.now();
  private lastEpochAt = performance.now();
  private stepCount = 0;

  /** Starts a run; with a folder, appends its `run` line to `dir/metrics.jsonl`. */
  constructor(readonly dir: string | undefined, readonly run: RunRecord) {
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    this.write(run);
  }

  get path(): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, "metrics.jsonl");
  }

  /** Calls `listener` after every line (epoch, step or end). */
  onLine(listener: (log: RunLog, line: MetricsLine) => void): void {
    this.listeners.push(listener);
  }

  private wall(): number {
    return Number(((performance.now() - this.started) / 1000).toFixed(3));
  }

  private write(line: MetricsLine): void {
    if (this.path !== undefined) appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    for (const listener of this.listeners) listener(this, line);
  }

  epoch(input: EpochInput): void {
    const now = performance.now();
    const seconds = input.seconds ?? (now - this.lastEpochAt) / 1000;
    this.lastEpochAt = now;
    const record: EpochRecord = {
      type: "epoch", epoch: input.epoch, step: input.step ?? this.stepCount, losses: input.losses,
      metrics: input.metrics ?? {}, wallSeconds: this.wall(),
    };
    if (input.lr !== undefined) record.lr = input.lr;
    if (input.samples !== undefined && seconds > 0) {
      record.samplesPerSecond = Math.round(input.samples / seconds);
    }
    this.epochs.push(record);
    this.write(record);
  }

  /** A point within an epoch (long epochs): the loss so far at `step`. */
  stepPoint(epoch: number, step: number, losses: Record<string, number>): void {
    const record: EpochRecord = { type: "step", epoch, step, losses, metrics: {}, wallSeconds: this.wall() };
    this.steps.push(record);
    this.write(record);
  }

  countStep(): void {
    this.stepCount++;
  }

  finish(result: Record<string, unknown>): void {
    this.end = { type: "end", result, wallSeconds: this.wall() };
    this.write(this.end);
  }
}

// One CLI process trains one model at a time, so the run being recorded is process state.
let active: RunLog | null = null;

export function setActiveRunLog(log: RunLog | null): void {
  active = log;
}

/** Records an epoch of the current run, if one is recorded. */
export function reportEpoch(input: EpochInput): void {
  active?.epoch(input);
}

/** Records a point within an epoch of the current run (e.g. every 50 steps of a long text epoch). */
export function reportStep(epoch: number, step: number, losses: Record<string, number>): void {
  active?.stepPoint(epoch, step, losses);
}

/** Names with "loss" in them are losses; everything else a `fit` logs is a metric. */
function splitLogs(logs: Logs): { losses: Record<string, number>; metrics: Record<string, number> } {
  const losses: Record<string, number> = {}, metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs)) {
    if (key !== "lr") (/loss/i.test(key) ? losses : metrics)[key] = value;
  }
  return { losses, metrics };
}

/**
 * A `fit` callback that reports each epoch (and about ten points within epochs of 100 steps or more)
 * to the current run. `validate` adds figures computed on the model after each epoch.
 */
export function epochReporter(options: {
  lr?: number; validate?: (model: TrainableModel) => Logs;
  /** Names this run's figures `<prefix><Name>` (a second model in one run, e.g. the DBN's baseline). */
  prefix?: string;
} = {}): Callback {
  const prefix = options.prefix;
  const rename = (logs: Record<string, number>): Record<string, number> => prefix === undefined ? logs
    : Object.fromEntries(Object.entries(logs).map(([k, v]) =>
      [`${prefix}${k[0].toUpperCase()}${k.slice(1)}`, v]));
  let samples = 0, stepsPerEpoch = 0, step = 0;
  return {
    onTrainBegin: (e) => { samples = e.samples; stepsPerEpoch = e.stepsPerEpoch; },
    onBatchEnd: (e) => {
      step++;
      if (prefix !== undefined) return;
      active?.countStep();
      const every = Math.ceil(e.stepsPerEpoch / 10);
      if (stepsPerEpoch >= 100 && e.step % every === 0) reportStep(e.epoch, step, { loss: e.loss });
    },
    onEpochEnd: (e, context) => {
      if (active === null) return;
      const { losses, metrics } = splitLogs({ ...e.logs, ...(options.validate?.(context.model) ?? {}) });
      // a second model's epochs share the epoch axis but not the throughput and learning-rate charts
      reportEpoch(prefix === undefined
        ? { epoch: e.epoch, step, losses, metrics, lr: options.lr ?? e.logs.lr, samples, seconds: e.seconds }
        : { epoch: e.epoch, step, losses: rename(losses), metrics: rename(metrics) });
    },
  };
}

/** For `epochReporter`'s `validate`: cross-entropy and accuracy of a classifier on held-out data. */
export function heldOutValidation(x: Tensor, y: Tensor): (model: TrainableModel) => Logs {
  return (model) => noGrad(() => {
    const logits = model.call(x);
    return { valLoss: crossEntropy(logits, y).item(), valAccuracy: accuracy(logits, y) };
  });
}
