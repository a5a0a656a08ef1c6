import { platform } from "#platform";
import type { Backend } from "./backend.js";
import { JsBackend } from "./js/backend.js";
import { WasmBackend } from "./wasm/backend.js";
import { KernelsNotReadyError, prepareKernels, type KernelSource } from "./wasm/loader.js";
import { NativeBackend } from "./native/backend.js";
import type { NativeLoad } from "./native/addon.js";
import { WebGpuBackend } from "./webgpu/backend.js";

const backends = new Map<string, Backend>([["js", new JsBackend()]]);
/** The native kernels where the platform has them (Node, when the build compiled them). */
const nativeKernels = (): NativeLoad =>
  platform.loadNativeKernels?.() ?? { addon: null, isa: null, reason: "no native kernels on this platform" };
const factories = new Map<string, () => Backend>([["wasm", () => {
  const backend = new WasmBackend();
  if (memoryLimit !== null) backend.setMemoryLimit(memoryLimit);
  return backend;
}], ["native", () => {
  const { addon, isa, reason } = nativeKernels();
  if (!addon) throw new Error(`native backend unavailable: ${reason}`);
  const backend = new NativeBackend(addon, isa);
  if (memoryLimit !== null) backend.setMemoryLimit(memoryLimit);
  return backend;
}]]);
/** Backends whose setup is asynchronous (a GPU adapter and device): opened by `await setBackend(name)`. */
const openers = new Map<string, () => Promise<Backend>>([
  ["webgpu", async () => new WebGpuBackend(await platform.openWebGpu())],
]);
const opening = new Map<string, Promise<Backend>>();
let memoryLimit: number | null = null;
let active: Backend | null = null;
let fallbackReason: string | null = null;
let nativeError: string | null = null;

function instantiate(name: string): Backend | undefined {
  const existing = backends.get(name);
  if (existing) return existing;
  const factory = factories.get(name);
  if (!factory && openers.has(name)) {
    throw new Error(`backend "${name}" is set up asynchronously: \`await zd.setBackend("${name}")\` first`);
  }
  if (!factory) return undefined;
  const backend = factory();
  backends.set(name, backend);
  return backend;
}

/**
 * The default is `ZENDL_BACKEND` when set, else the native kernels in Node when they load, else the
 * WebAssembly backend; where WebAssembly SIMD is missing it quietly falls back to the reference
 * backend, and `backendFallbackReason()` says why.
 */
function defaultBackend(): Backend {
  const named = platform.env("ZENDL_BACKEND");
  if (!named && nativeKernels().addon) {
    try {
      return instantiate("native") as Backend;
    } catch (error) {
      nativeError = error instanceof Error ? error.message : String(error);
    }
  }
  const wanted = named || "wasm";
  try {
    const backend = instantiate(wanted);
    if (backend) return backend;
    fallbackReason = `ZENDL_BACKEND names an unknown backend "${wanted}"`;
  } catch (error) {
    // forgetting `await zd.ready()` in a browser must not pass silently as a slow backend
    if (error instanceof KernelsNotReadyError) throw error;
    fallbackReason = error instanceof Error ? error.message : String(error);
  }
  return backends.get("js") as Backend;
}

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/**
 * Selects the backend new tensors are created on: "native" (the default in Node where the native kernels
 * were built), "wasm" (the default elsewhere), "js" (the reference) or "webgpu". The CPU backends switch
 * at once (the returned promise is already settled); "webgpu" requests an adapter and a device the first
 * time, so await it: it rejects with the reason and what to try when there is no adapter.
 * @example
 * await zd.setBackend("webgpu");   // zd.getBackend() === "webgpu" from here on
 */
export function setBackend(name: string): Promise<void> {
  const opener = openers.get(name);
  if (opener && !backends.has(name)) {
    let pending = opening.get(name);
    if (!pending) {
      pending = opener().then((backend) => {
        backends.set(name, backend);
        return backend;
      }, (error: unknown) => {
        opening.delete(name);
        throw error;
      });
      opening.set(name, pending);
    }
    return pending.then((backend) => {
      active = backend;
    });
  }
  const backend = instantiate(name);
  if (!backend) {
    throw new Error(`setBackend: unknown backend "${name}"; available: ${[...new Set([...backends.keys(),
      ...factories.keys(), ...openers.keys()])].join(", ")}`);
  }
  active = backend;
  return Promise.resolve();
}

