/**
 * Host copies of small integer storages. A browser cannot read a GPU buffer synchronously, yet the
 * library checks class targets and indices on the host before it runs a kernel (so a bad label is an
 * error before any state changes, not a silently wrong loss). Those integers nearly always come from
 * the host: labels parsed from a file, batch indices from a shuffle, and row selections of either. So
 * an int32 storage written whole from the host keeps that copy, `indexSelect` and `copy` of such
 * storages compute the copy of their result too, and a read is then answered from it. Any other kernel
 * that writes the storage drops the copy (Launcher.run clears it on its output; the only kernels that
 * write an input binding, the optimizer steps, write float storages, which never have one).
 */
import type { TypedArray } from "../../core/dtype.js";
import type { View } from "../backend.js";
import type { GpuStorage } from "./storage.js";
import { isLinear } from "./wgsl-common.js";

/** Largest storage (elements) that keeps a host copy: label and index tensors, not data sets. */
export const HOST_COPY_LIMIT = 1 << 20;

/** After a write from the host: keep a copy when it covers a small int32 storage whole, else drop it. */
export function noteHostWrite(s: GpuStorage, data: Int32Array | Float32Array, offset: number): void {
  s.host = s.dtype === "int32" && offset === 0 && data.length === s.size && s.size <= HOST_COPY_LIMIT
    ? Int32Array.from(data) : null;
}

/** A view's elements in row-major order from its storage's host copy (a new array), or null. */
export function readHostCopy(view: View): TypedArray | null {
  const values = hostValues(view);
  return values !== null && isLinear(view) ? values.slice() : values;
}

/**
 * A view's elements in row-major order from its storage's host copy, or null when it has none: the copy
 * itself (a subarray, not to be modified) when the view is one run of it, else a gathered array.
 */
function hostValues(view: View): Int32Array | null {
  const host = (view.storage as GpuStorage).host;
  if (!host) return null;
  const { shape, strides, offset } = view;
  const n = shape.reduce((a, b) => a * b, 1);
  if (isLinear(view)) return host.subarray(offset, offset + n);
  const out = new Int32Array(n);
  const position = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < n; i++) {
    out[i] = host[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++position[d] < shape[d]) { at += strides[d]; break; }
      at -= strides[d] * (shape[d] - 1);
      position[d] = 0;
    }
  }
  return out;
}

/** `out` = x's view copied: its host copy follows when x has one. */
export function copyHostCopy(x: View, out: GpuStorage, outOffset: number): void {
  const values = readHostCopy(x);   // a copy: the two storages' host copies must not share memory
  if (values === null || out.dtype !== "int32" || outOffset !== 0 || values.length !== out.size) return;
  out.host = values as Int32Array;
}

/** `out` = x's rows (along `dim`) picked by `index`: its host copy, when both operands have one. */
export function indexSelectHostCopy(x: View, dim: number, index: View, out: GpuStorage): void {
  const values = hostValues(x), picks = hostValues(index);
  if (values === null || picks === null || out.dtype !== "int32") return;
  const outer = x.shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const rows = x.shape[dim], n = outer * picks.length * inner;
  if (n !== out.size) return;
  const result = new Int32Array(n);
  for (let o = 0, k = 0; o < outer; o++) {
    for (let r = 0; r < picks.length; r++, k += inner) {
      const row = picks[r];
      if (row < 0 || row >= rows) return;   // the kernel's result is not defined there: keep no copy
      result.set(values.subarray((o * rows + row) * inner, (o * rows + row + 1) * inner), k);
    }
  }
  out.host = result;
}
