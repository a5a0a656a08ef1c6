/**
 * What `fit` and `fitSequence` share: the callbacks in their order, the event dispatch, and the two
 * halves of a checkpoint: `snapshot` (everything needed to continue, as files) and `resume` (put it all
 * back: model, optimizer, RNG, loader position, callbacks).
 */
import { getRngState, setRngState } from "../core/random.js";
import type { LoaderState } from "../data/loader-state.js";
import type { OptimizerLike as StatefulOptimizer } from "../io/optimizer-state.js";
import { checkpointStore } from "./model-checkpoint.js";
import type { Callback, TrainingContext } from "./callbacks.js";
import {
  decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointModel, type TrainingState,
} from "./checkpoint.js";
import type { TrainEvent } from "./events.js";

/**
 * Where to resume from: a folder of checkpoints (the newest one that verifies), one checkpoint folder,
 * its files, or a decoded checkpoint.
 */
export type ResumeSource = string | Map<string, Uint8Array> | Checkpoint;

/** A loader that can say where it stands (DataLoader and SequenceBatchLoader can). */
export interface ResumableLoader {
  stateDict(): LoaderState;
  loadStateDict(state: LoaderState): void;
}

/** The loop's own part of a checkpoint, kept current by the loop. */
export type LoopPosition = Omit<TrainingState, "loop" | "rng" | "loader" | "callbacks">;

export interface LoopOptions {
  loop: string;
  model: CheckpointModel & TrainingContext["model"];
  optimizer: { zeroGrad(): void; step(): void };
  loader: unknown;
  callbacks: Callback[];
  onEvent?: (event: TrainEvent) => void;
}

function isResumable(loader: unknown): loader is ResumableLoader {
  const l = loader as Partial<ResumableLoader> | null;
  return typeof l?.stateDict === "function" && typeof l?.loadStateDict === "function";
}

export class TrainingLoop {
  readonly callbacks: Callback[];
  readonly context: TrainingContext;
  position: LoopPosition = {
    epochsDone: 0, epochStep: 0, globalStep: 0, elapsedSeconds: 0, partial: {}, stopTraining: false,
      carried: null,
  };

  constructor(private readonly options: LoopOptions) {
    // Checkpointing callbacks run after the others, so what they save has seen the whole event.
    const all = options.callbacks;
    this.callbacks = [...all.filter((c) => !c.runsLast), ...all.filter((c) => c.runsLast)];
    const self = this;
    this.context = {
      model: options.model, stopTraining: false,
      checkpoint: () => this.snapshot(),
      get globalStep() { return self.position.globalStep; },
    };
  }

  emit(event: TrainEvent): void {
    this.options.onEvent?.(event);
    const context = this.context;
    for (const cb of this.callbacks) {
      switch (event.type) {
        case "trainBegin": cb.onTrainBegin?.(event, context); break;
        case "epochBegin": cb.onEpochBegin?.(event, context); break;
        case "batchEnd": cb.onBatchEnd?.(event, context); break;
        case "epochEnd": cb.onEpochEnd?.(event, context); break;
        case "trainEnd": cb.onTrainEnd?.(event, context); break;
      }
    }
  }

  /** Everything needed to continue from here, as the files of one checkpoint. */
  snapshot(): Map<string, Uint8Array> {
    const loader = this.options.loader;
    const training: TrainingState = {
      ...this.position, stopTraining: this.context.stopTraining, loop: this.options.loop, rng: getRngState(),
      loader: isResumable(loader) ? loader.stateDict() : null,
      callbacks: this.callbacks.map((c) => c.stateDict?.() ?? null),
    };
    return encodeCheckpoint(this.options.model, this.options.optimizer as unknown as StatefulOptimizer,
      training);
  }

  /** Reads `source`, puts model, optimizer, RNG and loader back; callbacks follow in `restoreCallbacks`. */
  resume(source: ResumeSource): TrainingState {
    const { loop, model, optimizer, loader } = this.options;
    let checkpoint: Checkpoint, where: string;
    if (typeof source === "string") {
      const read = checkpointStore().read(source);
      where = read.path;
      checkpoint = decodeCheckpoint(read.files, where);
    } else if (source instanceof Map) {
      where = "checkpoint files";
      checkpoint = decodeCheckpoint(source, where);
    } else {
      where = "checkpoint";
      checkpoint = source;
    }
    const fail = (message: string): Error => new Error(`resume from "${where}": ${message}`);
    const t = checkpoint.training;
    if (t.loop !== loop) throw fail(`it was written by ${t.loop}, not ${loop}`);
    const stateful = optimizer as Partial<StatefulOptimizer>;
    if (typeof stateful.loadStateDict !== "function") throw fail("the optimizer has no loadStateDict()");
    if ((t.loader === null) !== !isResumable(loader)) {
      throw fail("the data loader does not match the saved one");
    }
    if (t.callbacks.length !== this.callbacks.length) {
      throw fail(`it was written with ${t.callbacks.length} callbacks (the loop's own included), this ` +
        `run has ${this.callbacks.length}; pass the same callbacks in the same order`);
    }
    try {
      model.loadStateDict(checkpoint.model);
      stateful.loadStateDict(checkpoint.optimizer);
    } catch (err) {
      throw fail((err as Error).message);
    }
    setRngState(t.rng);
    if (t.loader !== null && isResumable(loader)) loader.loadStateDict(t.loader);
    this.position = {
      epochsDone: t.epochsDone, epochStep: t.epochStep, globalStep: t.globalStep,
      elapsedSeconds: t.elapsedSeconds, partial: t.partial, stopTraining: t.stopTraining, carried: t.carried,
    };
    this.context.stopTraining = t.stopTraining;
    return t;
  }

  /** Gives each callback its saved state (after `trainBegin`, which resets some of them, as Keras's). */
  restoreCallbacks(state: TrainingState): void {
    this.callbacks.forEach((cb, i) => {
      const saved = state.callbacks[i];
      if (saved !== null && saved !== undefined) cb.loadStateDict?.(saved);
    });
  }
}
