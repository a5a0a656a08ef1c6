import type { DType, TypedArray } from "../../core/dtype.js";
import { typedArrayFor } from "../../core/dtype.js";
import type { Storage, View } from "../backend.js";

/** Reference-backend storage: a plain typed array. */
export class JsStorage implements Storage {
  readonly backend = "js";
  constructor(readonly dtype: DType, readonly size: number, readonly data: TypedArray) {}
}

export function jsData(storage: Storage): TypedArray {
  if (!(storage instanceof JsStorage)) {
    throw new Error(`js backend: got a storage of backend "${storage.backend}"; move the tensor first`);
  }
  return storage.data;
}

export function allocJs(size: number, dtype: DType): JsStorage {
  return new JsStorage(dtype, size, typedArrayFor(dtype, size));
}

export function viewSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when the view walks its storage linearly from `offset`. */
export function isLinear(view: View): boolean {
  let expected = 1;
  for (let i = view.shape.length - 1; i >= 0; i--) {
    if (view.shape[i] !== 1 && view.strides[i] !== expected) return false;
    expected *= view.shape[i];
  }
  return true;
}

/** Storage offset of every element of a view, in row-major order. */
export function offsetsOf(view: View): Int32Array {
  const { shape, strides } = view;
  const n = viewSize(shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  if (isLinear(view)) {
    for (let i = 0; i < n; i++) out[i] = view.offset + i;
    return out;
  }
  const nd = shape.length;
  const last = nd - 1;
  const lastSize = shape[last], lastStride = strides[last];
  const idx = new Array<number>(nd).fill(0);
  let off = view.offset;
  let k = 0;
  for (;;) {
    for (let j = 0; j < lastSize; j++) out[k++] = off + j * lastStride;
    let d = last - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return out;
  }
}

/** Calls `visit` with each coordinate of `shape` in row-major order (the array is reused). */
export function forEachCoord(shape: readonly number[],
  visit: (coord: number[], linear: number) => void): void {
  const n = viewSize(shape);
  const nd = shape.length;
  const coord = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    visit(coord, k);
    for (let d = nd - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
}

export function permuteView(view: View, order: readonly number[]): View {
  return {
    storage: view.storage,
    shape: order.map((i) => view.shape[i]),
    strides: order.map((i) => view.strides[i]),
    offset: view.offset,
  };
}
