/** Where the repository is, what machine this is, and where results go: shared by every benchmark. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory holding package.json above this file: the same answer from bench/lib (tsx) and from
 * any build folder (dist/bench/lib, dist-bench/bench/lib), so data/ and bench/peers/ are found from either.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "bench"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown", cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}`,
  };
}

export function machineLine(): string {
  const m = machine();
  return `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node} (V8 ${m.v8}), ` +
    `${m.platform}; ${loadLine()}`;
}

/** Writes bench/results/<name>-<timestamp>.json (atomically) and returns its path. */
export function writeResult(name: string, payload: Record<string, unknown>): string {
  const dir = join(repoRoot(), "bench", "results");
  mkdirSync(dir, { recursive: true });
  const date = new Date();
  const file = join(dir, `${name}-${date.toISOString().replace(/[:.]/g, "-")}.json`);
  const body = { benchmark: name, date: date.toISOString(), machine: machine(), loadAverage: loadavg(),
    zendl: zendlVersion(), ...payload };
  writeFileSync(file + ".tmp", JSON.stringify(body, null, 2) + "\n");
  renameSync(file + ".tmp", file);
  return file;
}

function zendlVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version: string };
  let commit = "";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot(), encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch { /* not a git checkout */ }
  return commit ? `${pkg.version} (${commit}${dirty() ? ", uncommitted changes" : ""})` : pkg.version;
}

function dirty(): boolean {
  try {
    return execFileSync("git", ["status", "--porcelain"], { cwd: repoRoot(), encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
  } catch {
    return false;
  }
}

/**
 * Other work on the machine skews every figure (the 2-core VMs here can be shared), so each table
 * carries the load average it was measured under; above one per core the figures are noisy.
 */
export function loadLine(): string {
  const [oneMinute] = loadavg();
  const cores = cpus().length;
  return `load average (1 min) ${oneMinute.toFixed(2)}` + (oneMinute > cores
    ? ` > ${cores} cores: WARNING, other processes compete for the CPU, figures are noisy` : "");
}
