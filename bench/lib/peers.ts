/**
 * Running peers from the same `npm run bench`: Python scripts under bench/peers/ (numpy, PyTorch) and
 * TensorFlow.js. A peer that is not installed is "not available" with a reason, never a failure.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type * as TfModule from "@tensorflow/tfjs";
import { repoRoot } from "./env.js";

export type Tfjs = typeof TfModule;

export type PeerOutcome<T> = { available: true; value: T } | { available: false; reason: string };

export const PYTHON = process.env.ZENDL_BENCH_PYTHON ?? "/usr/bin/python3";

// OpenBLAS's generic x86 kernels: what its detection falls back to on a CPU it does not know
const FALLBACK_KERNELS = new Set(["prescott", "core2", "penryn", "dunnington", "nehalem", "katmai",
  "coppermine", "northwood", "banias", "atom", "generic"]);
let coreType: { value: string | undefined; note: string } | null = null;

/**
 * The OPENBLAS_CORETYPE the Python peers run with, and a note saying why. Unset, so OpenBLAS detects
 * the CPU (a machine that forces it may pin AVX2 kernels on an AVX-512 CPU); but where its detection
 * does not know the CPU and falls back to generic SSE3 kernels (OpenBLAS 0.3.21 on a Xeon of model
 * 207 chose Prescott: 30 GFLOPS against 140 with SkylakeX), the kernel the CPU's flags allow.
 */
export function openblasCoreType(): { value: string | undefined; note: string } {
  if (coreType) return coreType;
  let detected = "?";
  try {
    detected = execFileSync(PYTHON, ["-c", "import numpy, threadpoolctl; print([i.get('architecture') " +
      "for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'][0])"], {
      encoding: "utf8", env: { ...process.env, OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined },
      stdio: ["ignore", "pipe", "ignore"], timeout: 60_000,
    }).trim();
  } catch { /* no numpy or threadpoolctl: leave it unset */ }
  const flags = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const best = /\bavx512f\b/.test(flags) ? "SkylakeX" : /\bavx2\b/.test(flags) ? "Haswell" : undefined;
  coreType = FALLBACK_KERNELS.has(detected.toLowerCase()) && best
    ? { value: best, note: `OPENBLAS_CORETYPE=${best} (OpenBLAS detected ${detected}, a generic fallback)` }
    : { value: undefined, note: `OPENBLAS_CORETYPE unset (OpenBLAS detects ${detected})` };
  return coreType;
}

/**
 * Runs bench/peers/<script> and parses the JSON object each stdout line holds. A line
 * `{"unavailable": "why"}` (the script's import failed) makes the peer unavailable.
 */
export function runPython<T>(script: string, args: readonly string[],
  env: Record<string, string | undefined> = {}, timeoutSeconds = 300): PeerOutcome<T[]> {
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} not found` };
  let out: string;
  try {
    out = execFileSync(PYTHON, [join(repoRoot(), "bench", "peers", script), ...args], {
      encoding: "utf8", timeout: timeoutSeconds * 1000,
      // a machine that forces OpenBLAS's core type and L2 size (AVX2 kernels on an AVX-512 CPU) would
      // slow every peer that uses it (numpy, Debian's PyTorch): in the peers' commands only, L2 unset
      // and the core type as openblasCoreType() finds best
      env: { ...process.env, OPENBLAS_CORETYPE: openblasCoreType().value, OPENBLAS_L2_SIZE: undefined,
        ...env },
      stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 2 ** 20,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    const last = stderr.trim().split("\n").at(-1) ?? (error instanceof Error ? error.message : String(error));
    return { available: false, reason: `${script} failed: ${last}` };
  }
  const rows = out.trim().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
  const missing = rows.find((row) => typeof row.unavailable === "string");
  if (missing) return { available: false, reason: missing.unavailable as string };
  return { available: true, value: rows as T[] };
}

let tfjs: Promise<PeerOutcome<Tfjs>> | null = null;

/**
 * TensorFlow.js with `backend` active ("wasm": its SIMD binary, one thread in Node; "cpu": plain JS).
 * Production mode: no debug checks, and no banner asking for tfjs-node.
 */
export async function loadTfjs(backend: "wasm" | "cpu"): Promise<PeerOutcome<Tfjs>> {
  tfjs ??= (async (): Promise<PeerOutcome<Tfjs>> => {
    try {
      const tf = await import("@tensorflow/tfjs");
      tf.enableProdMode();
      return { available: true, value: tf };
    } catch (error) {
      const reason = String(error).split("\n")[0];
      return { available: false, reason: `@tensorflow/tfjs is not installed (${reason})` };
    }
  })();
  const loaded = await tfjs;
  if (!loaded.available) return loaded;
  const tf = loaded.value;
  if (backend === "wasm") {
    try {
      await import("@tensorflow/tfjs-backend-wasm");
    } catch (error) {
      const reason = String(error).split("\n")[0];
      return { available: false, reason: `@tensorflow/tfjs-backend-wasm is not installed (${reason})` };
    }
  }
  try {
    if (!(await tf.setBackend(backend))) {
      return { available: false, reason: `tfjs backend ${backend} failed to start` };
    }
  } catch (error) {
    return { available: false, reason: `tfjs backend ${backend}: ${String(error)}` };
  }
  await tf.ready();
  return loaded;
}

/** How tfjs-wasm runs here: SIMD and threads as the backend detected them. */
export function tfjsWasmFeatures(tf: Tfjs): string {
  const env = tf.env();
  const flag = (name: string): string => { try { return String(env.getBool(name)); } catch { return "?"; } };
  return `SIMD ${flag("WASM_HAS_SIMD_SUPPORT")}, threads ${flag("WASM_HAS_MULTITHREAD_SUPPORT")}`;
}
