import { platform } from "#platform";
import type { CheckpointStore } from "../platform/types.js";
import type { Callback, TrainingContext } from "./callbacks.js";
import type { BatchEndEvent, EpochEndEvent } from "./events.js";

/** The folder name of the checkpoint taken after `globalStep` optimizer steps. */
export function checkpointName(globalStep: number): string {
  return `step-${String(globalStep).padStart(8, "0")}`;
}

/** The host's checkpoint folders, or an error saying where they exist. */
export function checkpointStore(): CheckpointStore {
  if (platform.checkpoints === undefined) {
    throw new Error("ModelCheckpoint: checkpoint folders need a file system (Node); in a browser, take " +
      "the files of a checkpoint from the training context and store them yourself");
  }
  return platform.checkpoints;
}

export interface ModelCheckpointOptions {
  /** Folder of the checkpoints (`step-00000420/`, one folder each, written atomically). */
  dir: string;
  /** Save after every N epochs. Default 1, unless `everySteps` or `everySeconds` is given. */
  everyEpochs?: number;
  /** Save after every N optimizer steps. */
  everySteps?: number;
  /** Save after a step when this many seconds passed since the last save (for long epochs). */
  everySeconds?: number;
  /** How many of the newest checkpoints to keep (older ones are removed). Default 2. */
  keepLast?: number;
  /** A logged value (`valLoss`, `valAccuracy`, ...): the checkpoint where it was best is kept as well. */
  monitor?: string;
  /** Whether smaller or larger `monitor` values are better; auto: larger for accuracies and scores. */
  mode?: "min" | "max" | "auto";
  /** Save at epoch ends only when `monitor` improved (Keras's save_best_only). */
  saveBestOnly?: boolean;
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new Error(`ModelCheckpoint: ${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Saves resumable checkpoints during `fit`/`fitSequence` (Keras's ModelCheckpoint, PyTorch-style
 * contents): model, optimizer, RNG and loader states, epoch, step and the callbacks' states, as one
 * folder renamed into place, so a run killed at any moment resumes from the last complete one with
 * `fit(..., { resumeFrom: dir })` and ends bit-identical to an uninterrupted run.
 * @example
 * zd.fit(model, x, y, { loss, optimizer, epochs: 20, seed: 0,
 *   callbacks: [new zd.callbacks.ModelCheckpoint({ dir: "run/checkpoints", monitor: "valLoss" })],
 *   resumeFrom: existsSync("run/checkpoints") ? "run/checkpoints" : undefined });
 */
export class ModelCheckpoint implements Callback {
  readonly runsLast = true;
  readonly dir: string;
  /** Path of the last checkpoint written, or null. */
  lastPath: string | null = null;
  private bestName: string | null = null;
  private readonly options: ModelCheckpointOptions;
  private readonly mode: "min" | "max";
  private best = NaN;
  private lastSave = performance.now();

  constructor(options: ModelCheckpointOptions) {
    if (typeof options?.dir !== "string" || options.dir === "") {
      throw new Error("ModelCheckpoint: options.dir must be a folder path");
    }
    positiveInteger("everyEpochs", options.everyEpochs);
    positiveInteger("everySteps", options.everySteps);
    positiveInteger("keepLast", options.keepLast);
    if (options.everySeconds !== undefined && !(options.everySeconds > 0)) {
      throw new Error(`ModelCheckpoint: everySeconds must be > 0, got ${options.everySeconds}`);
    }
    if (options.saveBestOnly && options.monitor === undefined) {
      throw new Error("ModelCheckpoint: saveBestOnly needs a monitor (e.g. \"valLoss\")");
    }
    this.dir = options.dir;
    this.options = options;
    const mode = options.mode ?? "auto";
    this.mode = mode === "auto" ? (/acc|score|r2/i.test(options.monitor ?? "") ? "max" : "min") : mode;
  }

  private get everyEpochs(): number | undefined {
    const o = this.options;
    return o.everyEpochs ?? (o.everySteps === undefined && o.everySeconds === undefined ? 1 : undefined);
  }

  onTrainBegin(): void {
    this.lastSave = performance.now();
  }

  onBatchEnd(_event: BatchEndEvent, context: TrainingContext): void {
    const { everySteps, everySeconds } = this.options;
    const step = context.globalStep ?? 0;
    const byStep = everySteps !== undefined && step % everySteps === 0;
    const byTime = everySeconds !== undefined && performance.now() - this.lastSave >= everySeconds * 1000;
    if (byStep || byTime) this.save(context, false);
  }

  onEpochEnd(event: EpochEndEvent, context: TrainingContext): void {
    let improved = false;
    if (this.options.monitor !== undefined) {
      const value = event.logs[this.options.monitor];
      if (value === undefined) {
        throw new Error(`ModelCheckpoint: monitored value "${this.options.monitor}" is not logged; ` +
          `available: ` +
          Object.keys(event.logs).join(", "));
      }
      improved = Number.isNaN(this.best) || (this.mode === "min" ? value < this.best : value > this.best);
      if (improved) this.best = value;
    }
    const every = this.everyEpochs;
    const due = every !== undefined && event.epoch % every === 0;
    if (improved || (due && !this.options.saveBestOnly)) this.save(context, improved);
  }

  private save(context: TrainingContext, best: boolean): void {
    if (typeof context.checkpoint !== "function") {
      throw new Error("ModelCheckpoint: this training loop cannot take checkpoints");
    }
    const name = checkpointName(context.globalStep ?? 0), store = checkpointStore();
    if (best) this.bestName = name;
    this.lastPath = store.write(this.dir, name, context.checkpoint());
    this.lastSave = performance.now();
    this.prune();
  }

  private prune(): void {
    const keep = this.options.keepLast ?? 2;
    const all = checkpointStore().list(this.dir);
    for (const entry of all.slice(0, Math.max(0, all.length - keep))) {
      if (entry.name !== this.bestName) checkpointStore().remove(entry.path);
    }
  }

  stateDict(): unknown {
    return { best: this.best, bestName: this.bestName };
  }

  loadStateDict(state: unknown): void {
    const s = state as { best: number; bestName: string | null };
    this.best = s.best;
    this.bestName = s.bestName;
  }

  /** Path of the checkpoint with the best `monitor` value, or null. */
  get bestPath(): string | null {
    return this.bestName === null ? null : platform.joinPath(this.dir, this.bestName);
  }
}
