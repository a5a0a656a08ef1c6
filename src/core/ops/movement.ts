import { attach } from "../autograd.js";
import { full, scalarFor } from "../creation.js";
import { promoteTypes } from "../dtype.js";
import {
  broadcastStrides, checkShape, contiguousStrides, formatShape, normalizeAxes, normalizeAxis, shapeSize,
  shapesEqual,
} from "../shape.js";
import { Tensor, type TensorLike } from "../tensor.js";
import { sumToShape } from "./reduce.js";
import { checkTensor } from "./elementwise.js";

/** Resolves one -1 entry and checks the element count. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: expected a shape array, got ${String(shape)}`);
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) {
    throw new Error(`${op}: only one dimension can be -1, got ${formatShape(shape)}`);
  }
  if (unknown >= 0) {
    const known = shapeSize(out.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`${op}: cannot reshape a tensor of shape ${formatShape(x.shape)} ` +
        `(${x.size} elements) into ${formatShape(shape)}`);
    }
    out[unknown] = x.size / known;
  }
  checkShape(op, out);
  if (shapeSize(out) !== x.size) {
    throw new Error(`${op}: cannot reshape a tensor of shape ${formatShape(x.shape)} (${x.size} elements) ` +
      `into ${formatShape(shape)} (${shapeSize(out)} elements)`);
  }
  return out;
}

/** Contiguous copy in row-major order (no-op for contiguous tensors). */
export function contiguous(x: Tensor): Tensor {
  checkTensor("contiguous", x);
  if (x.isContiguous()) return x;
  return attach(copyOf(x), "contiguous", [x], (g) => [g]);
}

/** A fresh copy that stays in the graph. */
export function clone(x: Tensor): Tensor {
  checkTensor("clone", x);
  return attach(copyOf(x), "clone", [x], (g) => [g]);
}

function copyOf(x: Tensor): Tensor {
  const out = Tensor._empty(x.shape, x.dtype, x.backend);
  x.backend.copy(x._view(), out._view());
  return out;
}

/** Same data, new shape; copies only when the layout cannot be viewed that way. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("reshape", x);
  const target = inferShape("reshape", x, shape);
  if (shapesEqual(target, x.shape)) return x;
  const source = contiguous(x);
  const out = source._withView(target, contiguousStrides(target), source._offset);
  return attach(out, "reshape", [source], (g, _, [i]) => [reshape(g, i.shape)]);
}

/** Like reshape, but never copies: the tensor must be contiguous. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("view", x);
  if (!x.isContiguous()) {
    throw new Error(`view: tensor of shape ${formatShape(x.shape)} is not contiguous; ` +
      "use reshape() or contiguous() first");
  }
  return reshape(x, shape);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor("flatten", x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis("flatten", startDim, x.ndim), e = normalizeAxis("flatten", endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, s), shapeSize(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Reorders dimensions (a view). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor("permute", x);
  const order = dims.map((d) => normalizeAxis("permute", d, x.ndim));
  if (order.length !== x.ndim || new Set(order).size !== x.ndim) {
    throw new Error(`permute: expected a permutation of ${x.ndim} dimensions, got [${dims.join(",")}]`);
  }
  const out = x._withView(order.map((d) => x.shape[d]), order.map((d) => x._strides[d]), x._offset);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => { inverse[d] = i; });
  return attach(out, "permute", [x], (g) => [permute(g, inverse)]);
}

export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  checkTensor("transpose", x);
  if (x.ndim < 2) {
    // checked anyway, so a bad dim on a vector is an error as in PyTorch, not a silent no-op
    if (dim0 !== -2) normalizeAxis("transpose", dim0, x.ndim);
    if (dim1 !== -1) normalizeAxis("transpose", dim1, x.ndim);
    return x;
  }
  const a = normalizeAxis("transpose", dim0, x.ndim), b = normalizeAxis("transpose", dim1, x.ndim);
  const order = x.shape.map((_, i) => i);
  order[a] = b; order[b] = a;
  return permute(x, order);
}

/**
 * Squeeze and unsqueeze only drop or insert size-1 dims, so they are always views, even of a
 * non-contiguous tensor (going through reshape would copy those, and `select` on a transposed
 * tensor would then not write through to its base).
 */
