import { backendByName } from "../backend/registry.js";
import { fromFlat } from "./creation.js";
import type { Tensor } from "./tensor.js";

/**
 * Throws when the tensors of one op live on backends whose kernels cannot read each other's storages,
 * naming both and the way out. The CPU backends' kernels read one another's memory (the wasm backend
 * runs the reference kernel on JS storages), so only a GPU storage on one side is an error.
 */
export function checkSameBackend(op: string, ...tensors: Tensor[]): void {
  const first = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== first && (onGpu(t) || onGpu(tensors[0]))) {
      throw new Error(`${op}: tensors on different backends ("${first.name}" and "${t.backend.name}"); ` +
        `move one with t.to("${first.name}") or t.to("${t.backend.name}")`);
    }
  }
}

/**
 * A copy of `t` on the backend `name` (outside the autograd graph, like `detach`): the same shape,
 * dtype and values. The tensor itself when it is there already. From "webgpu" in a browser, where a
 * GPU buffer cannot be read synchronously, read it with `await t.data()` and create the tensor instead.
 */
export function toBackend(t: Tensor, name: string): Tensor {
  let target;
  try {
    target = backendByName(name);
  } catch (error) {
    throw new Error(`to: "${name}" is neither a dtype (float32, float64, int32) nor a usable backend: ` +
      (error as Error).message);
  }
  if (target === t.backend) return t;
  return fromFlat(t.dataSync(), t.shape, t.dtype, target);
}

function onGpu(t: Tensor): boolean {
  return t._ref.storage.backend === "webgpu";
}
