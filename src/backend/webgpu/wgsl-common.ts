// Pieces every WGSL kernel shares. Conventions: binding 0 is the parameter block P (int32 words; floats
// by bitcast), binding 1 the output, then the inputs. A view is described in P as its offset followed
// by one stride per dimension; `at` walks a row-major index through a shape into such a view.
import type { DType } from "../../core/dtype.js";

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WG = 256;

export type WgslType = "f32" | "i32";

export function wgslType(dtype: DType): WgslType {
  if (dtype === "float64") {
    throw new Error("webgpu backend: float64 is not supported (WGSL has no 64-bit floats); " +
      "use float32 tensors (t.float()) or the js backend for float64");
  }
  return dtype === "int32" ? "i32" : "f32";
}

/** `expr` (of type `from`) as type `to`. */
export function convert(expr: string, from: WgslType, to: WgslType): string {
  return from === to ? expr : `${to}(${expr})`;
}

export function prelude(): string {
  return `
@group(0) @binding(0) var<storage, read> P: array<i32>;
fn pf(k: i32) -> f32 { return bitcast<f32>(P[k]); }
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// not constants: WGSL rejects a NaN or infinite constant expression
fn nan_() -> f32 { var u = 0x7fc00000u; return bitcast<f32>(u); }
fn inf_() -> f32 { var u = 0x7f800000u; return bitcast<f32>(u); }
// element i of the row-major shape at P[sh..sh+nd) inside the view whose offset and strides start at P[v]
fn at(i: i32, sh: i32, nd: i32, v: i32) -> i32 {
  // one dimension (what coalesce leaves of a contiguous view): no division, which SwiftShader pays for
  if (nd == 1) { return P[v] + i * P[v + 1]; }
  var r = i;
  var o = P[v];
  for (var d = nd - 1; d >= 0; d--) {
    let n = P[sh + d];
    o += (r % n) * P[v + 1 + d];
    r = r / n;
  }
  return o;
}
fn flat(g: vec3u, w: vec3u) -> i32 { return i32(g.x + g.y * w.x * ${WG}u); }
`;
}

/** Storage bindings from 1 on: `[name, type, writable]`. */
export function bindings(list: readonly [string, string, boolean][]): string {
  return list.map(([name, type, writable], i) =>
    `@group(0) @binding(${i + 1}) var<storage, ${writable ? "read_write" : "read"}> ${name}: array<${type}>;`)
    .join("\n");
}

/** Workgroups for `threads` one-element threads: x up to 65,535, the rest in y. */
export function groupsFor(threads: number, perGroup = WG): number[] {
  const groups = Math.max(1, Math.ceil(threads / perGroup));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x), 1];
}

const floatBits = new Float32Array(1);
const intBits = new Int32Array(floatBits.buffer);
/** The float32 bits of `x` as an int32 parameter word. */
export function f32Word(x: number): number {
  floatBits[0] = x;
  return intBits[0];
}

/** Shape words then view words (offset, strides) for views over one shape. */
export function viewWords(shape: readonly number[], ...views: { offset: number;
  strides: readonly number[] }[]):
  number[] {
  const words = [...shape];
  for (const v of views) words.push(v.offset, ...v.strides);
  return words;
}

/** True when a view's elements are one run of its storage in row-major order. */
export function isLinear(view: { shape: readonly number[]; strides: readonly number[] }): boolean {
  let expected = 1;
  for (let d = view.shape.length - 1; d >= 0; d--) {
    if (view.shape[d] !== 1 && view.strides[d] !== expected) return false;
    expected *= view.shape[d];
  }
  return true;
}

interface StridedView { offset: number; strides: readonly number[] }

/**
 * The same elements over fewer dimensions: drops size-1 dimensions and merges neighbours that every
 * view steps through as one (stride[d] = stride[d+1]·shape[d+1]), so a contiguous view becomes one
 * dimension. Returns the shape and the views over it.
 */
export function coalesce<V extends StridedView>(shape: readonly number[], ...views: V[]):
  [number[], ...StridedView[]] {
  const dims = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const out: number[] = [], strides: number[][] = views.map(() => []);
  for (const d of dims) {
    const k = out.length - 1;
    if (k >= 0 && views.every((v, j) => strides[j][k] === v.strides[d] * shape[d])) {
      out[k] *= shape[d];
      views.forEach((v, j) => { strides[j][k] = v.strides[d]; });
    } else {
      out.push(shape[d]);
      views.forEach((v, j) => strides[j].push(v.strides[d]));
    }
  }
  return [out, ...views.map((v, j) => ({ offset: v.offset, strides: strides[j] }))];
}

/** The dimension count and the shape and view words of `coalesce(shape, ...views)`. */
export function layout(shape: readonly number[], ...views: StridedView[]): [number, number[]] {
  const [merged, ...over] = coalesce(shape, ...views);
  return [merged.length, viewWords(merged, ...over)];
}

/**
 * An entry point with one invocation per element: `index` is its flat number, and it returns at once
 * when that is not below `bound` (a WGSL expression; null: the body checks).
 */
export function perElement(body: string, index = "i", bound: string | null = "P[0]"): string {
  return `
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gi: vec3u,
  @builtin(num_workgroups) w: vec3u) {
  let ${index} = flat(gi, w);${bound === null ? "" : `
  if (${index} >= ${bound}) { return; }`}
  ${body}
}`;
}
