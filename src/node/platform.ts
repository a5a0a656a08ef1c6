/**
 * The Node implementation of `#platform` (src/platform/types.ts): files, gzip, worker_threads and the
 * V8 hooks. Everything here is Node-only, which is why the core reaches it only through `#platform`.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker, parentPort, workerData } from "node:worker_threads";
import { deflateSync, gunzipSync } from "node:zlib";
import { MAX_GUNZIP_BYTES } from "../platform/limits.js";
import { readSafetensorsFile } from "./safetensors-file.js";
import {
  listCheckpoints, readCheckpoint, removeCheckpointDir, writeCheckpointDir,
} from "./checkpoint-dir.js";
import type { WorkerInit } from "../backend/wasm/worker-protocol.js";
import type {
  CollectionHooks, Platform, PoolWorker, TextSink, WorkerScript,
} from "../platform/types.js";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic-write.js";
import { loadNativeAddon } from "./native-addon.js";

/**
 * The package's folder holding `sub/name`: walks up from this module to a directory with package.json,
 * so it works from `src/` under a TypeScript loader, from `dist/src/` and from `node_modules/zendl`.
 */
function packageFile(sub: string, name: string): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    for (const candidate of [join(dir, sub, name), join(dir, "dist", sub, name)]) {
      if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return null;
  }
}

let relaxedFlagSet = false;

/**
 * FinalizationRegistry callbacks only run when the event loop turns, and a training loop written as a
 * plain `for` never lets it. V8 has `FinalizationRegistry.prototype.cleanupSome` behind a flag that
 * only new contexts honour, so the registry is made in a fresh `vm` context (as the `gc` function is).
 */
function flaggedContext(): CollectionHooks {
  const exposed = (globalThis as { gc?: unknown }).gc;
  try {
    setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    if (typeof exposed !== "function") setFlagsFromString("--expose-gc");
    const { registry, gc } = runInNewContext("({ registry: FinalizationRegistry, gc: globalThis.gc })") as
      { registry: unknown; gc: unknown };
    const usable = typeof registry === "function" &&
      "cleanupSome" in (registry as { prototype: object }).prototype;
    const collector = typeof exposed === "function" ? exposed : typeof gc === "function" ? gc : null;
    return { registry: usable ? (registry as CollectionHooks["registry"]) : null,
      gc: collector as (() => void) | null };
  } catch {
    return { registry: null, gc: typeof exposed === "function" ? (exposed as () => void) : null };
  }
}

const WORKER_URL = new URL("../backend/wasm/worker.js", import.meta.url);

function spawnWorker(_script: WorkerScript, init: WorkerInit): PoolWorker {
  // no execArgv: the parent's (`--input-type`, `-e`, loaders) would break a plain worker script
  const worker = new Worker(WORKER_URL, { workerData: init, execArgv: [] });
  worker.unref();
  const started = new Promise<void>((done) => {
    worker.once("message", () => done());
    worker.on("error", () => done());
    worker.once("exit", () => done());
  });
  return { started, ref: () => worker.ref(), unref: () => worker.unref() };
}

export const platform: Platform = {
  name: "node",
  canBlock: true,
  hardwareConcurrency: () => availableParallelism(),
  threadsSupported: () => typeof SharedArrayBuffer === "function",
  spawnWorker,
  receiveWorkerInit: async () => ({
    init: workerData as WorkerInit, ready: () => parentPort?.postMessage("ready"),
  }),
  readKernelSync(file) {
    const path = packageFile("kernels", file);
    if (path === null) throw new Error(`wasm backend: kernel binary ${file} not found; run "npm run build"`);
    return new Uint8Array(readFileSync(path));
  },
  enableRelaxedSimd() {
    if (relaxedFlagSet) return;
    // Node 20's V8 validates relaxed SIMD only behind a flag that NODE_OPTIONS refuses
    setFlagsFromString("--experimental-wasm-relaxed-simd");
    relaxedFlagSet = true;
  },
  collectionHooks: () => (process.versions?.v8 ? flaggedContext() : { registry: null, gc: null }),
  env: (name) => process.env[name],
  stderr: () => process.stderr,
  readFileSync: (path) => readFileSync(path),
  readFile: (path) => readFile(path),
  writeFileAtomicSync,
  writeFileAtomic,
  exists: (path) => existsSync(path),
  joinPath: (...parts) => join(...parts),
  resolvePath: (...parts) => resolve(...parts),
  packageDataPath(name) {
    const path = packageFile("data", name);
    if (path !== null) return path;
    throw new Error(`zendl: the bundled data file data/${name} was not found in any package directory ` +
      `above ${dirname(fileURLToPath(import.meta.url))}; ` +
      "the installation looks incomplete (the package's \"files\" must include data/)");
  },
  // a corrupt or hostile stream fails at the limit instead of exhausting memory
  readSafetensorsFile,
  loadNativeKernels: loadNativeAddon,
  // loaded only when asked for: the worker imports the optional "webgpu" package
  openWebGpu: async () => (await import("./webgpu-executor.js")).nodeWebGpuExecutor(),
  checkpoints: {
    write: writeCheckpointDir, remove: removeCheckpointDir, list: listCheckpoints, read: readCheckpoint,
  },
  gunzipSync: (bytes) => gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP_BYTES }),
  deflateSync: (bytes) => deflateSync(bytes),
};
