/**
 * Temporary files of atomic writes are named `<target>.<pid>.<hex>.tmp`. A writer killed between
 * creating one and renaming it leaves it behind; the next save to the same place removes those whose
 * writer process is gone (never one a live process may still be writing).
 */
import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const TEMP = /^(.*)\.(\d+)\.[0-9a-f]+\.tmp$/;

/** True while a process with this id exists (signal 0 only checks; EPERM means it exists). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The temporary name a write to `target` by this process uses. */
export function tempNameFor(target: string, hex: string): string {
  return `${target}.${process.pid}.${hex}.tmp`;
}

/**
 * Removes the temporaries in `dir` left by dead writers: those of `target` (a file name in `dir`), or
 * every one when `target` is omitted. Returns the names removed. Never throws: cleanup is best effort.
 */
export function removeDeadTemps(dir: string, target?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (m === null || (target !== undefined && m[1] !== target) || processAlive(Number(m[2]))) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another process may be removing it at the same moment
    }
  }
  return removed;
}

/** `removeDeadTemps` for the folder and name of `path`. */
export function removeDeadTempsOf(path: string): string[] {
  return removeDeadTemps(dirname(path), basename(path));
}
