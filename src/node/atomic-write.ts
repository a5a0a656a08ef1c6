/**
 * Atomic file writes for Node: checkpoints, metrics and images are written under a temporary name,
 * fsynced and renamed, so a crash never leaves a truncated file under the real name.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { removeDeadTempsOf, tempNameFor } from "./dead-temps.js";

// A crash mid-write must never leave a truncated checkpoint under the real name, so we write
// a sibling temp file (same directory => same filesystem => rename is atomic) and swap it in.
// Temporaries of writers that died are removed first (see dead-temps.ts).
function tempPathFor(path: string): string {
  removeDeadTempsOf(path);
  return tempNameFor(path, randomBytes(6).toString("hex"));
}

/**
 * Writes `bytes` (or a string, as UTF-8) to `path` atomically: a temporary sibling, fsync, rename.
 * @example await writeFileAtomic("metrics.json", JSON.stringify(metrics));
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(bytes);
      // Without fsync the rename can reach disk before the data, leaving an empty file after a power loss.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** `writeFileAtomic`, synchronously. @example writeFileAtomicSync("out.bin", new Uint8Array([1])) */
export function writeFileAtomicSync(path: string, bytes: Uint8Array | string): void {
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, "wx");
    try {
      const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
      for (let written = 0; written < data.length;) written += writeSync(fd, data, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    const dirFd = openSync(dirname(path), "r");
    try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
  } catch {
    // Best effort: persisting the rename needs a directory fsync on POSIX, which Windows does not support.
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try { await handle.sync(); } finally { await handle.close(); }
  } catch {
    // Best effort: persisting the rename needs a directory fsync on POSIX, which Windows does not support.
  }
}
