/**
 * What the library needs from the JavaScript host it runs on. The core imports one implementation as
 * `#platform` (package.json `imports`): Node resolves it to src/node/platform.ts (files, gzip,
 * worker_threads, V8 hooks), browsers and bundlers with the `browser` condition to
 * src/platform/browser.ts, so nothing the core reaches imports a Node built-in in a browser build.
 */
import type { GpuExecutor } from "../backend/webgpu/protocol.js";
import type { WorkerInit } from "../backend/wasm/worker-protocol.js";
import type { SafetensorsContents } from "../io/safetensors-format.js";
import type { NativeLoad } from "../backend/native/addon.js";

/** A worker thread of the kernel pool, as the pool sees it on either host. */
export interface PoolWorker {
  /** Resolves once the worker has instantiated the kernels (or failed to: the pool then runs without it). */
  readonly started: Promise<void>;
  /** Lets (or stops) an idle worker keep the process alive; a no-op in browsers. */
  ref(): void;
  unref(): void;
}

/**
 * The pool's worker script as a browser starts it. Node finds worker.js itself (src/node/platform.ts): a
 * second `new URL("./worker.js", import.meta.url)` in the core would make webpack emit the worker's
 * unbundled source as an asset too.
 */
export interface WorkerScript {
  web(): Worker;
}

/** Engine hooks for collecting tensors inside synchronous code (core/finalizer.ts); null where missing. */
export interface CollectionHooks {
  registry: (new <T>(cleanup: (held: T) => void) => FinalizationRegistry<T> & { cleanupSome?(): void })
    | null;
  gc: (() => void) | null;
}

/** Where progress lines go: Node's stderr, or the console in a browser. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Checkpoint folders on disk (Node): what `ModelCheckpoint` writes and `fit({ resumeFrom })` reads. */
export interface CheckpointStore {
  /** Writes `files` as the folder `root/name` atomically; returns its path. */
  write(root: string, name: string, files: Map<string, Uint8Array>): string;
  remove(path: string): void;
  list(root: string): { name: string; path: string; step: number }[];
  /** A checkpoint folder, or the newest valid one in a folder of them, verified against its manifest. */
  read(path: string): { path: string; files: Map<string, Uint8Array> };
}

export interface Platform {
  readonly name: "node" | "browser";
  /** True where this thread may block in `Atomics.wait` (not a browser page's main thread). */
  readonly canBlock: boolean;
  /** Logical CPUs available, the default thread count. */
  hardwareConcurrency(): number;
  /** True where workers can share memory (worker threads, or a cross-origin-isolated page). */
  threadsSupported(): boolean;
  /**
   * Starts a pool worker and hands it `init`: Node runs backend/wasm/worker.js in a worker thread,
   * browsers call `script.web()`, which constructs the module Web Worker.
   */
  spawnWorker(script: WorkerScript, init: WorkerInit): PoolWorker;
  /** Called once inside a pool worker: delivers its init message and returns how to say "ready". */
  receiveWorkerInit(): Promise<{ init: WorkerInit; ready(): void }>;
  /** The kernel binary `file` read synchronously (Node), or null where only `fetch` can get it. */
  readKernelSync(file: string): Uint8Array<ArrayBuffer> | null;
  /** Lets the engine validate relaxed SIMD where it needs a flag for it (Node 20's V8); else a no-op. */
  enableRelaxedSimd(): void;
  collectionHooks(): CollectionHooks;
  /** The native kernels (Node, where the build compiled them), or why there are none; missing elsewhere. */
  loadNativeKernels?(): NativeLoad;
  /** A handle on a WebGPU device (Node: a worker thread with Dawn; browsers: navigator.gpu),
    or throws why not. */
  openWebGpu(): Promise<GpuExecutor>;
  /** An environment variable, or undefined (browsers have none). */
  env(name: string): string | undefined;
  /** The host's diagnostic stream: stderr in Node, the console in a browser. */
  stderr(): TextSink;
  // ---- files: every method throws a clear error in a browser (pass bytes or a URL there) ----------
  readFileSync(path: string): Uint8Array;
  /**
   * A safetensors file's tensors (or, `headerOnly`, its metadata alone) read piece by piece, so a file is
   * never held in memory twice; where missing (browsers), callers read the bytes and decode them.
   */
  readSafetensorsFile?(path: string, options: { headerOnly?: boolean }): SafetensorsContents;
  /** Checkpoint folders; missing in browsers (pass checkpoint files as a Map there). */
  checkpoints?: CheckpointStore;
  readFile(path: string): Promise<Uint8Array>;
  /** Writes under a temporary name, fsyncs and renames, so a crash never leaves a partial file. */
  writeFileAtomicSync(path: string, bytes: Uint8Array | string): void;
  writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void>;
  exists(path: string): boolean;
  joinPath(...parts: string[]): string;
  resolvePath(...parts: string[]): string;
  /** Absolute path of `data/<name>` shipped in the zendl package. */
  packageDataPath(name: string): string;
  gunzipSync(bytes: Uint8Array): Uint8Array;
  /** zlib-wrapped deflate (RFC 1950), or null where the host has no synchronous compressor. */
  deflateSync(bytes: Uint8Array): Uint8Array | null;
}
