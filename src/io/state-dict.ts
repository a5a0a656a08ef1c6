/**
 * State dicts to and from safetensors bytes: PyTorch names and layouts, so files load in
 * `safetensors.torch.load_file` and PyTorch-written files load here.
 */
import { fromFlat } from "../core/creation.js";
import { Tensor } from "../core/tensor.js";
import type { StateDict } from "../nn/module.js";
import { decodeSafetensors, encodeSafetensors, type RawTensor } from "./safetensors.js";

/** Raw contiguous copies of the tensors, ready for `encodeSafetensors`. */
export function toRawTensors(stateDict: StateDict, op = "save"): Map<string, RawTensor> {
  if (!(stateDict instanceof Map)) {
    throw new Error(`${op}: expected a Module or a StateDict (Map of tensors)`);
  }
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of stateDict) {
    if (typeof name !== "string") {
      throw new Error(`${op}: state dict keys must be strings, got ${typeof name}`);
    }
    if (!(t instanceof Tensor)) throw new Error(`${op}: state dict entry "${name}" is not a Tensor`);
    raw.set(name, { dtype: t.dtype, shape: [...t.shape], data: t.dataSync() });
  }
  return raw;
}

/** Tensors (on the active backend) from decoded raw arrays, in file order. */
export function fromRawTensors(raw: Map<string, RawTensor>): StateDict {
  const out: StateDict = new Map();
  for (const [name, r] of raw) out.set(name, fromFlat(r.data, r.shape, r.dtype));
  return out;
}

/** safetensors bytes for `stateDict` with `metadata` in the header. */
export function encodeStateDict(stateDict: StateDict, metadata: Record<string, string>): Uint8Array {
  return encodeSafetensors(toRawTensors(stateDict), metadata);
}

/** The state dict and metadata in safetensors bytes; `source` names the file in errors. */
export function decodeStateDict(bytes: Uint8Array, source?: string): {
  stateDict: StateDict; metadata: Record<string, string>;
} {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  return { stateDict: fromRawTensors(tensors), metadata };
}