function resized(op: string, x: Tensor, shape: readonly number[], strides: readonly number[]): Tensor {
  if (shapesEqual(shape, x.shape)) return x;
  return attach(x._withView(shape, strides, x._offset), op, [x], (g, _, [i]) => [reshape(g, i.shape)]);
}

export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  checkTensor("squeeze", x);
  const axes = dim === undefined ? x.shape.map((_, i) => i) : normalizeAxes("squeeze", dim, x.ndim);
  const kept = x.shape.map((d, i) => !(d === 1 && axes.includes(i)));
  return resized("squeeze", x, x.shape.filter((_, i) => kept[i]), x._strides.filter((_, i) => kept[i]));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor("unsqueeze", x);
  const axis = normalizeAxis("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape], strides = [...x._strides];
  shape.splice(axis, 0, 1);
  strides.splice(axis, 0, axis < x.ndim ? x._strides[axis] * x.shape[axis] : 1);
  return resized("unsqueeze", x, shape, strides);
}

/** Broadcasts to `shape` without copying (stride 0); -1 keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("expand", x);
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new Error(`expand: cannot expand shape ${formatShape(x.shape)} ` +
      `to fewer dims ${formatShape(shape)}`);
  }
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  if (target.some((d) => !Number.isInteger(d) || d < 0)) {
    // -1 keeps an existing size; a new leading dim has no size to keep
    throw new Error(`expand: cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)}: ` +
      `sizes must be integers >= 0, and -1 is allowed only for existing dims`);
  }
  x.shape.forEach((d, i) => {
    if (d !== 1 && d !== target[lead + i]) {
      throw new Error(`expand: cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)}: ` +
        `dimension ${i} has size ${d}, not 1, and the target size is ${target[lead + i]}`);
    }
  });
  if (shapesEqual(target, x.shape)) return x;
  const out = x._withView(target, broadcastStrides(x.shape, x._strides, target), x._offset);
  return attach(out, "expand", [x], (g, _, [i]) => [sumToShape(g, i.shape)]);
}

function sliceBounds(size: number, start: number | undefined, end: number | undefined): [number, number] {
  const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  return [clampIndex(start ?? 0), clampIndex(end ?? size)];
}

/** Elements start..end (exclusive) by `step` along `dim`, as Python's `x[start:end:step]` (a view). */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  checkTensor("slice", x);
  const axis = normalizeAxis("slice", dim, x.ndim);
  if (!Number.isInteger(step) || step < 1) {
    throw new Error(`slice: step must be a positive integer, got ${step}`);
  }
  for (const [name, v] of [["start", start], ["end", end]] as const) {
    if (v != null && !Number.isInteger(v)) throw new Error(`slice: ${name} must be an integer, got ${v}`);
  }
  const [s, e] = sliceBounds(x.shape[axis], start, end);
  const length = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape]; shape[axis] = length;
  const strides = [...x._strides]; strides[axis] *= step;
  const out = x._withView(shape, strides, x._offset + (length > 0 ? s * x._strides[axis] : 0));
  return attach(out, "slice", [x], (g, _, [i]) => {
    const grad = full(i.shape, 0, g.dtype, g.backend);
    const target = grad._withView(shape,
      strides.map((st, k) => (k === axis ? contiguousStrides(i.shape)[k] * step
        : contiguousStrides(i.shape)[k])), length > 0 ? s * contiguousStrides(i.shape)[axis] : 0);
    g.backend.copy(g._view(), target._view());
    return [grad];
  });
}

