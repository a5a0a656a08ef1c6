// Running a test body on each backend: the reference (js), the fast one (wasm) and, where its kernels
// were built and ZENDL_NATIVE is not 0, native; the contract test sets ZENDL_TEST_BACKENDS=required to
// run the same bodies on the required-only backend.
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
