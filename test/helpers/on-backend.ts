// Running a test body on each backend: the reference (js) and the default fast one (wasm).
import * as zd from "../../src/index.js";

export const BACKENDS = ["wasm", "js"] as const;

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
