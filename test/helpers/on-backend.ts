// Running a test body on each backend: the reference (js), the fast one (wasm) and, where its kernels
// were built and ZENDL_NATIVE is not 0, native; the contract test sets ZENDL_TEST_BACKENDS=required to
// run the same bodies on the required-only backend, the WebGPU cases (test/webgpu/cases) to webgpu.
import * as zd from "../../src/index.js";
import { loadNativeAddon } from "../../src/node/native-addon.js";

const fromEnv = typeof process !== "undefined" ? process.env.ZENDL_TEST_BACKENDS : undefined;
const native = loadNativeAddon().addon ? ["native"] : [];
export const BACKENDS: readonly string[] = fromEnv ? fromEnv.split(",") : [...native, "wasm", "js"];

/** Runs `fn` with `backend` active, restoring the previous one (also when it throws). */
export function onBackend<T>(backend: string, fn: () => T): T {
  const previous = zd.getBackend();
  zd.setBackend(backend);
  try {
    return fn();
  } finally {
    zd.setBackend(previous);
  }
}

/** Backends without float64 tensors: WebGPU (WGSL has no 64-bit floats). */
export const WITHOUT_FLOAT64: ReadonlySet<string> = new Set(["webgpu"]);

/**
 * Runs a body that needs float64 tensors (a gradcheck, a float64 layer) on the default backend when
 * that has float64, else on the reference backend: a test file run with webgpu as the default keeps its
 * float64 checks, on the CPU, and the float32 ones run on webgpu.
 */
export function onFloat64Backend<T>(fn: () => T): T {
  return WITHOUT_FLOAT64.has(zd.getBackend()) ? onBackend("js", fn) : fn();
}
