import { platform } from "#platform";

export type KernelVariant = "relaxed" | "simd";

export interface LoadedKernels {
  module: WebAssembly.Module;
  variant: KernelVariant;
}

/**
 * Where the kernels come from, for `zd.ready({ kernels })`: a URL of one `.wasm` file, a URL ending in
 * "/" of the folder holding both binaries, the bytes of one binary, or a compiled module.
 */
export type KernelSource = string | URL | BufferSource | WebAssembly.Module;

const FILES: Record<KernelVariant, string> = { relaxed: "zendl-relaxed.wasm", simd: "zendl-simd.wasm" };

/**
 * Thrown by the wasm backend in a browser before `await zd.ready()` has fetched the kernels.
 * @example try { zd.zeros([2]); } catch (e) { if (e instanceof zd.KernelsNotReadyError) await zd.ready(); }
 */
export class KernelsNotReadyError extends Error {
  constructor() {
    super("zendl: the WebAssembly kernels are not loaded yet. In a browser, call `await zd.ready()` once " +
      "before creating tensors (it fetches and compiles them; see docs/browser.md), or choose the " +
      "reference backend with zd.setBackend(\"js\").");
    this.name = "KernelsNotReadyError";
  }
}

let prepared: LoadedKernels | null = null;

/**
 * The kernel binaries' default URLs. Written as `new URL("literal", import.meta.url)` so Vite and webpack
 * copy the files into their output; from dist/src/backend/wasm they are in dist/kernels. The prebuilt
 * bundle (dist/browser) replaces this module with one pointing beside itself (tools/build-browser.mjs).
 */
export function defaultKernelUrl(variant: KernelVariant): URL {
  return variant === "relaxed"
    ? new URL("../../../kernels/zendl-relaxed.wasm", import.meta.url)
    : new URL("../../../kernels/zendl-simd.wasm", import.meta.url);
}

async function compileFrom(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`wasm backend: fetching the kernels from ${url.href} failed: HTTP ${response.status}; ` +
      "pass their location with zd.ready({ kernels: url })");
  }
  // compileStreaming needs the application/wasm type; a server without it still gets a compile
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith("application/wasm")) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Relaxed SIMD when the engine validates it (probed with the real binary), plain SIMD otherwise. */
async function fetchBest(base: URL | null): Promise<LoadedKernels> {
  const url = (variant: KernelVariant): URL =>
    (base ? new URL(FILES[variant], base) : defaultKernelUrl(variant));
  try {
    return { module: await compileFrom(url("relaxed")), variant: "relaxed" };
  } catch (error) {
    if (error instanceof Error && error.message.includes("fetching")) throw error;
    return { module: await compileFrom(url("simd")), variant: "simd" };
  }
}

/** Supplied kernels are labelled by name only: the variant is informational (backend.variant). */
function variantOf(name: string): KernelVariant {
  return name.includes("relaxed") ? "relaxed" : "simd";
}

/**
 * Fetches and compiles the kernels (browsers: `fetch` + `WebAssembly.compileStreaming`, relative to this
 * module unless `source` says otherwise) so that the wasm backend can start synchronously afterwards.
 * Node reads them from disk on first use and needs no call. Idempotent once it succeeded.
 */
export async function prepareKernels(source?: KernelSource): Promise<void> {
  if (source === undefined) {
    if (prepared !== null || platform.name === "node") return;
    prepared = await fetchBest(null);
    return;
  }
  if (source instanceof WebAssembly.Module) {
    prepared = { module: source, variant: "simd" };
  } else if (typeof source === "string" || source instanceof URL) {
    const base = typeof globalThis.location === "object" ? globalThis.location.href : undefined;
    const url = new URL(source, base);
    prepared = url.pathname.endsWith("/") ? await fetchBest(url)
      : { module: await compileFrom(url), variant: variantOf(url.pathname) };
  } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const module = await WebAssembly.compile(source);
    prepared = { module, variant: "simd" };
  } else {
    throw new Error("zd.ready: options.kernels must be a URL (of a .wasm file, or of a folder ending in " +
      `"/"), the bytes of a kernel binary, or a WebAssembly.Module; got ${typeof source}`);
  }
}

/**
 * The compiled kernels, synchronously: those `prepareKernels` fetched, else (Node) read from disk,
 * preferring the relaxed-SIMD binary when the engine validates it.
 */
export function loadKernels(prefer: KernelVariant = "relaxed"): LoadedKernels {
  if (prepared !== null && (prefer === prepared.variant || prefer === "relaxed")) return prepared;
  if (prefer === "relaxed") {
    const bytes = platform.readKernelSync(FILES.relaxed);
    if (bytes === null) throw new KernelsNotReadyError();
    if (!WebAssembly.validate(bytes)) platform.enableRelaxedSimd();
    if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), variant: "relaxed" };
  }
  const bytes = platform.readKernelSync(FILES.simd);
  if (bytes === null) throw new KernelsNotReadyError();
  if (!WebAssembly.validate(bytes)) throw new Error("wasm backend: this engine cannot run WebAssembly SIMD");
  return { module: new WebAssembly.Module(bytes), variant: "simd" };
}
