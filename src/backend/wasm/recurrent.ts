import type { RecurrentStep, RecurrentStepGrad, View } from "../backend.js";
import type { KernelContext } from "./context.js";

/** Every view field of a step (or of its gradients) passed through `f`; null stays null. */
export function mapRecurrentViews<T extends RecurrentStep | RecurrentStepGrad>(step: T, f: (v: View) => View): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) {
    out[key] = value !== null && typeof value === "object" && "storage" in value ? f(value as View) : value;
  }
  return out as T;
}

export function fastRecurrentForward(_ctx: KernelContext, _step: RecurrentStep): boolean {
  return false;
}

export function fastRecurrentBackward(_ctx: KernelContext, _step: RecurrentStep, _grad: RecurrentStepGrad): boolean {
  return false;
}
