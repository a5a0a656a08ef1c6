// ReLU's backward in one pass (core/ops/relu-grad.ts): out = x <= 0 ? 0 : grad, a NaN x passing grad.
import type { Storage, View } from "../backend.js";
import type { Launcher } from "./launcher.js";
import { bindings, groupsFor, isLinear, perElement, prelude } from "./wgsl-common.js";

/** Params: n, grad offset, x offset. Bindings: out, grad, x (both contiguous). */
function reluBackwardSource(): string {
  return prelude() + bindings([["O", "f32", true], ["G", "f32", false], ["X", "f32", false]]) + perElement(`
  let x = X[P[2] + i];
  O[i] = select(G[P[1] + i], 0.0, x <= 0.0 && !isnan_(x));`);
}

/** The kernel on float32 views that are each one run of their storage; false for anything else. */
export function reluBackward(gpu: Launcher, grad: View, x: View, out: Storage): boolean {
  const o = gpu.own(out, "reluBackward"), g = gpu.own(grad.storage, "reluBackward");
  const s = gpu.own(x.storage, "reluBackward");
  const float32 = g.dtype === "float32" && s.dtype === "float32" && o.dtype === "float32";
  if (!float32 || !isLinear(grad) || !isLinear(x)) return false;
  const n = x.shape.reduce((a, b) => a * b, 1);
  if (n > 0) gpu.run(reluBackwardSource(), o, [g, s], [n, grad.offset, x.offset], groupsFor(n));
  return true;
}
