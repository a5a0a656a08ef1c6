/**
 * Convolution and pooling as a gather (im2col). Every receptive field of an image is read through one
 * int32 index into the image's flattened channel plane, so `indexSelect` does the unfolding and its
 * backward (`indexAdd`) is col2im: gradients need no code here. Padding, zero insertion (transposed
 * convolution) and kernel flipping are folded into the index, so none of them copies the input.
 */
import type { Backend } from "../../backend/backend.js";
import { keep } from "../../core/memory.js";
import { fromFlat, full } from "../../core/creation.js";
import { concat } from "../../core/ops/movement.js";
import type { Tensor } from "../../core/tensor.js";

/** How positions outside the image are read: as a fill value (zero), or mirrored, clamped or wrapped. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/** One spatial axis of a sliding window over a virtual (padded, zero-inserted) input. */
export interface WindowAxis {
  /** Input extent. */
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  /** Padding before the first element; may be negative (a transposed convolution crops). */
  padLo: number;
  /** Padding after the last element (only changes the output size). */
  padHi: number;
  /** Zeros inserted between input elements, plus one (a transposed convolution's stride). */
  inputStride?: number;
  /** Reverse the kernel taps (a transposed convolution is a convolution with the flipped kernel). */
  flip?: boolean;
}

/** The window count along an axis, floor or ceil as PyTorch (a ceil window must start inside). */
export function windowCount(a: WindowAxis, ceilMode = false): number {
  const extent = ((a.size - 1) * (a.inputStride ?? 1) + 1) + a.padLo + a.padHi;
  const span = a.dilation * (a.kernel - 1) + 1;
  if (extent < span) return 0;
  const steps = (extent - span) / a.stride;
  let out = (ceilMode ? Math.ceil(steps) : Math.floor(steps)) + 1;
  if (ceilMode && (out - 1) * a.stride >= a.size + a.padLo) out--;
  return out;
}

/** The gather plan of one window geometry: index [K·L] with entry k·L + l for kernel tap k, window l. */
export interface WindowPlan {
  /** Source position in the H·W plane of each tap of each window; H·W means "the fill value". */
  readonly table: Int32Array;
  readonly outH: number;
  readonly outW: number;
  /** Kernel taps per window (kh·kw). */
  readonly taps: number;
  /** Some tap reads the fill value, so the plane needs it appended. */
  readonly usesFill: boolean;
  /** The index as an int32 tensor on `backend`, made once per backend. */
  indexOn(backend: Backend): Tensor;
}

/** Per output position and tap: the source coordinate along one axis, or -1 for padding. */
function axisSources(a: WindowAxis, out: number, mode: PaddingMode): Int32Array {
  const src = new Int32Array(out * a.kernel);
  const s = a.inputStride ?? 1;
  for (let o = 0; o < out; o++) {
    for (let k = 0; k < a.kernel; k++) {
      const tap = a.flip ? a.kernel - 1 - k : k;
      let v = o * a.stride + tap * a.dilation - a.padLo;
      if (s > 1) v = v >= 0 && v % s === 0 ? v / s : -1;
      else if (v < 0 || v >= a.size) v = padSource(v, a.size, mode);
      src[o * a.kernel + k] = v >= a.size ? -1 : v;
    }
  }
  return src;
}

/** PyTorch's F.pad modes: reflect mirrors without repeating the edge, replicate clamps, circular wraps. */
function padSource(v: number, size: number, mode: PaddingMode): number {
  switch (mode) {
    case "zeros": return -1;
    case "replicate": return Math.min(Math.max(v, 0), size - 1);
    case "reflect": return v < 0 ? -v : 2 * (size - 1) - v;
    case "circular": return ((v % size) + size) % size;
  }
}

// Plans depend only on geometry, and a training loop asks for the same few again and again. Evicted
// index tensors are not disposed: a graph still waiting for backward may hold them.
const MAX_PLANS = 64;
const plans = new Map<string, WindowPlan>();

