/**
 * The browser implementation of `#platform` (types.ts): Web Workers, `navigator`, the console. There
 * are no files: the methods that need them throw an error that says what to pass instead.
 */
import { directExecutor, openDevice } from "../backend/webgpu/device.js";
import type { Gpu } from "../backend/webgpu/gpu-types.js";
import type { WorkerInit } from "../backend/wasm/worker-protocol.js";
import type { Platform, PoolWorker, TextSink, WorkerScript } from "./types.js";

interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  document?: unknown;
  navigator?: { hardwareConcurrency?: number };
  postMessage?: (message: unknown) => void;
  addEventListener?: (type: "message", listener: (event: MessageEvent) => void, options?: object) => void;
}
const scope = globalThis as unknown as BrowserGlobals;

function noFiles(what: string): never {
  throw new Error(`${what}: there is no file system in a browser; pass the bytes (an ArrayBuffer or ` +
    "Uint8Array, for example from `await (await fetch(url)).arrayBuffer()`) or use the URL-taking form");
}

function spawnWorker(script: WorkerScript, init: WorkerInit): PoolWorker {
  const worker = script.web();
  const started = new Promise<void>((done) => {
    worker.addEventListener("message", () => done(), { once: true });
    worker.addEventListener("error", () => done(), { once: true });
  });
  worker.postMessage(init);
  return { started, ref: () => undefined, unref: () => undefined };
}

const consoleSink: TextSink = {
  write: (text: string) => console.log(text.replace(/\n$/, "")),
  isTTY: false,
};

export const platform: Platform = {
  async openWebGpu() {
    const gpu = (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
    const { device, adapter } = await openDevice(gpu, "browser");
    return directExecutor(device, adapter);
  },
  name: "browser",
  // Chromium throws on Atomics.wait on a page's main thread (the one with a document); workers may block
  canBlock: scope.document === undefined,
  hardwareConcurrency: () => Math.max(1, scope.navigator?.hardwareConcurrency ?? 1),
  // without cross-origin isolation a shared memory cannot be posted to a worker (DataCloneError)
  threadsSupported: () => scope.crossOriginIsolated === true && typeof SharedArrayBuffer === "function" &&
    typeof Worker === "function",
  spawnWorker,
  receiveWorkerInit: () => new Promise((done) => {
    scope.addEventListener?.("message", (event) => {
      done({ init: event.data as WorkerInit, ready: () => scope.postMessage?.("ready") });
    }, { once: true });
  }),
  readKernelSync: () => null,
  enableRelaxedSimd: () => undefined,
  collectionHooks: () => ({ registry: null, gc: null }),
  env: () => undefined,
  stderr: () => consoleSink,
  readFileSync: (path) => noFiles(`reading "${path}"`),
  readFile: async (path) => noFiles(`reading "${path}"`),
  writeFileAtomicSync: (path) => noFiles(`writing "${path}"`),
  writeFileAtomic: async (path) => noFiles(`writing "${path}"`),
  exists: () => false,
  joinPath: (...parts) => parts.join("/"),
  resolvePath: (...parts) => parts.join("/"),
  packageDataPath: (name) => noFiles(`the bundled data file data/${name}`),
  gunzipSync: () => {
    throw new Error("gzip: a browser has no synchronous gunzip; decompress first (for example with " +
      "`new Response(blob.stream().pipeThrough(new DecompressionStream(\"gzip\"))).arrayBuffer()`)");
  },
  deflateSync: () => null,
};
