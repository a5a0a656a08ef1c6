/**
 * A checkpoint on disk is one folder, committed by one rename: its files are written and flushed in a
 * temporary folder (`<name>.<pid>.<hex>.tmp`), a manifest with each file's size and SHA-256 is written
 * last, and the folder is renamed into place. A folder under a checkpoint name is therefore complete, and
 * reading it verifies every file against the manifest.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync,
    writeSync,
} from "node:fs";
import { join } from "node:path";
import { removeDeadTemps, tempNameFor } from "./dead-temps.js";

export const MANIFEST = "manifest.json";
const FORMAT = "zendl-checkpoint";
const NAME = /^step-(\d+)$/;

interface Manifest { format: string; version: number; files: Record<string,
  { bytes: number; sha256: string }> }

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

function writeSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "wx");
  try {
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(path: string): void {
  try {
    const fd = openSync(path, "r");
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // best effort: directories cannot be fsynced on every platform
  }
}

export { checkpointName } from "../train/model-checkpoint.js";

/** Writes `files` as the checkpoint folder `root/name`, atomically; returns its path. */
export function writeCheckpointDir(root: string, name: string, files: Map<string, Uint8Array>): string {
  mkdirSync(root, { recursive: true });
  removeDeadTemps(root);
  const temp = join(root, tempNameFor(name, randomBytes(6).toString("hex")));
  mkdirSync(temp);
  try {
    const manifest: Manifest = { format: FORMAT, version: 1, files: {} };
    for (const [file, bytes] of files) {
      if (file === MANIFEST || file.includes("/") || file.includes("\\")) {
        throw new Error(`checkpoint: "${file}" cannot name a checkpoint file`);
      }
      writeSynced(join(temp, file), bytes);
      manifest.files[file] = { bytes: bytes.length, sha256: sha256(bytes) };
    }
    writeSynced(join(temp, MANIFEST), new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
    syncDir(temp);
    const target = join(root, name);
    // Only a rerun of the same step finds its name taken; move that one out of the way first.
    removeCheckpointDir(target);
    renameSync(temp, target);
    syncDir(root);
    return target;
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

/** Removes a checkpoint folder: renamed to a temporary first, so a crash never leaves half of one. */
export function removeCheckpointDir(path: string): void {
  const temp = tempNameFor(path, randomBytes(6).toString("hex"));
  try {
    renameSync(path, temp);
  } catch {
    return; // not there
  }
  rmSync(temp, { recursive: true, force: true });
}

/** Reads and verifies a checkpoint folder; errors name the folder and the file at fault. */
export function readCheckpointDir(path: string): Map<string, Uint8Array> {
  const fail = (message: string): Error => new Error(`checkpoint "${path}": ${message}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(path, MANIFEST), "utf8")) as Manifest;
  } catch (err) {
    throw fail(`cannot read its ${MANIFEST} (${(err as Error).message.split("\n")[0]})`);
  }
  if (manifest?.format !== FORMAT || typeof manifest.files !== "object" || manifest.files === null) {
    throw fail(`${MANIFEST} is not a ${FORMAT} manifest`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [file, entry] of Object.entries(manifest.files)) {
    if (file.includes("/") || file.includes("\\") || file === "..") throw fail(`bad file name "${file}"`);
    const at = join(path, file);
    let size: number;
    try {
      size = statSync(at).size;
    } catch {
      throw fail(`${file} is missing`);
    }
    if (size !== entry?.bytes) throw fail(`${file} has ${size} bytes, its manifest says ${entry?.bytes}`);
    const bytes = readFileSync(at);
    if (sha256(bytes) !== entry.sha256) throw fail(`${file} does not match its SHA-256 checksum (corrupted)`);
    files.set(file, bytes);
  }
  return files;
}

/** The checkpoint folders in `root`, oldest first (by step). */
export function listCheckpoints(root: string): { name: string; path: string; step: number }[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const m = NAME.exec(name);
    return m ? [{ name, path: join(root, name), step: Number(m[1]) }] : [];
  }).sort((a, b) => a.step - b.step);
}

/**
 * The newest checkpoint in `root` that verifies, with the reasons newer ones were passed over;
 * null when there is none.
 */
export function readLatestCheckpoint(root: string):
  { path: string; files: Map<string, Uint8Array>; skipped: string[] } | null {
  const skipped: string[] = [];
  for (const entry of listCheckpoints(root).reverse()) {
    try {
      return { path: entry.path, files: readCheckpointDir(entry.path), skipped };
    } catch (err) {
      skipped.push((err as Error).message);
    }
  }
  return null;
}

/** True when `path` is itself a checkpoint folder (it has a manifest). */
export function isCheckpointDir(path: string): boolean {
  try {
    return statSync(join(path, MANIFEST)).isFile();
  } catch {
    return false;
  }
}

/**
 * The files of the checkpoint at `path`: that checkpoint folder, or the newest one in a folder of them.
 * @example const { path, files } = readCheckpoint("runs/a/checkpoints");
 */
export function readCheckpoint(path: string): { path: string; files: Map<string, Uint8Array> } {
  if (isCheckpointDir(path)) return { path, files: readCheckpointDir(path) };
  const latest = readLatestCheckpoint(path);
  if (latest === null) {
    const found = listCheckpoints(path).length;
    throw new Error(found === 0 ? `no checkpoint in "${path}"`
      : `none of the ${found} checkpoints in "${path}" is readable`);
  }
  return { path: latest.path, files: latest.files };
}
