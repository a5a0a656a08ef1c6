/**
 * `--out` is checked before any work: a run of minutes must not end in "cannot write". And one folder
 * takes one run at a time: a lock file holds the writer's process id, so a second run refuses, and a lock
 * left by a killed run (its process is gone) is taken over.
 */
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "../node/dead-temps.js";
import { UsageError } from "./errors.js";

export const LOCK_FILE = ".zendl.lock";

/** Creates `dir` if needed and proves it writable; a usage error (exit 2) names what is wrong. */
export function prepareOutDir(dir: string): void {
  if (dir.trim() === "") throw new UsageError("--out must name a folder, got an empty string");
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
    if (!isDir) throw new UsageError(`--out ${dir} is a file, not a folder`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  try {
    if (!isDir) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`--out ${dir} cannot be ${isDir ? "written to" : "created"} (${code})`);
  }
}

let held: string | null = null;

function release(): void {
  if (held === null) return;
  try {
    if (readFileSync(held, "utf8").split("\n")[0] === String(process.pid)) rmSync(held, { force: true });
  } catch {
    // already gone
  }
  held = null;
}

/** Takes `dir`'s run lock until the process exits (or `releaseRunLock`). */
export function acquireRunLock(dir: string): void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      held = path;
      process.once("exit", release);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new UsageError(`--out ${dir}: cannot create its lock file ` +
          `(${(err as NodeJS.ErrnoException).code})`);
      }
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(path, "utf8").split("\n")[0]);
    } catch {
      continue; // released meanwhile: try again
    }
    if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
      throw new UsageError(`--out ${dir} is in use by another zendl run (process ${owner}); wait for it or ` +
        "choose another folder");
    }
    rmSync(path, { force: true }); // its run was killed
  }
  throw new UsageError(`--out ${dir}: could not take its lock file ${path}`);
}

export function releaseRunLock(): void {
  release();
}