/** The (cached) gather plan for windows over an H×W plane. */
export function windowPlan(h: WindowAxis, w: WindowAxis, mode: PaddingMode = "zeros",
  ceilMode = false): WindowPlan {
  const key = JSON.stringify([h, w, mode, ceilMode]);
  const hit = plans.get(key);
  if (hit !== undefined) {
    plans.delete(key);
    plans.set(key, hit);
    return hit;
  }
  const plan = buildPlan(h, w, mode, ceilMode);
  plans.set(key, plan);
  if (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value as string);
  return plan;
}

function buildPlan(h: WindowAxis, w: WindowAxis, mode: PaddingMode, ceilMode: boolean): WindowPlan {
  const outH = windowCount(h, ceilMode), outW = windowCount(w, ceilMode);
  const rows = axisSources(h, outH, mode), cols = axisSources(w, outW, mode);
  const L = outH * outW, taps = h.kernel * w.kernel, fill = h.size * w.size;
  const table = new Int32Array(taps * L);
  let usesFill = false;
  for (let ki = 0; ki < h.kernel; ki++) {
    for (let kj = 0; kj < w.kernel; kj++) {
      const base = (ki * w.kernel + kj) * L;
      for (let oy = 0; oy < outH; oy++) {
        const sy = rows[oy * h.kernel + ki];
        for (let ox = 0; ox < outW; ox++) {
          const sx = cols[ox * w.kernel + kj];
          const inside = sy >= 0 && sx >= 0;
          usesFill ||= !inside;
          table[base + oy * outW + ox] = inside ? sy * w.size + sx : fill;
        }
      }
    }
  }
  const tensors = new Map<Backend, Tensor>();
  return {
    table, outH, outW, taps, usesFill,
    indexOn(backend: Backend): Tensor {
      let t = tensors.get(backend);
      // kept: a cached index must survive the `tidy` scope it was first made in
      if (t === undefined) tensors.set(backend, t = keep(fromFlat(table, [table.length], "int32", backend)));
      return t;
    },
  };
}

/**
 * Every window of x [N, C, H, W] as [N, C, K, L] (K taps, L windows); padding reads `fill`.
 * Differentiable in x: the gradient is col2im, by indexSelect's backward.
 */
export function unfoldPlanes(x: Tensor, plan: WindowPlan, fill = 0): Tensor {
  const [n, c, hh, ww] = x.shape;
  let planes = x.reshape([n * c, hh * ww]);
  if (plan.usesFill) planes = concat([planes, full([n * c, 1], fill, x.dtype, x.backend)], 1);
  return planes.indexSelect(1, plan.indexOn(x.backend)).reshape([n, c, plan.taps, plan.outH * plan.outW]);
}

/**
 * The divisor of each average-pooling window, as PyTorch: the window clipped to the padded input
 * (countIncludePad) or to the input itself.
 */
export function poolDivisors(h: WindowAxis, w: WindowAxis, outH: number, outW: number,
  countIncludePad: boolean): Float64Array {
  const along = (a: WindowAxis, out: number): number[] => Array.from({ length: out }, (_, o) => {
    let start = o * a.stride - a.padLo;
    let end = Math.min(start + a.kernel, a.size + a.padLo);
    const padded = end - start;
    start = Math.max(start, 0);
    end = Math.min(end, a.size);
    return countIncludePad ? padded : end - start;
  });
  const rows = along(h, outH), cols = along(w, outW);
  const out = new Float64Array(outH * outW);
  for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) out[i * outW + j] = rows[i] * cols[j];
  return out;
}

/** A size given once for both axes or as [height, width]. */
export type IntPair = number | readonly [number, number];

/** `value` as [height, width], checking each is an integer ≥ `min` (1 for sizes, 0 for padding). */
export function toPair(op: string, name: string, value: IntPair, min = 1): [number, number] {
  const pair: unknown[] = typeof value === "number" ? [value, value] : Array.isArray(value) ? value : [];
  const ok = pair.length === 2 && pair.every((v) => typeof v === "number" && Number.isInteger(v) && v >= min);
  if (!ok) {
    const what = min === 0 ? "a non-negative integer" : "a positive integer";
    const got = JSON.stringify(value) ?? String(value);
    throw new Error(`${op}: ${name} must be ${what} or a pair of them, got ${got}`);
  }
  return pair as [number, number];
}