/**
 * @internal The backend `name`, opened if it must be (webgpu), without making it the active one.
 */
export async function openBackend(name: string): Promise<Backend> {
  const previous = active;
  try {
    await setBackend(name);
    return activeBackend();
  } finally {
    active = previous;
  }
}

/** @internal Runs `fn` with `backend` as the one new tensors are made on, then restores the active one. */
export function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = active;
  active = backend;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** Name of the active backend. */
export function getBackend(): string {
  return activeBackend().name;
}

export function activeBackend(): Backend {
  return (active ??= defaultBackend());
}

/** Why the default backend is not "wasm" (or "native"), or null. */
export function backendFallbackReason(): string | null {
  return fallbackReason;
}

/** What `backendInfo()` reports. */
export interface BackendInfo {
  /** The active backend's name. */
  backend: string;
  /** The native kernels: the instruction set in use, or null with the reason they are not loaded. */
  native: { isa: string | null; reason: string | null };
}

/**
 * The active backend, and whether the native kernels are in use: their instruction set ("avx512",
 * "avx2", "portable") or, when they are not loaded, one line saying why.
 * @example
 * zd.backendInfo(); // { backend: "native", native: { isa: "avx2", reason: null } }
 */
export function backendInfo(): BackendInfo {
  const backend = activeBackend().name;
  const { isa, reason } = nativeKernels();
  if (nativeError) return { backend, native: { isa: null, reason: nativeError } };
  return { backend, native: { isa, reason } };
}

export function backendByName(name: string): Backend {
  const backend = instantiate(name);
  if (!backend) throw new Error(`no backend named "${name}" is registered`);
  return backend;
}

/**
 * Sets the hard maximum of the WebAssembly heap in bytes (default 4 GiB). Under it, cold tensors are
 * moved out of the heap when memory runs short; an allocation that still cannot fit throws an
 * out-of-memory error naming the request. The heap never shrinks, so a limit below its current size
 * only stops it growing. The reference ("js") backend has no heap of its own and ignores it.
 * @example
 * zd.setMemoryLimit(512 * 2 ** 20);   // 512 MiB
 */
export function setMemoryLimit(bytes: number): void {
  WasmBackend.checkMemoryLimit(bytes);
  for (const name of ["wasm", "native"]) {
    const backend = backends.get(name);
    if (backend instanceof WasmBackend) backend.setMemoryLimit(bytes);
  }
  memoryLimit = bytes;
}

export interface ReadyOptions {
  /**
   * Where the WebAssembly kernels are, for pages that host them elsewhere: a URL of a `.wasm` file, a
   * URL ending in "/" of the folder holding `zendl-relaxed.wasm` and `zendl-simd.wasm`, their bytes, or
   * a compiled `WebAssembly.Module`. The default is beside the module (or the prebuilt bundle).
   */
  kernels?: KernelSource;
}

/**
 * Resolves when the active backend is fully up: for the WebAssembly backend, its kernels compiled
 * and its worker threads running. In a browser it is required once before the first tensor (it
 * fetches the kernels with `WebAssembly.compileStreaming`); forgetting it throws an error saying so.
 * In Node it is optional: the kernels compile synchronously at the first use of a tensor, and the
 * worker threads join as they become ready (until then kernels run on the calling thread). Await it
 * before timing code.
 * @example
 * await zd.ready();                                       // browser: kernels beside the module
 * await zd.ready({ kernels: "https://cdn.example/zendl/" });  // or hosted elsewhere
 */
export async function ready(options: ReadyOptions = {}): Promise<void> {
  if (typeof options !== "object" || options === null) {
    throw new Error(`ready: options must be an object such as { kernels: url }, got ${String(options)}`);
  }
  const wanted = active === null ? platform.env("ZENDL_BACKEND") || "wasm" : active.name;
  if (wanted === "wasm" || options.kernels !== undefined) await prepareKernels(options.kernels);
  await activeBackend().ready?.();
}
