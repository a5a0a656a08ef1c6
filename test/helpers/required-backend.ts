// A backend with only the required primitives: the reference backend behind a wrapper that exposes
// nothing else, so every optional kernel takes its composite fallback. The contract test runs the op
// table, the layer fixtures and real training on it.
import * as zd from "../../src/index.js";
import { REQUIRED_PRIMITIVES, type Backend, type RequiredPrimitives } from "../../src/backend/backend.js";
import { JsBackend } from "../../src/backend/js/backend.js";

export const REQUIRED_ONLY = "required";

/** An object with the required primitives of `inner` and nothing else, under the name "required". */
export function requiredOnly(inner: RequiredPrimitives = new JsBackend()): Backend {
  const backend: Record<string, unknown> = { name: REQUIRED_ONLY };
  for (const key of REQUIRED_PRIMITIVES) {
    const method = inner[key] as (...args: unknown[]) => unknown;
    backend[key] = (...args: unknown[]) => method.apply(inner, args);
  }
  return backend as unknown as Backend;
}

let registered = false;

/** Makes "required" available to `zd.setBackend` (once per process). */
export function registerRequiredOnly(): void {
  if (registered) return;
  zd.registerBackend(requiredOnly());
  registered = true;
}
