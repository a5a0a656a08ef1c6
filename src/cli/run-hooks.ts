/**
 * The per-run plumbing of `zendl train`, in one place: the `--out` check and lock, the record of the run
 * (`run.json`, what `--resume` checks its flags against), and the callbacks every trainer passes to its
 * loop. Another command piece plugs in with `addRunHook` (one line), e.g. a metrics log or a dashboard.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicSync } from "../node/atomic-write.js";
import { listCheckpoints } from "../node/checkpoint-dir.js";
import type { Callback } from "../train/callbacks.js";
import { ModelCheckpoint } from "../train/model-checkpoint.js";
import { UsageError } from "./errors.js";
import { acquireRunLock, prepareOutDir } from "./out-dir.js";
import { progressCallback } from "./progress-bar.js";
import type { TrainFlags } from "./commands/train-flags.js";
import type { ModelTrainer, RunHooks } from "./commands/trainers.js";

/** What a hook sees of the run it joins. */
export interface RunInfo { model: string; flags: TrainFlags; trainer: ModelTrainer; out?: string }

/** Makes a callback for a run, or null to stay out of it; must answer the same for the same flags. */
export type RunHook = (run: RunInfo) => Callback | null;

const HOOKS: RunHook[] = [];

/** Adds a callback maker to every `zendl train` run (after the progress bar and the checkpoints). */
export function addRunHook(hook: RunHook): void {
  HOOKS.push(hook);
}

export const RUN_FILE = "run.json";
export const CHECKPOINT_DIR = "checkpoints";
// Flags that change where output goes or how it looks, not what is trained: free to differ on resume.
const PRESENTATION = new Set(["out", "resume", "json", "quiet", "checkpointEvery", "dashboard",
  "keepServing"]);

function runRecord(model: string, flags: TrainFlags): Record<string, unknown> {
  const recorded: Record<string, unknown> = { model };
  for (const [key, value] of Object.entries(flags)) if (!PRESENTATION.has(key)) recorded[key] = value;
  return recorded;
}

function checkResume(dir: string, model: string, flags: TrainFlags): void {
  const path = join(dir, RUN_FILE);
  if (!existsSync(path)) throw new UsageError(`--resume ${dir}: no zendl run there (no ${RUN_FILE})`);
  if (listCheckpoints(join(dir, CHECKPOINT_DIR)).length === 0) {
    throw new UsageError(`--resume ${dir}: the run wrote no checkpoint yet; start it again without --resume`);
  }
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    throw new UsageError(`--resume ${dir}: ${RUN_FILE} is not valid JSON`);
  }
  const now = runRecord(model, flags);
  for (const key of new Set([...Object.keys(saved), ...Object.keys(now)])) {
    const [a, b] = [JSON.stringify(saved[key]), JSON.stringify(now[key])];
    if (a === b) continue;
    const name = key === "model" ? "the model" : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`--resume ${dir}: ${name} was ${a ?? "not given"} in the interrupted run, now ` +
      `${b ?? "not given"}; resume with the same model and flags`);
  }
}

/** Checks and locks `--out`, checks `--resume`, records the run, and makes its hooks. */
export function startRun(model: string, flags: TrainFlags, trainer: ModelTrainer): RunHooks {
  const out = flags.out ?? flags.resume;
  if (!trainer.resumable && (flags.resume !== undefined || flags.checkpointEvery !== undefined)) {
    throw new UsageError(`${model} runs cannot be checkpointed or resumed`);
  }
  if (flags.checkpointEvery !== undefined && out === undefined) {
    throw new UsageError("--checkpoint-every needs --out (the checkpoints go to <out>/checkpoints)");
  }
  if (flags.resume !== undefined) checkResume(flags.resume, model, flags);
  if (out !== undefined) {
    prepareOutDir(out);
    acquireRunLock(out);
    if (flags.resume === undefined) {
      writeFileAtomicSync(join(out, RUN_FILE), `${JSON.stringify(runRecord(model, flags), null, 2)}\n`);
    }
  }
  const callbacks: Callback[] = [progressCallback(flags.quiet)];
  if (trainer.resumable) {
    const every = flags.checkpointEvery ?? { epochs: 1, seconds: 60 };
    callbacks.push(out === undefined ? {} : new ModelCheckpoint({ dir: join(out, CHECKPOINT_DIR), keepLast: 2,
      everyEpochs: every.epochs, everySeconds: every.seconds, everySteps: every.steps }));
  }
  for (const hook of HOOKS) {
    const callback = hook({ model, flags: { ...flags, out }, trainer, out });
    if (callback) callbacks.push(callback);
  }
  const resumeFrom = flags.resume === undefined ? undefined : join(flags.resume, CHECKPOINT_DIR);
  return { callbacks, resumeFrom };
}
