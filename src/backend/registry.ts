import type { Backend } from "./backend.js";
import { JsBackend } from "./js/backend.js";

const backends = new Map<string, Backend>([["js", new JsBackend()]]);
let active: Backend = backends.get("js") as Backend;

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Selects the backend new tensors are created on. */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (!backend) {
    throw new Error(`setBackend: unknown backend "${name}"; available: ${[...backends.keys()].join(", ")}`);
  }
  active = backend;
}

/** Name of the active backend. */
export function getBackend(): string {
  return active.name;
}

export function activeBackend(): Backend {
  return active;
}

export function backendByName(name: string): Backend {
  const backend = backends.get(name);
  if (!backend) throw new Error(`no backend named "${name}" is registered`);
  return backend;
}
