import type { Backend } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";
import type { DType, TypedArray } from "./dtype.js";
import { dtypeOfArray, isDType } from "./dtype.js";
import { generatorFor } from "./random.js";
import { checkShape, formatShape, shapeSize } from "./shape.js";
import { Tensor, type NestedArray } from "./tensor.js";
import { checkNonNegativeInt } from "../util/check.js";

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends TensorOptions {
  /** Seed for this call only; without it the global generator (`manualSeed`) is used. */
  seed?: number;
}

function checkDType(op: string, dtype: DType | undefined, fallback: DType): DType {
  const d = dtype ?? fallback;
  if (!isDType(d)) throw new Error(`${op}: unknown dtype "${String(d)}"; expected float32, float64 or int32`);
  return d;
}

function finish(t: Tensor, options: TensorOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** @internal A tensor on `backend` holding a copy of `data`. */
export function fromFlat(data: ArrayLike<number>, shape: readonly number[], dtype: DType,
  backend = activeBackend()): Tensor {
  const t = Tensor._empty(shape, dtype, backend);
  if (data.length > 0) backend.write(t._ref.storage, data);
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof data !== "number") {
      throw new Error(`tensor: expected a number at depth ${depth}, got ${typeof data}`);
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new Error(`tensor: ragged nested array: expected ${shape[depth]} entries at depth ${depth} ` +
      `(shape ${formatShape(shape)}), got ${Array.isArray(data) ? data.length : typeof data}`);
  }
  for (const item of data) flatten(item, shape, depth + 1, out);
}

/**
 * Creates a tensor from a number, nested arrays or a typed array (`shape` required for a flat array
 * that is not 1-D). Float32 unless `dtype` says otherwise or a typed array implies it.
 * @example zd.tensor([[1, 2], [3, 4]], { requiresGrad: true })
 */
export function tensor(data: NestedArray | TypedArray | readonly number[],
  options: TensorOptions & { shape?: number[] } = {}): Tensor {
  let flat: ArrayLike<number>;
  let shape: number[];
  let fallback: DType = "float32";
  if (ArrayBuffer.isView(data)) {
    flat = data;
    fallback = dtypeOfArray(data);
    shape = options.shape ? checkShape("tensor", options.shape) : [data.length];
  } else {
    shape = inferShape(data as NestedArray);
    const out: number[] = [];
    flatten(data as NestedArray, shape, 0, out);
    flat = out;
    if (options.shape) {
      const target = checkShape("tensor", options.shape);
      if (shapeSize(target) !== out.length) {
        throw new Error(`tensor: shape ${formatShape(target)} holds ${shapeSize(target)} elements, ` +
          `data has ${out.length}`);
      }
      shape = target;
    }
  }
  if (shapeSize(shape) !== flat.length) {
    throw new Error(`tensor: shape ${formatShape(shape)} holds ${shapeSize(shape)} elements, ` +
      `data has ${flat.length}`);
  }
  return finish(fromFlat(flat, shape, checkDType("tensor", options.dtype, fallback)), options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = "float32",
  backend?: Backend): Tensor {
  const t = Tensor._empty(checkShape("full", shape), checkDType("full", dtype, "float32"),
    backend ?? activeBackend());
  t.backend.fill(t._view(), value);
  return t;
}

export function zeros(shape: readonly number[], options?: TensorOptions): Tensor {
  return finish(full(shape, 0, options?.dtype), options);
}
export function ones(shape: readonly number[], options?: TensorOptions): Tensor {
  return finish(full(shape, 1, options?.dtype), options);
}
export function zerosLike(t: Tensor, options?: TensorOptions): Tensor {
  return finish(full(t.shape, 0, options?.dtype ?? t.dtype, t.backend), options);
}
export function onesLike(t: Tensor, options?: TensorOptions): Tensor {
  return finish(full(t.shape, 1, options?.dtype ?? t.dtype, t.backend), options);
}
export function fullLike(t: Tensor, value: number, options?: TensorOptions): Tensor {
  return finish(full(t.shape, value, options?.dtype ?? t.dtype, t.backend), options);
}

function randomTensor(op: string, shape: readonly number[], options: RandomOptions | undefined,
  draw: (g: ReturnType<typeof generatorFor>) => number): Tensor {
  const dims = checkShape(op, shape);
  const dtype = checkDType(op, options?.dtype, "float32");
  const g = generatorFor(options?.seed);
  const data = new Float64Array(shapeSize(dims));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return finish(fromFlat(data, dims, dtype), options);
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options?: RandomOptions): Tensor {
  return randomTensor("rand", shape, options, (g) => g.random());
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options?: RandomOptions): Tensor {
  return randomTensor("randn", shape, options, (g) => g.normal());
}

/** Integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[],
  options?: RandomOptions): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  return randomTensor("randint", shape, { dtype: "int32", ...options }, (g) => g.int(low, high));
}

/** Values from `start` to `end` (exclusive) by `step`; `arange(n)` is 0..n-1. Int32 when all are integers. */
export function arange(start: number, end?: number, step = 1, options?: TensorOptions): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (step === 0 || !Number.isFinite(step)) {
    throw new Error(`arange: step must be a finite nonzero number, got ${step}`);
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new Error(`arange: start and end must be finite numbers, got start=${start}, end=${end}`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  const integral = [start, end, step].every(Number.isInteger);
  return finish(fromFlat(data, [n], checkDType("arange", options?.dtype, integral ? "int32" : "float32")),
    options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  checkNonNegativeInt("linspace", "steps", steps);
  const data = new Float64Array(steps);
  for (let i = 0; i < steps; i++) data[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return finish(fromFlat(data, [steps], checkDType("linspace", options?.dtype, "float32")), options);
}

/** Identity matrix of n rows and m (default n) columns. */
export function eye(n: number, m = n, options?: TensorOptions): Tensor {
  const t = zeros(checkShape("eye", [n, m]), { dtype: options?.dtype });
  const data = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  t.backend.write(t._ref.storage, data);
  return finish(t, options);
}

const SCALAR_CACHE_SIZE = 512;
const scalarCache = new WeakMap<Backend, Map<string, Tensor>>();

/**
 * @internal A 0-d tensor used when a number meets a tensor in an op. `x.mul(2)` would otherwise
 * allocate, track and later collect a storage for the 2 on every call, so constants are shared:
 * they are permanent tensors that only ever appear as op inputs (graph nodes keep them, users never
 * get them back), hence nobody writes to them. Past the cache size (a schedule that makes a new
 * learning rate every step) scalars are ordinary tensors again.
 */
export function scalarFor(value: number, like: Tensor): Tensor {
  const dtype = like.dtype === "int32" && !Number.isInteger(value) ? "float32" : like.dtype;
  const backend = like.backend;
  let cache = scalarCache.get(backend);
  if (cache === undefined) scalarCache.set(backend, (cache = new Map()));
  // -0 and 0 differ (1 / -0 is -inf), and String(-0) is "0"
  const key = dtype + (Object.is(value, -0) ? "-0" : String(value));
  let t = cache.get(key);
  if (t === undefined) {
    if (cache.size >= SCALAR_CACHE_SIZE) return fromFlat([value], [], dtype, backend);
    t = Tensor._permanent([], dtype, backend);
    backend.write(t._ref.storage, [value]);
    cache.set(key, t);
  }
  return t;
}