/** The sub-tensor at `index` of `dim`, with that dim removed (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor("select", x);
  const axis = normalizeAxis("select", dim, x.ndim);
  const size = x.shape[axis];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`select: index ${index} is out of range for dimension ${dim} of size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  return squeeze(slice(x, axis, i, i + 1), axis);
}

/** Pieces of `size` along dim (the last may be smaller), or pieces of the given sizes. */
export function split(x: Tensor, sizeOrSections: number | number[], dim = 0): Tensor[] {
  checkTensor("split", x);
  const axis = normalizeAxis("split", dim, x.ndim);
  const total = x.shape[axis];
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 1) {
      throw new Error(`split: split size must be a positive integer, got ${sizeOrSections}`);
    }
    sizes = [];
    for (let s = 0; s < total; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, total - s));
  } else {
    sizes = sizeOrSections;
    if (!Array.isArray(sizes) || sizes.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new Error(`split: sections must be integers >= 0, got [${String(sizes)}]`);
    }
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== total) {
      throw new Error(`split: sections [${sizes.join(",")}] sum to ${sum}, ` +
        `dimension ${dim} has size ${total}`);
    }
  }
  let start = 0;
  return sizes.map((n) => slice(x, axis, start, (start += n)));
}

/** `chunks` nearly equal pieces along dim (as torch.chunk). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor("chunk", x);
  if (!Number.isInteger(chunks) || chunks < 1) {
    throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  }
  const axis = normalizeAxis("chunk", dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[axis] / chunks)), axis);
}

/** Joins tensors along an existing dim; all other dims must match. */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) {
    throw new Error("concat: expected a non-empty array of tensors");
  }
  tensors.forEach((t, k) => checkTensor("concat", t, `tensor ${k}`));
  const first = tensors[0];
  const axis = normalizeAxis("concat", dim, first.ndim);
  let dtype = first.dtype;
  tensors.forEach((t, k) => {
    dtype = promoteTypes(dtype, t.dtype);
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw new Error(`concat: tensor ${k} has shape ${formatShape(t.shape)}, ` +
        `expected ${formatShape(first.shape)} except along dimension ${dim}`);
    }
  });
  const shape = [...first.shape];
  shape[axis] = tensors.reduce((a, t) => a + t.shape[axis], 0);
  const out = Tensor._empty(shape, dtype, first.backend);
  let start = 0;
  const strides = contiguousStrides(shape);
  for (const t of tensors) {
    if (t.size > 0) {
      first.backend.copy(t._view(),
        { storage: out._ref.storage, shape: t.shape, strides, offset: start * strides[axis] });
    }
    start += t.shape[axis];
  }
  return attach(out, "concat", tensors, (g, _, inputs) => {
    let s = 0;
    return inputs.map((t) => slice(g, axis, s, (s += t.shape[axis])));
  });
}

/** Joins tensors of one shape along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) {
    throw new Error("stack: expected a non-empty array of tensors");
  }
  tensors.forEach((t, k) => checkTensor("stack", t, `tensor ${k}`));
  tensors.forEach((t, k) => {
    if (!shapesEqual(t.shape, tensors[0].shape)) {
      throw new Error(`stack: tensor ${k} has shape ${formatShape(t.shape)}, ` +
        `expected ${formatShape(tensors[0].shape)}`);
    }
  });
  const axis = normalizeAxis("stack", dim, tensors[0].ndim + 1);
  return concat(tensors.map((t) => unsqueeze(t, axis)), axis);
}

/** In-place copy of `source` (broadcast) into `target`'s storage; not recorded by autograd. */
export function assignInto(target: Tensor, source: TensorLike): void {
  checkTensor("assign", target);
  if (!(source instanceof Tensor) && typeof source !== "number") {
    throw new Error(`assign: expected a Tensor or a number, got ${typeof source}`);
  }
  const src = source instanceof Tensor ? source : scalarFor(source, target);
  if (src.ndim > target.ndim ||
    src.shape.some((d, i) => d !== 1 && d !== target.shape[target.ndim - src.ndim + i])) {
    throw new Error(`assign: cannot write shape ${formatShape(src.shape)} ` +
      `into a tensor of shape ${formatShape(target.shape)}`);
  }
  const view = {
    ...src._view(), shape: target.shape, strides: broadcastStrides(src.shape, src._strides, target.shape),
  };
  target.backend.copy(view, target._view());
}
